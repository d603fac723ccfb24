//! `check` against real receivers written the way integrators write them: a Node and a Python
//! one with the re-serialisation bug, a correct Python one, and a correct single-threaded
//! Python `http.server` with keep-alive, which check's own client must never fail.

use std::collections::{HashMap, HashSet};
use std::io::BufRead;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use serde_json::Value;

use crate::common::*;

pub const KEY: &str = "receiver-key";

/// A receiver process on a free loopback port, killed when dropped.
pub struct Receiver {
    child: Child,
    pub url: String,
    _dir: tempfile::TempDir,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Write `script` to a temporary folder, run it with `program` (it prints its port on its
/// first line), and return it with its URL.
fn start(program: &str, file: &str, script: &str, args: &[&str]) -> Receiver {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(file);
    std::fs::write(&path, script).unwrap();
    let mut child = Command::new(program)
        .arg(&path)
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port: u16 = line
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("{program} printed {line:?}, not a port"));
    Receiver {
        child,
        url: format!("http://127.0.0.1:{port}/webhooks"),
        _dir: dir,
    }
}

/// Express-style Node receiver with the classic bug: it verifies the signature over
/// `JSON.stringify(JSON.parse(body))` instead of the bytes it was sent.
const NODE_RESERIALISING: &str = r#"
const http = require("http");
const crypto = require("crypto");
const key = process.argv[2];
http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    let status = 401;
    try {
      const body = JSON.stringify(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      const sig = crypto.createHmac("sha256", key).update(body).digest("hex");
      if (sig === req.headers["x-signature-256"]) status = 200;
    } catch (e) {
      status = 400;
    }
    res.writeHead(status, { "content-length": 0 });
    res.end();
  });
}).listen(0, "127.0.0.1", function () {
  console.log(this.address().port);
});
"#;

/// A stdlib Python receiver: `raw` verifies the body as received; `reserialise` verifies
/// `json.dumps(json.loads(body), separators=(",", ":"))`. Single-threaded `HTTPServer` with
/// HTTP/1.1 keep-alive, as a quick receiver is often written; `threaded` serves connections at
/// once and queues up to 128 (socketserver's default of 5 overflows in a burst of 50, as any
/// sender opening that many connections at once would find). Each request's client port and
/// `Connection` header go to the log file.
const PYTHON: &str = r#"
import hashlib, hmac, json, sys
from http.server import BaseHTTPRequestHandler, HTTPServer, ThreadingHTTPServer

KEY, MODE, SERVER, LOG = sys.argv[1].encode(), sys.argv[2], sys.argv[3], sys.argv[4]

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        if MODE == "reserialise":
            body = json.dumps(json.loads(body), separators=(",", ":")).encode()
        expected = hmac.new(KEY, body, hashlib.sha256).hexdigest()
        ok = hmac.compare_digest(expected, self.headers.get("x-signature-256", ""))
        with open(LOG, "a") as log:
            log.write("%d %s\n" % (self.client_address[1], self.headers.get("connection", "-")))
        self.send_response(200 if ok else 401)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass

class Threaded(ThreadingHTTPServer):
    request_queue_size = 128

server = (Threaded if SERVER == "threaded" else HTTPServer)(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
"#;

pub fn python(mode: &str, server: &str, log: &Path) -> Receiver {
    start(
        "python3",
        "receiver.py",
        PYTHON,
        &[KEY, mode, server, log.to_str().unwrap()],
    )
}

fn node_available() -> bool {
    Command::new("node")
        .arg("-v")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Run check with `extra` flags; the exit code and each scenario's JSON line by name.
fn check(url: &str, extra: &[&str]) -> (i32, HashMap<String, Value>) {
    let out = wl()
        .args(["check", url, "--secret", KEY, "--json"])
        .args(extra)
        .output()
        .unwrap();
    let mut lines = ndjson(&out.stdout);
    let summary = lines.pop().expect("a summary line");
    assert_eq!(summary["type"], "summary", "{lines:?}");
    let by_name = lines
        .into_iter()
        .map(|l| (l["name"].as_str().unwrap().to_string(), l))
        .collect();
    (out.status.code().unwrap(), by_name)
}

fn reason<'a>(m: &'a HashMap<String, Value>, name: &str) -> &'a str {
    m[name]["reason"].as_str().unwrap()
}

fn verdict<'a>(m: &'a HashMap<String, Value>, name: &str) -> &'a str {
    m[name]["verdict"].as_str().unwrap()
}

const RESERIALISED: &str = "signs re-serialised JSON instead of the raw body bytes";

#[test]
fn a_node_receiver_verifying_json_stringify_fails_accepts_non_canonical_with_the_cause() {
    if !node_available() {
        eprintln!("SKIPPED: node is not installed (.ci/run installs it, so CI never skips this)");
        return;
    }
    let node = start("node", "receiver.js", NODE_RESERIALISING, &[KEY]);
    let (code, m) = check(
        &node.url,
        &["--only", "accepts", "--only", "accepts-non-canonical"],
    );
    assert_eq!(code, 1, "{m:?}");
    // Compact ASCII bodies survive the round trip: the bug hides from every other scenario.
    assert_eq!(verdict(&m, "accepts"), "PASS", "{m:?}");
    assert_eq!(verdict(&m, "accepts-non-canonical"), "FAIL");
    let why = reason(&m, "accepts-non-canonical");
    assert!(why.starts_with(RESERIALISED), "{why}");
    for spelling in ["PHP json_encode", "pretty-printed", "24.0 and 1e2"] {
        assert!(why.contains(spelling), "{spelling} missing: {why}");
    }
    // JSON.stringify writes raw UTF-8 as it came, so that spelling passes.
    assert!(!why.contains("raw UTF-8"), "{why}");
    assert!(why.contains("3 of 4"), "{why}");
}

