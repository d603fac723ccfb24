#!/usr/bin/env python3
"""Connection slots under idle connections (issue: idle keep-alive connections must not starve
new ones). Starts `wl-hook listen`, opens N connections that send nothing (or carry one request
and then sit idle, with --kept-alive), and measures how long a valid delivery on a new connection
takes to be answered; the reference is the same delivery with no idle connection open, measured
in the same run.

    python3 bench/idle_connections.py target/release/wl-hook [--idle 2000] [--kept-alive]
"""
import argparse
import hashlib
import hmac
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time

KEY = b"wl-hook-development-key"


def delivery(host, port, n):
    body = b'{"uid":"%d"}' % n
    sig = hmac.new(KEY, body, hashlib.sha256).hexdigest()
    head = (
        "POST /webhooks HTTP/1.1\r\nhost: %s:%d\r\ncontent-type: application/json\r\n"
        "x-topic: client.created\r\nx-signature-256: %s\r\nx-generated-at: 2026-01-10T10:00:00.000Z\r\n"
        "x-payload-key: %s\r\ncontent-length: %d\r\nconnection: close\r\n\r\n"
        % (host, port, sig, hashlib.sha256(body).hexdigest(), len(body))
    )
    return head.encode() + body


def timed_delivery(host, port, n, timeout=60.0):
    """Seconds until the answer's status line arrived, and the status."""
    start = time.perf_counter()
    s = socket.create_connection((host, port), timeout=timeout)
    s.sendall(delivery(host, port, n))
    data = b""
    while b"\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    took = time.perf_counter() - start
    s.close()
    return took, data.split(b" ")[1].decode() if data else "closed"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("binary")
    p.add_argument("--idle", type=int, default=2000)
    p.add_argument("--kept-alive", action="store_true", help="each idle connection carries one request first")
    p.add_argument("--rounds", type=int, default=5)
    a = p.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = a.idle + 256
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
    tmp = tempfile.mkdtemp()
    ready = os.path.join(tmp, "url")
    proc = subprocess.Popen(
        [a.binary, "listen", "--port", "0", "--ready-file", ready, "--body", "none", "--read-timeout", "60s"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        while not (os.path.exists(ready) and open(ready).read().endswith("\n")):
            time.sleep(0.02)
        host, port = open(ready).read().strip()[len("http://"):].rsplit(":", 1)
        port = int(port)
        n = 0
        ref = []
        for _ in range(a.rounds):
            n += 1
            ref.append(timed_delivery(host, port, n)[0])
        held = []
        for _ in range(a.idle):
            s = socket.create_connection((host, port))
            if a.kept_alive:
                n += 1
                s.sendall(delivery(host, port, n).replace(b"connection: close\r\n", b""))
            held.append(s)
        if a.kept_alive:
            for s in held:
                s.settimeout(5)
                try:
                    s.recv(4096)
                except OSError:
                    pass
        time.sleep(1.5)
        loaded = []
        statuses = []
        for _ in range(a.rounds):
            n += 1
            took, status = timed_delivery(host, port, n)
            loaded.append(took)
            statuses.append(status)
        ref.sort()
        loaded.sort()
        med = lambda v: v[len(v) // 2]
        print(
            "idle=%d kept_alive=%s reference_median_ms=%.2f with_idle_median_ms=%.2f with_idle_max_ms=%.2f statuses=%s ratio=%.1f"
            % (a.idle, a.kept_alive, med(ref) * 1000, med(loaded) * 1000, loaded[-1] * 1000,
               ",".join(statuses), med(loaded) / med(ref))
        )
    finally:
        proc.terminate()
        proc.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
