//! How commands connect: `-H` for endpoints behind auth (check, replay, listen --forward-to),
//! headers that would break the request, local HTTPS (`--cacert`, `--insecure`), and listen's
//! guards (its own address, an exposed host, the ready file's folder).

use predicates::prelude::*;

use crate::common::*;
use crate::server::*;

const AUTH: &str = "Authorization: Bearer t0ken";

#[test]
fn check_adds_h_headers_to_every_delivery() {
    let server = TestServer::status(200);
    wl().args(["check", &server.url(), "--only", "accepts", "--topic"])
        .args([
            "client.created,staff.created",
            "-H",
            AUTH,
            "-H",
            "X-Tenant: 7",
        ])
        .assert()
        .success();
    let hits = server.hits();
    assert_eq!(hits.len(), 2);
    for hit in &hits {
        assert_eq!(hit.header("authorization"), Some("Bearer t0ken"));
        assert_eq!(hit.header("x-tenant"), Some("7"));
        // The WL headers are check's own.
        assert!(hit.header("x-signature-256").is_some());
    }
}

#[test]
fn h_may_not_replace_the_headers_a_command_sets_itself() {
    for (cmd, h, says) in [
        (
            "check",
            "x-signature-256: abc",
            "check sets x-signature-256 itself",
        ),
        (
            "check",
            "Content-Type: text/plain",
            "check sets content-type itself",
        ),
        (
            "replay",
            "X-Topic: client.created",
            "replay sets x-topic itself",
        ),
        (
            "check",
            "Host: example.com",
            "the Host header comes from the URL",
        ),
        (
            "replay",
            "Content-Length: 5",
            "Content-Length is set from the body",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let cap = signed_capture(dir.path());
        let mut c = wl();
        c.arg(cmd);
        if cmd == "replay" {
            c.arg(&cap).args(["--url", "http://127.0.0.1:9/webhooks"]);
        } else {
            c.args(["http://127.0.0.1:9/webhooks", "--only", "accepts"]);
        }
        c.args(["-H", h]);
        let cmd_line = format!("{cmd} -H '{h}'");
        let out = c.output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{cmd_line}: {err}");
        assert!(err.contains(says), "{cmd_line}: {err}");
    }
}

#[test]
fn send_refuses_framing_headers_and_reports_the_payload_key_it_sent() {
    for (h, says) in [
        ("Content-Length: 5", "Content-Length is set from the body"),
        ("Host: example.com", "the Host header comes from the URL"),
        ("Transfer-Encoding: chunked", "Content-Length"),
    ] {
        wl().args(["send", "--topic", "client.created", "--url"])
            .args(["http://127.0.0.1:9/webhooks", "-H", h])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says));
    }
    let server = TestServer::status(200);
    let out = wl()
        .args(["send", "--topic", "client.created", "--url", &server.url()])
        .args(["-H", "x-payload-key: my-key", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let lines = ndjson(&out.stdout);
    let delivery = lines.iter().find(|l| l["type"] == "delivery").unwrap();
    assert_eq!(delivery["payload_key"], "my-key");
    assert_eq!(server.hits()[0].header("x-payload-key"), Some("my-key"));
}

#[test]
fn replay_adds_h_headers_to_every_attempt() {
    let dir = tempfile::tempdir().unwrap();
    let cap = signed_capture(dir.path());
    let server = TestServer::start(|_, n| Reply::status(if n == 0 { 503 } else { 200 }));
    wl().args(["replay"])
        .arg(&cap)
        .args(["--url", &server.url(), "-H", AUTH])
        .assert()
        .success();
    let hits = server.hits();
    assert_eq!(hits.len(), 2);
    assert!(hits
        .iter()
        .all(|h| h.header("authorization") == Some("Bearer t0ken")));
}

#[test]
fn listen_adds_h_headers_to_what_it_forwards() {
    let app = TestServer::status(200);
    let listener = Listener::start(&["--forward-to", &app.url(), "-H", AUTH]);
    wl().args([
        "send",
        "--topic",
        "client.created",
        "--url",
        &listener.hook_url(),
    ])
    .assert()
    .success();
    listener.terminate();
    let _ = listener.finish();
    let hits = app.hits();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].header("authorization"), Some("Bearer t0ken"));
    wl().args(["listen", "-H", AUTH])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--forward-to"));
}

#[test]
fn listen_refuses_to_forward_to_itself() {
    let port = closed_port().to_string();
    for host in ["127.0.0.1", "localhost"] {
        wl().args(["listen", "--port", &port, "--forward-to"])
            .arg(format!("http://{host}:{port}/webhooks"))
            .timeout(std::time::Duration::from_secs(20))
            .assert()
            .code(2)
            .stderr(predicate::str::contains("this listener's own address"));
    }
}

