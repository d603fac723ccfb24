//! Snapshots of what each command shows a person: the human output (stdout, stderr and exit code)
//! without colour, with the clock and the ids pinned, so a change of wording or layout is always
//! a visible change to a `.snap` file under `tests/cli/snapshots/`, never an accident.
//!
//! What cannot be pinned (ports, latencies, wall-clock times, temporary paths, random names) is
//! redacted before the snapshot; a redacted latency keeps its column width, so alignment is pinned
//! too. Update with `INSTA_UPDATE=always cargo test --test cli snapshots` and review the diff.

use std::path::Path;
use std::process::Output;

use regex::{Captures, Regex};

use crate::common::*;
use crate::server::*;

const NOW: &str = "2026-03-01T12:00:00Z";
const LATER: &str = "2026-03-01T12:05:00Z";

/// One redaction rule: a pattern and what replaces each match.
enum Rule {
    Literal(String, &'static str),
    Pattern(Regex, fn(&Captures) -> String),
}

/// The text of a run, with what varies from run to run replaced by a stable marker.
struct Redactor {
    rules: Vec<Rule>,
}

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("a valid pattern")
}

impl Redactor {
    /// Rules every command needs: ports and latencies.
    fn new() -> Redactor {
        Redactor {
            rules: vec![
                // Ports the system picked (ephemeral: five digits); fixed ones like 9000 stay.
                Rule::Pattern(re(r"127\.0\.0\.1:\d{5}"), |_| "127.0.0.1:[port]".into()),
                // A latency in a right-aligned column: the same width, so alignment stays pinned.
                Rule::Pattern(re(r"( {2,})\d+\.\d ms"), |c| {
                    format!("{:>w$}", "[ms]", w = c[0].chars().count())
                }),
                // A latency inside a sentence.
                Rule::Pattern(re(r"\d+\.\d ms"), |_| "[ms]".into()),
                Rule::Pattern(re(r"\d+/s\b"), |_| "[n]/s".into()),
                Rule::Pattern(re(r" in \d+(\.\d+)? m?s\b"), |_| " in [elapsed]".into()),
            ],
        }
    }

    /// Replace this exact text (a temporary folder) first, before any pattern sees it.
    fn literal(mut self, text: &Path, marker: &'static str) -> Redactor {
        let text = text.to_string_lossy().into_owned();
        self.rules.insert(0, Rule::Literal(text, marker));
        self
    }

    fn pattern(mut self, pattern: &str, f: fn(&Captures) -> String) -> Redactor {
        self.rules.push(Rule::Pattern(re(pattern), f));
        self
    }

    /// For output that reads the wall clock: times of day and ages.
    fn wall_clock(self) -> Redactor {
        self.pattern(r"(?m)^#(\d+) \d\d:\d\d:\d\d\.\d{3} ", |c| {
            format!("#{} [hh:mm:ss.mmm] ", &c[1])
        })
        .pattern(r"\([^()]* ago\)", |_| "([age] ago)".into())
        .pattern(r"generated (\d+ [a-z]+ ?)+ ago, older", |_| {
            "generated [age] ago, older".into()
        })
    }

    fn apply(&self, text: &str) -> String {
        let mut text = text.to_string();
        for rule in &self.rules {
            text = match rule {
                Rule::Literal(from, to) => text.replace(from.as_str(), to),
                Rule::Pattern(re, f) => re.replace_all(&text, *f).into_owned(),
            };
        }
        text
    }

    /// Exit code, stdout and stderr as one text to snapshot; no colour may reach any of them.
    fn shown(&self, out: &Output) -> String {
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stdout.contains('\x1b') && !stderr.contains('\x1b'),
            "colour escapes with --color never and NO_COLOR:\n{stdout}\n{stderr}"
        );
        self.apply(&format!(
            "exit: {}\n--- stdout\n{stdout}--- stderr\n{stderr}",
            out.status.code().map_or("signal".into(), |c| c.to_string())
        ))
    }
}

/// wl-hook with colour turned off both ways a user can, in `dir` when given.
fn run(args: &[&str], dir: Option<&Path>) -> Output {
    let mut cmd = wl();
    cmd.env("NO_COLOR", "1")
        .args(["--color", "never"])
        .args(args);
    if let Some(d) = dir {
        cmd.current_dir(d);
    }
    cmd.output().expect("wl-hook runs")
}

/// A capture document (`sign --format json`) written to `dir/name`, signed with `key` (the
/// development key when `None`).
fn capture(dir: &Path, name: &str, key: Option<&str>, topic: &str, seed: &str) {
    let mut args = vec![
        "sign", "--format", "json", "--topic", topic, "--seed", seed, "--now", NOW,
    ];
    if let Some(k) = key {
        args.extend(["--secret", k]);
    }
    let out = run(&args, None);
    assert!(out.status.success(), "{out:?}");
    std::fs::write(dir.join(name), out.stdout).unwrap();
}

