//! Usage errors and values from environment variables: every error starts `wl-hook: error:`,
//! names the variable a bad value came from, and follows `--color`/`WL_HOOK_COLOR`.

use predicates::prelude::*;

use crate::common::wl;

#[test]
fn usage_errors_start_like_every_other_error() {
    wl().args(["send", "--bogus"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "wl-hook: error: unexpected argument '--bogus' found",
        ));
    wl().args(["listen", "--port", "abc"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "wl-hook: error: invalid value 'abc' for '--port <PORT>'",
        ));
    // Values that would leave listen nothing to do are refused, not quietly changed.
    for (flag, value, says) in [
        (
            "--max-connections",
            "0",
            "--max-connections must be at least 1",
        ),
        ("--timeout", "0s", "--timeout must be more than 0"),
        ("--read-timeout", "0s", "--read-timeout must be more than 0"),
    ] {
        wl().args(["listen", "--port", "0", "--no-ui", flag, value])
            .timeout(std::time::Duration::from_secs(20))
            .assert()
            .code(2)
            .stderr(format!("wl-hook: error: {says}\n"));
    }
}

#[test]
fn a_bad_value_from_the_environment_names_the_variable() {
    // Checked after clap, by the flag's own parser.
    wl().arg("send")
        .env("WL_HOOK_URL", "bogus")
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "wl-hook: error: WL_HOOK_URL: invalid URL 'bogus'",
        ))
        .stderr(predicate::str::contains("(or unset WL_HOOK_URL)"));
    wl().arg("send")
        .env("WL_HOOK_TIMEOUT", "soon")
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "wl-hook: error: WL_HOOK_TIMEOUT: --timeout: 'soon' is not a duration",
        ));
    // Refused by clap itself.
    wl().arg("listen")
        .env("WL_HOOK_PORT", "abc")
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "wl-hook: error: WL_HOOK_PORT: invalid value 'abc' for '--port <PORT>'",
        ));
    // A typed flag is blamed as typed, even when the variable is also set.
    wl().args(["listen", "--port", "xyz"])
        .env("WL_HOOK_PORT", "abc")
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "wl-hook: error: invalid value 'xyz'",
        ));
    // A typed URL is not blamed on the variable.
    wl().args(["send", "--url", "nope"])
        .env("WL_HOOK_URL", "http://127.0.0.1:9/webhooks")
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "wl-hook: error: invalid URL 'nope'",
        ));
}

#[test]
fn color_applies_to_help_and_usage_errors() {
    let escape = predicate::str::contains("\u{1b}[");
    wl().args(["send", "--bogus", "--color", "always"])
        .assert()
        .code(2)
        .stderr(escape.clone())
        .stderr(predicate::str::contains("wl-hook: error:"));
    wl().args(["send", "--bogus"])
        .env("WL_HOOK_COLOR", "always")
        .assert()
        .code(2)
        .stderr(escape.clone());
    wl().args(["send", "--help", "--color=always"])
        .assert()
        .success()
        .stdout(escape.clone());
    // Never, even when forced by the environment's CLICOLOR_FORCE.
    wl().args(["send", "--bogus", "--color", "never"])
        .env("CLICOLOR_FORCE", "1")
        .assert()
        .code(2)
        .stderr(escape.clone().not());
    wl().args(["send", "--help"])
        .env("WL_HOOK_COLOR", "never")
        .env("CLICOLOR_FORCE", "1")
        .assert()
        .success()
        .stdout(escape.not());
}

/// An error that quotes a capture (here the reason its body was not read) escapes the control
/// characters in it, as every other human view does: a file cannot recolour the terminal,
/// retitle it or reorder its text.
#[test]
fn errors_escape_control_characters_from_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let signed = wl()
        .args(["sign", "--topic", "client.created", "--format", "json"])
        .output()
        .unwrap();
    let mut capture: serde_json::Value = serde_json::from_slice(&signed.stdout).unwrap();
    let fields = capture.as_object_mut().unwrap();
    fields.remove("body");
    fields.insert(
        "body_omitted".into(),
        "too big\u{1b}[31mRED\u{1b}]0;PWNED\u{7}\r\u{202e}".into(),
    );
    let path = dir.path().join("esc.json");
    std::fs::write(&path, capture.to_string()).unwrap();
    let out = wl()
        .args(["replay", "--url", "http://127.0.0.1:9/webhooks"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.starts_with("wl-hook: error: "), "{stderr}");
    assert!(
        stderr.contains(r"too big\e[31mRED\e]0;PWNED\x07\r\u{202e}"),
        "{stderr}"
    );
    assert!(
        !stderr.contains(['\u{1b}', '\u{7}', '\r', '\u{202e}']),
        "{stderr:?}"
    );
}

/// With nowhere to write, not even stderr, a command still ends with its documented exit code
/// (1: the run could not finish), not an abort.
#[test]
fn an_unwritable_stderr_is_not_a_crash() {
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    let status = std::process::Command::new(assert_cmd::cargo::cargo_bin("wl-hook"))
        .args(["sign", "--topic", "client.created"])
        .stdout(full())
        .stderr(full())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1));
}
