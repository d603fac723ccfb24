"""The reference for `wl-hook verify DIR`: the same checks a careful developer would script in
Python, with the verdict rules of wl-hook verify (the checks that can fail a capture):

  signature      some x-signature-256 header (bare or sha256= hex, any case) is the HMAC-SHA256
                 of the body under one of the keys (compared in constant time)
  payload-key    the SHA-256 of the body is computed and compared (a finding, never a failure)
  event          an x-topic header is present
  body-json      the body is non-empty UTF-8 JSON
  generated-at   x-generated-at is a readable time (RFC 3339, Unix seconds or ms, SQL form)
  sent-at-order  x-sent-at, when present, is readable and not before x-generated-at
  future         x-generated-at is at most 5 minutes ahead of now

Usage: python3 verify_captures.py KEY DIR...  Prints "valid N invalid M unreadable U" and exits
0 when every input is valid, 1 when one is not, 2 when one cannot be read (wl-hook's codes).
"""
import base64
import datetime as dt
import hashlib
import hmac
import json
import os
import sys


def parse_time(raw):
    s = raw.strip()
    if s.isdigit() and len(s) <= 16:
        n = int(s)
        return dt.datetime.fromtimestamp(n / 1000 if n >= 100_000_000_000 else n, dt.timezone.utc)
    t = dt.datetime.fromisoformat(s.replace(" ", "T", 1) if "T" not in s else s)
    return t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)


def signature_ok(key, body, values):
    mac = hmac.new(key, body, hashlib.sha256).digest()
    for v in values:
        v = v.strip()
        if v[:7].lower() == "sha256=":
            v = v[7:]
        try:
            if hmac.compare_digest(bytes.fromhex(v), mac):
                return True
        except ValueError:
            pass
    return False


def valid(key, path, now):
    with open(path, "rb") as f:
        doc = json.load(f)
    headers = doc["headers"]
    body = doc["body"].encode() if "body" in doc else base64.b64decode(doc["body_base64"])
    get = lambda name: next((v for n, v in headers if n.lower() == name), None)
    ok = signature_ok(key, body, [v for n, v in headers if n.lower() == "x-signature-256"])
    payload_key = get("x-payload-key")
    _ = payload_key is not None and payload_key.strip().lower() == hashlib.sha256(body).hexdigest()
    ok &= get("x-topic") is not None
    try:
        json.loads(body.decode("utf-8"))
        ok &= bool(body)
    except ValueError:
        ok = False
    try:
        generated = parse_time(get("x-generated-at"))
    except (ValueError, AttributeError):
        return False
    sent = get("x-sent-at")
    if sent is not None:
        try:
            ok &= parse_time(sent) >= generated
        except ValueError:
            return False
    return ok and generated - now <= dt.timedelta(minutes=5)


def main():
    key = sys.argv[1].encode()
    now = dt.datetime.now(dt.timezone.utc)
    counts = {"valid": 0, "invalid": 0, "unreadable": 0}
    for spec in sys.argv[2:]:
        paths = [os.path.join(spec, n) for n in sorted(os.listdir(spec)) if n.endswith((".json", ".http"))] if os.path.isdir(spec) else [spec]
        for p in paths:
            try:
                counts["valid" if valid(key, p, now) else "invalid"] += 1
            except (OSError, ValueError, KeyError, TypeError):
                counts["unreadable"] += 1
    print(" ".join(f"{k} {v}" for k, v in counts.items()))
    return 2 if counts["unreadable"] else 1 if counts["invalid"] else 0


if __name__ == "__main__":
    sys.exit(main())
