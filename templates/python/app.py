"""A WellnessLiving webhook receiver: verify, acknowledge at once, do the work in the background.

Every rule below is one that `wl-hook check` tests; ./test runs it against this app.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import os
from contextlib import asynccontextmanager
from datetime import datetime, timezone
from typing import Optional

from fastapi import FastAPI, Request, Response

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("wl-webhook")

# The webhook key WL issued with the subscription. Refuse to start without it rather than accept
# everything.
SECRET = os.environ.get("WL_HOOK_SECRET", "").encode()
if not SECRET:
    raise SystemExit("set WL_HOOK_SECRET to your WellnessLiving webhook key")

# The field that names the record in each resource's body: events about one record are ordered by
# x-generated-at. A purchase refund names its order by order_id.
RECORD_ID = {
    "business": ("k_business",),
    "location": ("k_location",),
    "staff": ("k_staff",),
    "class": ("k_class",),
    "appointment": ("k_service",),
    "client": ("uid",),
    "purchase": ("text_purchase_id", "order_id"),
}
KNOWN_TOPICS = {
    "business.updated",
    "location.created",
    "location.updated",
    "staff.created",
    "staff.updated",
    "class.created",
    "class.updated",
    "appointment.created",
    "appointment.updated",
    "client.created",
    "client.updated",
    "purchase.created",
    "purchase.refunded",
}

# In memory to keep the starter small. In production keep both in your database (a unique index
# on the payload key, a column with the last x-generated-at per record), so that they survive a
# restart and are shared by every process; payload keys can be forgotten after 3 days, when WL
# stops retrying.
seen_payload_keys: set[str] = set()
latest_generated_at: dict[str, datetime] = {}
queue: asyncio.Queue = asyncio.Queue()


def signature_ok(signed: bytes, header: Optional[str]) -> bool:
    """x-signature-256 is the hex HMAC-SHA256 of the body with the webhook key."""
    if not header:
        return False
    value = header.strip()
    if value[:7].lower() == "sha256=":
        value = value[7:]
    try:
        given = bytes.fromhex(value)  # accepts upper-case hex too
    except ValueError:
        return False
    expected = hmac.new(SECRET, signed, hashlib.sha256).digest()
    # compare_digest takes as long wherever the first difference is: `==` would let an attacker
    # find a valid signature byte by byte from the response time.
    return hmac.compare_digest(expected, given)


def parse_time(value: Optional[str]) -> Optional[datetime]:
    if not value:
        return None
    try:
        at = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    # A time without a zone is UTC; naive and aware times cannot be compared.
    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)


def record_of(topic: str, event: dict) -> Optional[str]:
    resource = topic.split(".", 1)[0]
    for field in RECORD_ID.get(resource, ()):
        if event.get(field) is not None:
            return f"{resource}:{event[field]}"
    return None


async def handle(topic: str, event: dict) -> None:
    """Your work goes here: update your CRM, database or dashboard."""
    log.info("processed %s for %s", topic, record_of(topic, event))


async def worker() -> None:
    while True:
        topic, event = await queue.get()
        try:
            await handle(topic, event)
        except Exception:  # one bad event must not stop the worker
            log.exception("processing %s failed", topic)
        finally:
            queue.task_done()


@asynccontextmanager
async def lifespan(_app: FastAPI):
    task = asyncio.create_task(worker())
    yield
    task.cancel()


app = FastAPI(lifespan=lifespan)


@app.post("/webhooks")
async def webhooks(request: Request) -> Response:
    # The raw bytes, exactly as sent: the signature covers them, not json.dumps of a parsed copy,
    # which orders, spaces and escapes differently. No size limit: a purchase with many line
    # items is several hundred KB.
    body = await request.body()
    signed = body  # the raw bytes, exactly as received
    if not signature_ok(signed, request.headers.get("x-signature-256")):
        log.warning("refused: missing or invalid x-signature-256")
        return Response("invalid signature\n", status_code=401)

    # WL retries until it gets a 200, so the same delivery can come twice: acknowledge it again,
    # do not process it again.
    key = request.headers.get("x-payload-key") or hashlib.sha256(body).hexdigest()
    if key in seen_payload_keys:
        log.info("duplicate %s acknowledged", key[:8])
        return Response("duplicate\n", status_code=200)

    topic = request.headers.get("x-topic", "")
    if topic not in KNOWN_TOPICS:
        # WL may add events; a refusal would be retried for three days.
        seen_payload_keys.add(key)
        log.warning("unknown topic %r acknowledged and ignored", topic)
        return Response("ignored\n", status_code=200)

    try:
        event = json.loads(body)
    except ValueError:
        return Response("body is not JSON\n", status_code=400)
    if not isinstance(event, dict):
        return Response("body is not a JSON object\n", status_code=400)

    # Retries and parallel deliveries arrive out of order: an event older than one already taken
    # for the same record is stale. Acknowledge it (a refusal would be retried) but skip it. Never
    # refuse an event for its age alone: WL retries for up to 72 hours.
    seen_payload_keys.add(key)
    record = record_of(topic, event)
    generated_at = parse_time(request.headers.get("x-generated-at"))
    if record and generated_at:
        last = latest_generated_at.get(record)
        if last and generated_at < last:
            log.info("stale %s for %s ignored", topic, record)
            return Response("stale\n", status_code=200)
        latest_generated_at[record] = generated_at

    # Answer now, work later: WL waits only so long for the answer, then retries.
    queue.put_nowait((topic, event))
    return Response("ok\n", status_code=200)