/// A receiver that judges deliveries the way a correct one would: 401 for a signature that does
/// not match the key `k`, 200 otherwise.
fn judging_server() -> TestServer {
    TestServer::start(|hit, _| {
        let good = hit.header("x-signature-256") == Some(hmac_hex(b"k", &hit.body).as_str());
        Reply::status(if good { 200 } else { 401 })
    })
}

#[test]
fn send_accepted_and_failed() {
    let r = Redactor::new();
    let srv = TestServer::start(|_, n| Reply::status(if n == 1 { 500 } else { 200 })).expect(4);
    let url = srv.url();
    let pinned = ["--secret", "k", "--url", &url, "--seed", "1", "--now", NOW];
    let out = run(
        &[
            &["send", "--topic", "client.*", "--topic", "purchase.created"],
            &pinned[..],
        ]
        .concat(),
        None,
    );
    insta::assert_snapshot!("send_three_one_failed", r.shown(&out));
    let out = run(
        &[&["send", "--topic", "class.created"], &pinned[..]].concat(),
        None,
    );
    insta::assert_snapshot!("send_one_accepted", r.shown(&out));
}

#[test]
fn send_refused_verbose_and_development_key() {
    let r = Redactor::new().pattern(r"(?m)^  < date: .*$", |_| "  < date: [date]".into());
    let srv = TestServer::start(|_, _| {
        Reply::status(401)
            .header("content-type", "text/plain")
            .body("invalid signature\n")
    })
    .expect(1);
    let url = srv.url();
    let out = run(
        &[
            "send",
            "--url",
            &url,
            "--topic",
            "client.updated",
            "--seed",
            "2",
            "--now",
            NOW,
            "-v",
        ],
        None,
    );
    insta::assert_snapshot!("send_verbose_refused_dev_key", r.shown(&out));
    let url = format!("http://127.0.0.1:{}/webhooks", closed_port());
    let out = run(
        &[
            "send", "--secret", "k", "--url", &url, "--topic", "staff", "--seed", "2", "--now", NOW,
        ],
        None,
    );
    insta::assert_snapshot!("send_unreachable", r.shown(&out));
}

#[test]
fn sign_every_format() {
    let r = Redactor::new();
    for format in ["headers", "curl", "http", "json"] {
        let out = run(
            &[
                "sign",
                "--secret",
                "k",
                "--topic",
                "appointment.created",
                "--seed",
                "3",
                "--now",
                NOW,
                "--format",
                format,
            ],
            None,
        );
        insta::assert_snapshot!(format!("sign_{format}"), r.shown(&out));
    }
}

#[test]
fn verify_valid_and_diagnosed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    capture(d, "good.json", Some("k"), "client.created", "1");
    capture(d, "dev-key.json", None, "purchase.created", "2");
    capture(d, "unknown-key.json", Some("unknown"), "staff.created", "4");
    let out = run(
        &[
            "sign",
            "--format",
            "http",
            "--secret",
            "other",
            "--topic",
            "location.updated",
            "--seed",
            "3",
            "--now",
            NOW,
        ],
        None,
    );
    std::fs::write(d.join("other.http"), out.stdout).unwrap();
    let r = Redactor::new().literal(d, "[tmp]");
    let out = run(
        &["verify", "--secret", "k", "--now", LATER, "good.json"],
        Some(d),
    );
    insta::assert_snapshot!("verify_valid", r.shown(&out));
    let out = run(
        &[
            "verify",
            "--secret",
            "k",
            "--secret",
            "other \n",
            "--now",
            LATER,
            "dev-key.json",
            "other.http",
            "unknown-key.json",
            "good.json",
        ],
        Some(d),
    );
    insta::assert_snapshot!("verify_invalid_with_diagnosis", r.shown(&out));
    let out = run(
        &[
            "verify",
            "--secret",
            "k",
            "--now",
            "2026-03-09T12:00:00Z",
            "--show-expected",
            "good.json",
        ],
        Some(d),
    );
    insta::assert_snapshot!("verify_too_old_show_expected", r.shown(&out));
}

