//! The README's shell recipes, run as written in bash with the real binary on PATH: only ports
//! are moved (through the environment variables the README documents, or a port number
//! replaced) so that tests can run side by side.

use std::path::Path;
use std::process::Command;

use crate::server::closed_port;

/// The first ```sh block after the line containing `marker`.
fn recipe_after(marker: &str) -> String {
    block_after(marker, "sh")
}

/// The first ```LANG block after the line containing `marker`, without its indentation.
fn block_after(marker: &str, lang: &str) -> String {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let from = readme
        .find(marker)
        .unwrap_or_else(|| panic!("README lacks {marker:?}"));
    let rest = &readme[from..];
    let fence = format!("```{lang}\n");
    let start = rest.find(&fence).expect("a block") + fence.len();
    let len = rest[start..].find("```").expect("the block ends");
    let block = &rest[start..start + len];
    let indent = block.len() - block.trim_start_matches(' ').len();
    block
        .lines()
        .map(|l| l.get(indent..).unwrap_or("").trim_end())
        .collect::<Vec<_>>()
        .join("\n")
}

/// bash with wl-hook on PATH, in `dir`, and none of wl-hook's variables from the caller.
fn bash(dir: &Path, script: &str) -> Command {
    let bin = assert_cmd::cargo::cargo_bin("wl-hook");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = Command::new("bash");
    cmd.args(["-euo", "pipefail", "-c", script])
        .current_dir(dir)
        .env("PATH", path);
    for var in crate::common::ENV_VARS {
        cmd.env_remove(var);
    }
    cmd
}

#[test]
fn the_quick_start_recipe_against_your_own_receiver_runs() {
    let recipe = recipe_after("Then, against your own receiver");
    // Each line without its trailing comment, so that redirections can follow it.
    let lines: Vec<&str> = recipe
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split("  #").next().unwrap().trim_end())
        .collect();
    assert_eq!(lines.len(), 3, "{recipe}");
    assert!(lines[0].starts_with("wl-hook listen "), "{recipe}");
    let dir = tempfile::tempdir().unwrap();
    // "Your app": a receiver that checks the same key, on a free port instead of 3000.
    let app_port = closed_port().to_string();
    let listen_port = closed_port().to_string();
    let script = format!(
        "wl-hook listen --port {app_port} --secret \"$WL_KEY\" --body none > app.log 2>&1 &\n\
         app=$!\n\
         {first} > listen.log 2>&1 &\n\
         listener=$!\n\
         trap 'kill $listener $app 2>/dev/null' EXIT\n\
         for _ in $(seq 100); do [ \"$(grep -l Listening listen.log app.log 2>/dev/null | wc -l)\" = 2 ] && break; sleep 0.1; done\n\
         {second}\n\
         {third}\n",
        first = lines[0].replace("3000", &app_port),
        second = lines[1].replace("3000", &app_port),
        third = lines[2].replace("3000", &app_port),
    );
    let out = bash(dir.path(), &script)
        .env("WL_KEY", "quick-start-key")
        .env("WL_HOOK_PORT", &listen_port)
        .env(
            "WL_HOOK_URL",
            format!("http://127.0.0.1:{listen_port}/webhooks"),
        )
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Every event reached the app through the listener, and the suite passed.
    assert!(
        stdout.contains("13 sent, 13 accepted") || stdout.matches("200 OK").count() >= 13,
        "{stdout}"
    );
    assert!(stdout.contains(" 0 failed"), "{stdout}");
    let app_log = std::fs::read_to_string(dir.path().join("app.log")).unwrap();
    assert!(app_log.matches("✓ valid").count() >= 13, "{app_log}");
}

#[test]
fn the_listen_ci_recipe_runs_and_is_bounded() {
    let recipe = recipe_after("A CI script that checks your app sends the right webhook");
    let dir = tempfile::tempdir().unwrap();
    // The app's tests: here, one delivery of the expected event to $WEBHOOK_URL.
    let app = dir.path().join("run-my-app-tests.sh");
    std::fs::write(
        &app,
        "#!/bin/sh\nexec wl-hook send --topic purchase.created --url \"$WEBHOOK_URL\"\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&app, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let out = bash(dir.path(), &recipe).output().unwrap();
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let events = std::fs::read_to_string(dir.path().join("events.ndjson")).unwrap();
    assert!(
        events.contains("\"event\":\"purchase.created\""),
        "{events}"
    );
    // The wait loop is bounded: with a listener that exits without ever writing its ready file,
    // the recipe fails in seconds instead of waiting for ever.
    let never = recipe.replace("wl-hook listen", "true");
    let started = std::time::Instant::now();
    let out = bash(dir.path(), &format!("rm -f listen.url\n{never}"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
}

/// The README's Python helper for capturing a real delivery in your own receiver writes a file
/// that `verify` accepts (here fed with a signed request from `sign`, as a receiver would see it).
#[test]
fn the_capture_helper_for_your_own_receiver_writes_what_verify_reads() {
    let helper = block_after("Or in your own receiver", "python");
    assert!(helper.contains("def save_capture"), "{helper}");
    let dir = tempfile::tempdir().unwrap();
    let signed = crate::common::wl()
        .args([
            "sign",
            "client.created",
            "--secret",
            "real-key",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(signed.status.success());
    std::fs::write(dir.path().join("signed.json"), &signed.stdout).unwrap();
    let script = format!(
        "{helper}\n\nsigned = json.load(open('signed.json'))\n\
         save_capture('real.json', {{k.title(): v for k, v in signed['headers']}},\n\
         signed['body'].encode('utf-8'))\n"
    );
    let out = Command::new("python3")
        .args(["-c", &script])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    crate::common::wl()
        .args([
            "verify",
            "real.json",
            "--secret",
            "real-key",
            "--now",
            "now",
        ])
        .current_dir(dir.path())
        .assert()
        .success()
        .stdout(predicates::str::contains("valid"));
    crate::common::wl()
        .args(["verify", "real.json", "--secret", "another-key"])
        .current_dir(dir.path())
        .assert()
        .code(1);
}
