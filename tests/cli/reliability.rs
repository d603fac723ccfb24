//! listen under faults: an output nobody reads, a file-size limit, a full folder, many
//! connections. Each test drives the real binary with real processes and sockets.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::*;

/// `wl-hook listen --port 0 --ready-file DIR/url ARGS...` with stdout going to `stdout`; returns
/// the process and its URL once it accepts connections.
fn spawn_listen(dir: &Path, args: &[&str], stdout: Stdio) -> (Child, String) {
    let ready = dir.join("url");
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("wl-hook"));
    for var in ENV_VARS {
        cmd.env_remove(var);
    }
    let child = cmd
        .args(["listen", "--port", "0", "--no-ui", "--ready-file"])
        .arg(&ready)
        .args(args)
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    (child, wait_for_url(&ready))
}

fn wait_for_url(ready: &Path) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(url) = std::fs::read_to_string(ready) {
            if url.ends_with('\n') {
                return url.trim().to_string();
            }
        }
        assert!(Instant::now() < deadline, "listen never became ready");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Wait (at most `within`) for `child` to exit; its exit code, or None if it is still running.
fn wait_exit(child: &mut Child, within: Duration) -> Option<Option<i32>> {
    let deadline = Instant::now() + within;
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return Some(s.code());
        }
        if Instant::now() > deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// SIGTERM `listen`, which must exit 0 within 30 s; its JSON lines.
fn stop_cleanly(listen: &mut Child) -> Vec<serde_json::Value> {
    terminate(listen);
    assert_eq!(wait_exit(listen, Duration::from_secs(30)), Some(Some(0)));
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut listen.stdout.take().unwrap(), &mut out).unwrap();
    ndjson(&out)
}

fn terminate(child: &Child) {
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
}

/// `wl-hook send --json ARGS...` to `url`: the summary line.
fn send_summary(url: &str, args: &[&str]) -> Value {
    let out = wl()
        .args(["send", "--json", "--url", url])
        .args(args)
        .output()
        .unwrap();
    let lines = ndjson(&out.stdout);
    lines
        .into_iter()
        .find(|l| l["type"] == "summary")
        .unwrap_or_else(|| panic!("no summary: {out:?}"))
}

/// The files in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// A paused pager or a pipe nobody reads: listen keeps answering every delivery, saves every
/// capture, and a SIGTERM still stops it (the lines it could not write are dropped).
#[test]
fn a_stdout_nobody_reads_never_stops_the_answers() {
    let dir = tempfile::tempdir().unwrap();
    let caps: PathBuf = dir.path().join("caps");
    // A real process holds the pipe's other end and never reads from it.
    let mut sink = Command::new("sleep")
        .arg("600")
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    let pipe = sink.stdin.take().unwrap();
    let (mut listen, url) = spawn_listen(
        dir.path(),
        &["--secret", "k", "--save", caps.to_str().unwrap()],
        Stdio::from(pipe),
    );
    // Far more than the pipe and listen's buffers hold: each block is about 1 KB.
    let summary = send_summary(
        &format!("{url}/webhooks"),
        &[
            "--secret",
            "k",
            "--topic",
            "client.created",
            "--count",
            "300",
            "--concurrency",
            "30",
            "--timeout",
            "3s",
        ],
    );
    assert_eq!(summary["accepted"], 300, "{summary}");
    terminate(&listen);
    let code = wait_exit(&mut listen, Duration::from_secs(30));
    let _ = sink.kill();
    let _ = sink.wait();
    if code.is_none() {
        let _ = listen.kill();
        panic!("SIGTERM did not stop listen while its output was stuck");
    }
    assert_eq!(code, Some(Some(0)));
    let mut err = String::new();
    std::io::Read::read_to_string(&mut listen.stderr.take().unwrap(), &mut err).unwrap();
    assert!(err.contains("the output is not being read"), "{err}");
    let files = names(&caps);
    assert_eq!(files.len(), 300);
    assert!(files.iter().all(|f| !f.starts_with('.')));
}

/// Raise this process's soft limit on open files to at least `n` (the test's connections).
fn allow_open_files(n: u64) {
    use rustix::process::{getrlimit, setrlimit, Resource};
    let mut limit = getrlimit(Resource::Nofile);
    if limit.current.is_some_and(|c| c < n) {
        limit.current = Some(limit.maximum.map_or(n, |m| m.min(n)));
        setrlimit(Resource::Nofile, limit).unwrap();
    }
    let now = getrlimit(Resource::Nofile).current;
    assert!(
        now.is_none_or(|c| c >= n),
        "ulimit -n is {now:?}, {n} needed"
    );
}

