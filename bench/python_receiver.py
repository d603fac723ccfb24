"""The receiver a user would otherwise write: Python's http.server, verifying each delivery.

    python3 bench/python_receiver.py PORT KEY
"""
import hashlib
import hmac
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KEY = sys.argv[2].encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        expected = hmac.new(KEY, body, hashlib.sha256).hexdigest()
        ok = hmac.compare_digest(expected, self.headers.get("x-signature-256", ""))
        self.send_response(200 if ok else 401)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
print("READY", flush=True)
server.serve_forever()