#[test]
fn replay_retries_and_gives_up() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    capture(d, "a.json", Some("k"), "client.created", "1");
    capture(d, "b.json", Some("k"), "purchase.refunded", "2");
    let r = Redactor::new().literal(d, "[tmp]");
    let srv = TestServer::start(|hit, n| {
        let refund = hit.header("x-topic") == Some("purchase.refunded");
        Reply::status(if refund || n < 2 { 503 } else { 200 })
    });
    let url = srv.url();
    let out = run(
        &[
            "replay",
            "--url",
            &url,
            "--start",
            NOW,
            "--duplicates",
            "1",
            "--max-attempts",
            "4",
            "a.json",
            "b.json",
        ],
        Some(d),
    );
    insta::assert_snapshot!("replay_delivered_and_gave_up", r.shown(&out));
    let out = run(&["replay", "--print-schedule"], None);
    insta::assert_snapshot!("replay_print_schedule", r.shown(&out));
}

#[test]
fn check_passing_and_failing() {
    let r = Redactor::new();
    let srv = judging_server();
    let url = srv.url();
    let out = run(&["check", "--secret", "k", "--burst", "5", &url], None);
    insta::assert_snapshot!("check_all_pass", r.shown(&out));
    let srv = TestServer::status(500);
    let url = srv.url();
    let out = run(&["check", "--secret", "k", "--burst", "5", &url], None);
    insta::assert_snapshot!("check_failing_receiver", r.shown(&out));
}

#[test]
fn fixtures_list_and_show() {
    let r = Redactor::new();
    let out = run(&["fixtures", "list"], None);
    insta::assert_snapshot!("fixtures_list", r.shown(&out));
    let out = run(
        &[
            "fixtures",
            "show",
            "client.created",
            "business.updated",
            "--seed",
            "4",
            "--now",
            NOW,
        ],
        None,
    );
    insta::assert_snapshot!("fixtures_show", r.shown(&out));
    let out = run(&["fixtures", "show", "--raw", "staff.created"], None);
    insta::assert_snapshot!("fixtures_show_raw", r.shown(&out));
}

#[test]
fn listen_per_request_lines() {
    let l = Listener::start(&["--color", "never", "--secret", "k", "--count", "5"]);
    let url = l.hook_url();
    let send = |topic: &str, seed: &str, extra: &[&str]| {
        let mut args = vec![
            "send", "--secret", "k", "--url", &url, "--topic", topic, "--seed", seed, "--now", NOW,
        ];
        args.extend(extra);
        let out = run(&args, None);
        assert!(out.status.code().is_some_and(|c| c <= 1), "{out:?}");
    };
    send("client.created", "5", &[]);
    send("class.created", "5", &["--sign-with", "forged"]);
    send("staff.updated", "5", &["--no-signature"]);
    send("location.created", "6", &["--repeat-exact", "1"]);
    let first = format!(
        "Listening on {}\n{}",
        l.url,
        l.inspector.as_deref().unwrap_or_default()
    );
    let (code, rest) = l.finish();
    let r = Redactor::new().wall_clock();
    insta::assert_snapshot!(
        "listen_lines",
        r.apply(&format!("exit: {code:?}\n--- stdout\n{first}\n{rest}\n"))
    );
}

#[test]
fn demo_whole_flow() {
    let tmp = tempfile::tempdir().unwrap();
    let mut cmd = wl();
    cmd.env("NO_COLOR", "1")
        .env("TMPDIR", tmp.path())
        .args(["--color", "never", "demo"]);
    let out = cmd.output().unwrap();
    // The demo reads the real clock and draws fresh ids: times, keys and names are redacted.
    let r = Redactor::new()
        .literal(tmp.path(), "[tmp]")
        .wall_clock()
        .pattern(r"retry lag \d+ ms", |_| "retry lag [ms]".into())
        .pattern(r"wl-hook-demo-[A-Za-z0-9]+", |_| {
            "wl-hook-demo-[rand]".into()
        })
        .pattern(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", |_| {
            "YYYY-MM-DDThh:mm:ss.mmmZ".into()
        })
        .pattern(r"key [0-9a-f]{8}\b", |_| "key [key]".into())
        .pattern(r"-[0-9a-f]{8}\.json", |_| "-[key].json".into());
    insta::assert_snapshot!("demo", r.shown(&out));
}

/// Colour only adds escapes: `--color always` shows the same text as the snapshots once they
/// are stripped.
#[test]
fn colour_changes_no_text() {
    let strip = re("\x1b\\[[0-9;]*m");
    let dir = tempfile::tempdir().unwrap();
    capture(dir.path(), "dev-key.json", None, "purchase.created", "2");
    let args = ["verify", "--secret", "k", "--now", LATER, "dev-key.json"];
    let mut cmd = wl();
    let coloured = cmd
        .args(["--color", "always"])
        .args(args)
        .current_dir(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&coloured.stdout);
    assert!(text.contains('\x1b'), "--color always colours: {text}");
    let plain = run(&args, Some(dir.path()));
    assert_eq!(
        strip.replace_all(&text, ""),
        String::from_utf8_lossy(&plain.stdout)
    );
}