/// 2,000 connections that send nothing do not keep a delivery out: the ones idle the longest
/// are closed to make room, and the delivery is answered.
#[test]
fn idle_connections_make_room_for_a_delivery() {
    allow_open_files(2600);
    let dir = tempfile::tempdir().unwrap();
    // Idle connections are not closed for being slow to send their headers meanwhile.
    // 256 slots and the kernel's backlog hold fewer than 2,000.
    let args = [
        "--json",
        "--body",
        "none",
        "--read-timeout",
        "60s",
        "--max-connections",
        "256",
    ];
    let (mut listen, url) = spawn_listen(dir.path(), &args, Stdio::null());
    let addr = url.trim_start_matches("http://").to_string();
    let idle: Vec<std::net::TcpStream> = (0..2000)
        .map(|_| std::net::TcpStream::connect(&addr).unwrap())
        .collect();
    // Past the grace a new connection gets to send its request.
    std::thread::sleep(Duration::from_millis(500));
    let body = br#"{"uid":"7"}"#;
    let headers = wl_headers(
        DEV_KEY.as_bytes(),
        "client.created",
        body,
        "2026-01-10T10:00:00.000Z",
    );
    let hook = format!("{url}/webhooks");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(post(&hook, &refs(&headers), body));
    });
    // Generous: without room made, it waits for the idle ones to time out (minutes).
    let answer = rx.recv_timeout(Duration::from_secs(20));
    drop(idle);
    terminate(&listen);
    assert_eq!(
        wait_exit(&mut listen, Duration::from_secs(30)),
        Some(Some(0))
    );
    let (status, text) =
        answer.expect("the delivery was answered while 2,000 connections sat idle");
    assert_eq!(status, 200, "{text}");
}