#[test]
fn listen_makes_the_ready_files_folder_and_warns_when_exposed() {
    let dir = tempfile::tempdir().unwrap();
    let ready = dir.path().join("run/state/url.txt");
    let out = wl()
        .args([
            "listen",
            "--host",
            "0.0.0.0",
            "--port",
            "0",
            "--timeout",
            "100ms",
            "--ui-port",
            "0",
        ])
        .arg("--ready-file")
        .arg(&ready)
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let url = std::fs::read_to_string(&ready).unwrap();
    assert!(url.starts_with("http://0.0.0.0:"), "{url}");
    assert!(
        err.contains("other machines can reach this receiver"),
        "{err}"
    );
    assert!(err.contains("development key"), "{err}");
    // On loopback (the default) there is nothing to warn about.
    wl().args([
        "listen",
        "--port",
        "0",
        "--ui-port",
        "0",
        "--timeout",
        "100ms",
    ])
    .timeout(std::time::Duration::from_secs(20))
    .assert()
    .success()
    .stderr(predicate::str::contains("other machines").not());
}

/// A CA, and a certificate for 127.0.0.1 and localhost that it signed, made with openssl.
fn local_ca(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf, std::path::PathBuf) {
    let run = |args: &[&str]| {
        let out = std::process::Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("openssl runs (.ci/run installs it)");
        assert!(out.status.success(), "openssl {args:?}: {out:?}");
    };
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
    ];
    let ca = [
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-subj",
        "/CN=wl-hook test CA",
    ];
    run(&[&["req", "-x509", "-days", "2"][..], &ec, &ca].concat());
    let leaf = [
        "-keyout",
        "leaf.key",
        "-out",
        "leaf.csr",
        "-subj",
        "/CN=localhost",
    ];
    run(&[&["req"][..], &ec, &leaf].concat());
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=critical,CA:FALSE\n",
    )
    .unwrap();
    run(&[
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "leaf.pem",
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
    ]);
    (
        dir.join("ca.pem"),
        dir.join("leaf.pem"),
        dir.join("leaf.key"),
    )
}

/// A Python HTTPS receiver that answers 200 to every POST; killed on drop.
struct HttpsServer {
    child: std::process::Child,
    port: u16,
}

impl HttpsServer {
    fn start(cert: &std::path::Path, key: &std::path::Path) -> HttpsServer {
        const SCRIPT: &str = r#"
import http.server, ssl, sys
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(200)
        self.send_header("content-length", "0")
        self.end_headers()
    def log_message(self, *a):
        pass
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
s.socket = ctx.wrap_socket(s.socket, server_side=True)
print(s.server_address[1], flush=True)
s.serve_forever()
"#;
        let mut child = std::process::Command::new("python3")
            .args(["-c", SCRIPT])
            .arg(cert)
            .arg(key)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("python3 runs");
        let mut line = String::new();
        use std::io::BufRead;
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        HttpsServer {
            child,
            port: line.trim().parse().expect("the port"),
        }
    }
}

impl Drop for HttpsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_self_signed_https_endpoint_is_reached_with_cacert_or_insecure() {
    let dir = tempfile::tempdir().unwrap();
    let (ca, cert, key) = local_ca(dir.path());
    let server = HttpsServer::start(&cert, &key);
    let url = format!("https://127.0.0.1:{}/webhooks", server.port);
    let send = |extra: &[&str]| {
        let mut c = wl();
        c.args(["send", "--topic", "client.created", "--url", &url])
            .args(extra)
            .timeout(std::time::Duration::from_secs(30));
        c.output().unwrap()
    };
    // Unknown issuer: a TLS failure, and nothing reached.
    let out = send(&[]);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let ca = ca.to_str().unwrap();
    assert!(send(&["--cacert", ca]).status.success());
    assert!(send(&["--insecure"]).status.success());
    // The same flags on check and replay.
    wl().args([
        "check",
        &url,
        "--only",
        "accepts",
        "--topic",
        "client.created",
    ])
    .args(["--cacert", ca])
    .assert()
    .success();
    let cap = signed_capture(dir.path());
    wl().arg("replay")
        .arg(&cap)
        .args(["--url", &url, "--insecure"])
        .assert()
        .success();
    // A file with no certificate in it is an input error.
    wl().args([
        "send",
        "--topic",
        "client.created",
        "--url",
        &url,
        "--cacert",
    ])
    .arg(dir.path().join("ext.cnf"))
    .assert()
    .code(2)
    .stderr(predicate::str::contains("no certificate in it"));
}

#[test]
fn check_waits_for_an_endpoint_that_starts_late() {
    let port = closed_port().to_string();
    let url = format!("http://127.0.0.1:{port}/webhooks");
    let check = std::process::Command::new(assert_cmd::cargo::cargo_bin("wl-hook"))
        .args(["check", &url, "--wait", "30s", "--only", "accepts"])
        .args(["--topic", "client.created"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(700));
    let mut listen = std::process::Command::new(assert_cmd::cargo::cargo_bin("wl-hook"))
        .args(["listen", "--port", &port, "--timeout", "60s"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let out = check.wait_with_output().unwrap();
    let _ = listen.kill();
    let _ = listen.wait();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("waiting up to 30 s"), "{err}");
    // Nothing there within the bound: exit 3, naming --wait.
    wl().args(["check", &url, "--wait", "300ms", "--only", "accepts"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "did not accept connections within --wait",
        ));
}