#[test]
fn a_python_receiver_verifying_json_dumps_fails_accepts_non_canonical_with_the_cause() {
    let dir = tempfile::tempdir().unwrap();
    let py = python("reserialise", "threaded", &dir.path().join("log"));
    let (code, m) = check(&py.url, &[]);
    assert_eq!(code, 1, "{m:?}");
    assert_eq!(verdict(&m, "accepts-non-canonical"), "FAIL");
    let why = reason(&m, "accepts-non-canonical");
    assert!(why.starts_with(RESERIALISED), "{why}");
    // json.dumps escapes non-ASCII, does not escape `/`, and writes 1e2 as 100.0.
    assert!(why.contains("4 of 4") && why.contains("raw UTF-8"), "{why}");
    // Every other scenario passes: only the new one catches the bug.
    for (name, line) in &m {
        if name != "accepts-non-canonical" {
            assert_eq!(line["verdict"], "PASS", "{name}: {line}");
        }
    }
}

#[test]
fn a_correct_python_receiver_passes_accepts_non_canonical_in_every_json_style() {
    let dir = tempfile::tempdir().unwrap();
    let py = python("raw", "threaded", &dir.path().join("log"));
    for style in ["compact", "php", "pretty"] {
        let (code, m) = check(&py.url, &["--json-style", style]);
        assert_eq!(code, 0, "{style}: {m:?}");
        assert_eq!(m.len(), 12);
        assert!(
            reason(&m, "accepts-non-canonical").contains("4 spellings"),
            "{m:?}"
        );
    }
}

#[test]
fn json_style_php_makes_accepts_itself_fail_a_re_serialising_receiver() {
    let dir = tempfile::tempdir().unwrap();
    let py = python("reserialise", "threaded", &dir.path().join("log"));
    let (_, compact) = check(&py.url, &["--only", "accepts", "--topic", "client"]);
    assert_eq!(verdict(&compact, "accepts"), "PASS", "{compact:?}");
    let (code, php) = check(
        &py.url,
        &[
            "--only",
            "accepts",
            "--topic",
            "client",
            "--json-style",
            "php",
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(verdict(&php, "accepts"), "FAIL", "{php:?}");
    // send spells its bodies the same way.
    let sent = |style: &str| {
        wl().args(["send", "--url", &py.url, "--secret", KEY, "--topic"])
            .args(["client.created", "--json-style", style])
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(sent("compact"), Some(0));
    assert_eq!(sent("php"), Some(1));
    assert_eq!(sent("pretty"), Some(1));
}

/// Every scenario but `burst`: what a single-threaded receiver must always pass.
const ALL_BUT_BURST: [&str; 11] = [
    "accepts",
    "accepts-non-canonical",
    "rejects-forged",
    "rejects-tampered",
    "rejects-unsigned",
    "idempotent-duplicate",
    "out-of-order",
    "late-retry",
    "responds-in-time",
    "large-payload",
    "unknown-topic",
];

/// Check's client once opened a second connection while the first was still held open, and
/// the single-threaded server, blocked on the first, failed 3 runs in 10. Repeated runs catch
/// a regression; each delivery must come on a new connection that it asks to close.
#[test]
fn a_correct_single_threaded_http_server_passes_everything_but_burst_every_time() {
    const RUNS: usize = 8;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log");
    let py = python("raw", "single", &log);
    let only: Vec<&str> = ALL_BUT_BURST.iter().flat_map(|n| ["--only", n]).collect();
    for run in 0..RUNS {
        let (code, m) = check(&py.url, &only);
        let failed: Vec<_> = m
            .iter()
            .filter(|(_, l)| l["verdict"] != "PASS")
            .map(|(n, l)| format!("{n}: {}", l["reason"]))
            .collect();
        assert!(code == 0 && failed.is_empty(), "run {run}: {failed:?}");
        assert_eq!(m.len(), ALL_BUT_BURST.len());
    }
    let log = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = log.lines().collect();
    // 13 events, 5 spellings, 7 refusals (5 forged), 2 copies, 2 in order, 1 late, 1 large,
    // 1 unknown.
    assert_eq!(lines.len(), RUNS * 32);
    assert!(lines.iter().all(|l| l.ends_with(" close")), "{log}");
    let ports: HashSet<&str> = lines.iter().map(|l| l.split(' ').next().unwrap()).collect();
    assert_eq!(ports.len(), lines.len(), "a connection was used twice");
}

/// `burst` may fail a single-threaded receiver, but only naming concurrency as the cause, and
/// its waits do not count against `responds-in-time`.
#[test]
fn burst_against_a_single_threaded_server_names_concurrent_connections_or_passes() {
    let dir = tempfile::tempdir().unwrap();
    let py = python("raw", "single", &dir.path().join("log"));
    let (_, m) = check(
        &py.url,
        &[
            "--only",
            "accepts",
            "--only",
            "burst",
            "--only",
            "responds-in-time",
            "--topic",
            "client.*",
            "--burst",
            "200",
            "--timeout",
            "1s",
        ],
    );
    assert_eq!(verdict(&m, "accepts"), "PASS", "{m:?}");
    assert_eq!(verdict(&m, "responds-in-time"), "PASS", "{m:?}");
    assert_eq!(m["responds-in-time"]["deliveries"], 2);
    match verdict(&m, "burst") {
        "PASS" => {}
        _ => {
            let why = reason(&m, "burst");
            assert!(
                why.contains("concurrent connections got no answer")
                    && why.contains("cannot take that many connections at once"),
                "{why}"
            );
        }
    }
}