/// Under a file-size limit (`ulimit -f`), a capture too large to write is answered 500 (the
/// sender retries) and leaves no half-written temporary file; listen keeps running and saves
/// the next one.
#[test]
fn a_file_size_limit_fails_the_save_not_listen() {
    let dir = tempfile::tempdir().unwrap();
    let caps = dir.path().join("caps");
    let ready = dir.path().join("url");
    let bin = assert_cmd::cargo::cargo_bin("wl-hook");
    let mut cmd = Command::new("bash");
    for var in ENV_VARS {
        cmd.env_remove(var);
    }
    // 8 blocks of 1 KiB: a capture of a 20 KB body is over it.
    let mut listen = cmd
        .arg("-c")
        .arg(r#"ulimit -f 8 && exec "$0" "$@""#)
        .arg(&bin)
        .args(["listen", "--port", "0", "--no-ui", "--json", "--no-verify"])
        .arg("--ready-file")
        .arg(&ready)
        .arg("--save")
        .arg(&caps)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let url = format!("{}/webhooks", wait_for_url(&ready));
    let big = format!(r#"{{"uid":"1","note":"{}"}}"#, "x".repeat(20_000));
    let (status, text) = post(&url, &[("x-topic", "client.created")], big.as_bytes());
    assert_eq!(status, 500, "{text}");
    let (status, text) = post(&url, &[("x-topic", "client.created")], br#"{"uid":"2"}"#);
    assert_eq!(status, 200, "{text}");
    assert_eq!(names(&caps).len(), 1, "{:?}", names(&caps));
    assert!(names(&caps)[0].starts_with("000002-"), "{:?}", names(&caps));
    let lines = stop_cleanly(&mut listen);
    let first = lines.iter().find(|l| l["type"] == "request").unwrap();
    assert_eq!(first["status"], 500);
    assert!(
        first["save_error"].as_str().unwrap().contains("too large"),
        "{first}"
    );
    let summary = lines.last().unwrap();
    assert_eq!(summary["saved"], 1, "{summary}");
    assert_eq!(summary["save_errors"], 1, "{summary}");
}

/// A lone surrogate escape is JSON in the record-id field as anywhere else: listen answers 200
/// and shows the id, as `verify` calls the body JSON.
#[test]
fn a_lone_surrogate_in_the_record_id_is_json_like_anywhere_else() {
    let dir = tempfile::tempdir().unwrap();
    let (mut listen, url) = spawn_listen(dir.path(), &["--no-verify", "--json"], Stdio::piped());
    for body in [&br#"{"uid":"\ud800"}"#[..], br#"{"note":"\ud800"}"#] {
        let (status, text) = post(
            &format!("{url}/webhooks"),
            &[("x-topic", "client.created")],
            body,
        );
        assert_eq!(status, 200, "{text}");
    }
    let lines = stop_cleanly(&mut listen);
    let first = lines.iter().find(|l| l["type"] == "request").unwrap();
    assert_eq!(first["record_id"], r"\ud800", "{first}");
}

/// A client that resets the connection in the middle of a body (a real Python socket with
/// SO_LINGER 0) is reported once: as a request answered 400, not also as a refused connection.
#[test]
fn a_reset_mid_body_is_reported_once() {
    let dir = tempfile::tempdir().unwrap();
    let (mut listen, url) = spawn_listen(dir.path(), &["--no-verify", "--json"], Stdio::piped());
    let port = url.rsplit(':').next().unwrap();
    let script = format!(
        "import socket,struct,time\n\
         s=socket.create_connection(('127.0.0.1',{port}))\n\
         s.sendall(b'POST /h HTTP/1.1\\r\\nhost: x\\r\\ncontent-length: 100\\r\\n\\r\\n0123456789')\n\
         time.sleep(0.3)\n\
         s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii',1,0))\n\
         s.close()\n"
    );
    let ran = Command::new("python3")
        .arg("-c")
        .arg(script)
        .status()
        .unwrap();
    assert!(ran.success());
    // A request that follows shows the reset was handled before the stop.
    let (status, _) = post(&format!("{url}/h"), &[], b"{}");
    assert_eq!(status, 200);
    let lines = stop_cleanly(&mut listen);
    let kinds: Vec<&str> = lines.iter().map(|l| l["type"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["listening", "request", "request", "summary"],
        "{lines:?}"
    );
    assert_eq!(lines[1]["status"], 400, "{}", lines[1]);
    assert_eq!(lines[3]["rejected"], 0);
}

/// The head's bounds are the documented ones: 100 headers pass, 101 get 431, said in words.
#[test]
fn more_than_a_hundred_headers_get_431_as_documented() {
    let dir = tempfile::tempdir().unwrap();
    let (mut listen, url) = spawn_listen(dir.path(), &["--no-verify", "--json"], Stdio::piped());
    let addr = url.trim_start_matches("http://").to_string();
    let status_for = |headers: usize| {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(&addr).unwrap();
        let mut req =
            String::from("POST /h HTTP/1.1\r\ncontent-length: 2\r\nconnection: close\r\n");
        // With host, content-length and connection.
        for i in 0..headers - 3 {
            req.push_str(&format!("x-h{i}: v\r\n"));
        }
        req.push_str("host: x\r\n\r\n{}");
        s.write_all(req.as_bytes()).unwrap();
        let mut answer = String::new();
        let _ = s.read_to_string(&mut answer);
        answer.split(' ').nth(1).unwrap_or("").to_string()
    };
    assert_eq!(status_for(100), "200");
    assert_eq!(status_for(101), "431");
    let lines = stop_cleanly(&mut listen);
    let refused = lines.iter().find(|l| l["type"] == "rejected").unwrap();
    assert_eq!(refused["status"], 431);
    assert!(
        refused["reason"]
            .as_str()
            .unwrap()
            .contains("over 100 headers"),
        "{refused}"
    );
}

/// A body nested 127 levels deep with many small items: the readable view shows a bounded part
/// and says so; `--json` carries the body once.
#[test]
fn the_readable_view_of_a_body_is_bounded() {
    let depth = 126;
    let items = vec!["1"; 150_000].join(",");
    let body = format!(
        "{{\"a\":{}{items}{}}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    assert!(body.len() < 1024 * 1024);
    for json in [false, true] {
        let mut args = vec!["--no-verify", "--color", "never"];
        if json {
            args.push("--json");
        }
        let l = Listener::start(&args);
        let (status, _) = post(&l.hook_url(), &[], body.as_bytes());
        assert_eq!(status, 200);
        l.terminate();
        let (code, out) = l.finish();
        assert_eq!(code, Some(0));
        if json {
            let line = out.lines().find(|l| l.contains("\"request\"")).unwrap();
            assert!(line.len() < body.len() + 2048, "{}", line.len());
        } else {
            // Unbounded, the indented view would be about 40 MB.
            assert!(out.len() < 100 * 1024, "{} bytes of output", out.len());
            assert!(
                out.contains("more not shown"),
                "{}",
                &out[out.len() - 500..]
            );
        }
    }
}
