#!/usr/bin/env python3
"""The inspector of `wl-hook listen` in a real browser: headless Chromium (Debian's package)
driven by Playwright. A real little HTTP app receives what listen forwards and what the page
resends; deliveries are signed here with hmac, independently of wl-hook.

    python3 tests/browser/inspector.py [--bin target/debug/wl-hook] [--screenshot docs/inspector.png]

Prints one line per check and a closing 'N passed, N failed'.
"""

import argparse
import hashlib
import hmac
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from playwright.sync_api import expect, sync_playwright

KEY = b"inspector-test-key"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class App(BaseHTTPRequestHandler):
    """The app behind --forward-to: records every POST, answers 200 with a small JSON body."""

    received = []
    lock = threading.Lock()

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        with App.lock:
            App.received.append((self.path, dict(self.headers.items()), body))
        answer = b'{"ok":true}'
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


def app_bodies():
    with App.lock:
        return [b for (_, _, b) in App.received]


def post(url, topic, body, key=KEY, generated_at=None):
    """A WL delivery signed here (HMAC-SHA256 hex of the exact body)."""
    stamp = generated_at or time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
    req = urllib.request.Request(url, data=body, method="POST")
    req.add_header("content-type", "application/json")
    req.add_header("x-topic", topic)
    req.add_header("x-signature-256", hmac.new(key, body, hashlib.sha256).hexdigest())
    req.add_header("x-generated-at", stamp)
    req.add_header("x-sent-at", stamp)
    req.add_header("x-payload-key", hashlib.sha256(body).hexdigest())
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status
    except urllib.error.HTTPError as e:
        return e.code


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def run(self, name, fn):
        try:
            fn()
            self.passed += 1
            print(f"ok    {name}", flush=True)
        except Exception as e:  # report and go on: every check is listed
            self.failed += 1
            print(f"FAIL  {name}: {e!r}", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "debug", "wl-hook"))
    ap.add_argument("--screenshot", default=None)
    ap.add_argument("--chromium", default=os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    args = ap.parse_args()

    app = ThreadingHTTPServer(("127.0.0.1", 0), App)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    app_url = f"http://127.0.0.1:{app.server_address[1]}/webhooks"

    listen = subprocess.Popen(
        [args.bin, "listen", "--port", "0", "--ui-port", "0", "--json",
         "--secret", KEY.decode(), "--forward-to", app_url],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("WL_HOOK_")},
    )
    checks = Checks()
    tmp = tempfile.mkdtemp()
    try:
        listening = json.loads(listen.stdout.readline())
        inspector = json.loads(listen.stdout.readline())
        assert listening["type"] == "listening" and inspector["type"] == "inspector", (listening, inspector)
        hook = listening["url"] + "/webhooks"
        ui = inspector["url"]
        origin = ui.rstrip("/")
        assert ui.startswith("http://127.0.0.1:"), ui

        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=args.chromium, headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
            )
            context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
            requested = []
            context.on("request", lambda r: requested.append(r.url))
            page = context.new_page()
            page.goto(ui)
            expect(page.locator("#status")).to_contain_text("Live", timeout=10000)
            rows = page.locator("#rows tr")
            expect(rows).to_have_count(0)

            # Sent after the page loaded: the rows must appear without a reload.
            purchase = json.dumps({"text_purchase_id": "5001", "m_total": "196.19",
                                   "a_customer": {"text_name": "Maya Okonkwo-Hale"},
                                   "meta_data": {"topic": "purchase.created"}}).encode()
            ada = json.dumps({"uid": "42", "s_first_name": "Ada", "s_last_name": "Lovelace"}).encode()
            ann = json.dumps({"uid": "42", "s_first_name": "Ann", "s_last_name": "Lovelace"}).encode()
            class_body = json.dumps({"k_class": "7", "text_title": "Vinyasa Flow 60"}).encode()
            earlier = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(time.time() - 60))
            statuses = [
                post(hook, "purchase.created", purchase),
                post(hook, "client.updated", ada, generated_at=earlier),
                post(hook, "class.created", class_body, key=b"forged-key"),
                post(hook, "client.updated", ann),
                post(hook, "purchase.created", purchase),  # the same body again: a duplicate
            ]

            def row(seq):
                return page.locator(f'#rows tr[data-seq="{seq}"]')

            def rows_live():
                assert statuses == [200, 200, 401, 200, 200], statuses
                expect(rows).to_have_count(5, timeout=10000)
                expect(page.locator("#count")).to_have_text("(5)")
                expect(row(5)).to_contain_text("duplicate of #1")
            checks.run("rows appear live for requests sent after the page loaded", rows_live)

            def forged_invalid():
                expect(row(3)).to_contain_text("invalid")
                expect(row(3)).to_contain_text("does not match the body")
                expect(row(3)).to_contain_text("401")
                expect(row(1)).to_contain_text("valid")
                expect(row(1)).to_contain_text("200 in")  # the app's answer and latency
            checks.run("a forged delivery is marked invalid with its reason", forged_invalid)

            def detail():
                row(1).click()
                expect(page.locator("#detail")).to_be_visible()
                expect(page.locator("#detail-title")).to_have_text("#1 purchase.created")
                headers = page.locator("#d-headers")
                expect(headers).to_contain_text("x-signature-256")
                expect(headers).to_contain_text(hmac.new(KEY, purchase, hashlib.sha256).hexdigest())
                body = page.locator("#d-body")
                expect(body).to_contain_text('"text_purchase_id": "5001"')  # pretty-printed
                expect(page.locator("#d-verify")).to_contain_text("signature")
                expect(page.locator("#d-forwarded")).to_contain_text("answered 200")
                expect(page.locator("#d-fwd-body")).to_have_text('{"ok":true}')
            checks.run("the detail view shows headers, the pretty body, verify and the app's answer", detail)

            def keyboard_and_diff():
                # One tab stop for the list: the selected row (#1, from the check above).
                page.focus("#f-search")
                page.keyboard.press("Tab")
                assert page.evaluate("document.activeElement.dataset.seq") == "1"
                page.keyboard.press("ArrowUp")
                assert page.evaluate("document.activeElement.dataset.seq") == "2"
                row(4).focus()
                page.keyboard.press("Enter")
                expect(page.locator("#detail-title")).to_have_text("#4 client.updated")
                box = page.locator("#d-previous-box")
                expect(box).to_be_visible()
                expect(box).to_contain_text("since #2")
                expect(page.locator("#d-diff")).to_contain_text("/s_first_name")
                expect(page.locator("#d-diff")).to_contain_text('"Ada"')
                page.keyboard.press("ArrowDown")
                page.keyboard.press("Enter")
                expect(page.locator("#detail-title")).to_have_text("#3 class.created")
                expect(page.locator("#d-verify")).to_contain_text("Diagnosis")
            checks.run("keyboard selection, and a diff against the record's previous delivery", keyboard_and_diff)

            def filters():
                page.select_option("#f-verdict", "invalid")
                expect(page.locator("#rows tr:visible")).to_have_count(1)
                page.select_option("#f-verdict", "")
                page.select_option("#f-event", "client.updated")
                expect(page.locator("#rows tr:visible")).to_have_count(2)
                page.select_option("#f-event", "")
                page.fill("#f-search", "okonkwo")
                expect(page.locator("#rows tr:visible")).to_have_count(2)
                expect(page.locator("#count")).to_have_text("(2 of 5 shown)")
                page.fill("#f-search", "")
                page.select_option("#f-status", "4xx")
                expect(page.locator("#rows tr:visible")).to_have_count(1)
                page.select_option("#f-status", "")
                expect(page.locator("#rows tr:visible")).to_have_count(5)
            checks.run("filters by verdict, event and status, and a search over bodies", filters)

            def resend():
                row(1).click()
                expect(page.locator("#detail-title")).to_have_text("#1 purchase.created")
                before = len(app_bodies())
                page.click("#a-resend")
                expect(page.locator("#a-result")).to_contain_text("answered 200", timeout=10000)
                bodies = app_bodies()
                assert len(bodies) == before + 1, (before, len(bodies))
                assert bodies[-1] == purchase, bodies[-1]
            checks.run("Resend reaches the app with the exact body", resend)

            def resend_resigned_elsewhere():
                row(3).click()
                expect(page.locator("#detail-title")).to_have_text("#3 class.created")
                page.fill("#a-url", hook)  # back to listen itself, re-signed: now valid
                page.check("#a-resign")
                page.click("#a-resend")
                expect(page.locator("#a-result")).to_contain_text("answered 200", timeout=10000)
                expect(rows).to_have_count(6, timeout=10000)
                expect(row(6)).to_contain_text("valid")
                page.uncheck("#a-resign")
                page.fill("#a-url", app_url)
            checks.run("Resend to a typed URL, re-signed, turns a forged delivery valid", resend_resigned_elsewhere)

            def curl():
                row(1).click()
                expect(page.locator("#detail-title")).to_have_text("#1 purchase.created")
                page.click("#a-curl")
                out = page.locator("#a-output")
                expect(out).to_contain_text("curl -sS")
                command = out.text_content()
                before = len(app_bodies())
                done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=30)
                assert done.returncode == 0, done
                assert done.stdout == '{"ok":true}', done.stdout
                assert app_bodies()[before:] == [purchase]
            checks.run("Copy as curl gives a command curl runs, delivering the same bytes", curl)

            def replay():
                page.fill("#a-max", "2")
                page.click("#a-replay")
                expect(page.locator("#a-result")).to_contain_text("Replay delivered", timeout=20000)
                expect(page.locator("#a-output")).to_contain_text("attempt 1")
            checks.run("Replay with backoff delivers on the simulated clock", replay)

            def download():
                with page.expect_download() as d:
                    page.click("#a-download")
                path = os.path.join(tmp, d.value.suggested_filename)
                d.value.save_as(path)
                doc = json.load(open(path))
                assert doc["wl_hook_capture"] == 1 and doc["body"] == purchase.decode(), doc
                verify = subprocess.run([args.bin, "verify", "--secret", KEY.decode(), path],
                                        capture_output=True, text=True)
                assert verify.returncode == 0, verify
            checks.run("Download capture gives a capture that wl-hook verify accepts", download)

            if args.screenshot:
                page.fill("#a-url", app_url)
                row(3).click()
                expect(page.locator("#detail-title")).to_have_text("#3 class.created")
                page.locator("#a-result").evaluate("e => e.textContent = ''")
                page.locator("#a-output").evaluate("e => e.hidden = true")
                page.screenshot(path=args.screenshot, full_page=False)

            def local_only():
                outside = [u for u in requested if not (u == ui or u.startswith(origin + "/"))]
                assert requested, "no request recorded"
                assert not outside, outside
            checks.run(f"every request the page made ({len(requested)}) went to the inspector's origin", local_only)
            browser.close()
    finally:
        listen.terminate()
        try:
            listen.wait(timeout=20)
        except subprocess.TimeoutExpired:
            listen.kill()
        app.shutdown()
    print(f"{checks.passed} passed, {checks.failed} failed")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
