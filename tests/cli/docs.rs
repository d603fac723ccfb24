//! The documentation cannot drift from the binary: help texts, the man page, and every command
//! line shown in the README.

use clap::CommandFactory;

use crate::common::*;

#[test]
fn no_arguments_prints_a_short_overview() {
    let out = wl().assert().success().get_output().stdout.clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("wl-hook demo") && text.contains("Commands:"),
        "{text}"
    );
    assert!(text.lines().count() < 20, "short");
}

/// Every command and subcommand's --help has examples and states its exit codes.
#[test]
fn every_help_teaches_with_examples_and_exit_codes() {
    fn walk(cmd: &clap::Command, path: Vec<String>, out: &mut Vec<Vec<String>>) {
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let mut p = path.clone();
            p.push(sub.get_name().to_string());
            out.push(p.clone());
            walk(sub, p, out);
        }
    }
    let mut paths = Vec::new();
    walk(&wl_hook::cli::Cli::command(), Vec::new(), &mut paths);
    assert!(paths.len() >= 13, "{paths:?}");
    for p in paths {
        let out = wl()
            .args(&p)
            .arg("--help")
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("Examples:"), "{p:?} --help has no examples");
        // The text after the options (examples, answers, exit codes) is printed as written:
        // nothing wraps inside an example command or breaks a sentence at 100 columns.
        let mut cmd = wl_hook::cli::Cli::command();
        let sub = p
            .iter()
            .fold(&mut cmd, |c, name| c.find_subcommand_mut(name).unwrap());
        let after = sub
            .get_after_long_help()
            .or(sub.get_after_help())
            .map(|t| t.to_string())
            .unwrap_or_default();
        let printed: Vec<&str> = text.lines().map(str::trim_end).collect();
        for line in after.lines().filter(|l| !l.trim().is_empty()) {
            assert!(
                line.len() <= 100 && printed.contains(&line.trim_end()),
                "{p:?} --help wraps or breaks this line: {line:?}"
            );
        }
        assert!(
            text.contains("Exit codes"),
            "{p:?} --help states no exit codes"
        );
    }
    let top = wl()
        .arg("--help")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8(top).unwrap().contains("Exit codes:"));
}

#[test]
fn the_man_page_covers_every_command() {
    let out = wl()
        .arg("man")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.starts_with(".ie") || text.contains(".TH wl-hook"),
        "roff"
    );
    for cmd in [
        "send",
        "listen",
        "verify",
        "replay",
        "check",
        "sign",
        "fixtures",
        "demo",
        "completions",
    ] {
        assert!(
            text.contains(&format!("wl\\-hook\\-{cmd}")),
            "man page lacks {cmd}"
        );
    }
    // It links to no page that `man --dir` does not write.
    assert!(!text.contains("help(1)"), "{text}");
}

/// Every `wl-hook ...` line in the README's code blocks parses with the real CLI definition, so
/// a renamed flag or command breaks this test, not the user; and each runs for real (below).
#[test]
fn every_command_in_the_readme_parses_and_runs() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let mut in_block = false;
    let mut commands: Vec<String> = Vec::new();
    for line in readme.lines() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
            continue;
        }
        if !in_block {
            continue;
        }
        let line = line
            .trim()
            .trim_start_matches("$ ")
            .trim_start_matches("- run: ");
        for part in line.split(" | ") {
            let part = part.trim();
            let Some(pos) = part.find("wl-hook ") else {
                continue;
            };
            if pos != 0 && !part[..pos].ends_with("$(") && !part[..pos].trim().is_empty() {
                continue;
            }
            let cmd = part[pos..].split(['#', '>', '&']).next().unwrap().trim();
            let cmd = cmd.trim_end_matches(')');
            let words = shlex::split(cmd).unwrap_or_else(|| panic!("cannot split: {cmd}"));
            if words.len() < 2 || words[1].starts_with("demo:") {
                continue;
            }
            if let Err(e) = wl_hook::cli::Cli::try_parse_from_words(&words) {
                panic!("README command does not parse: {cmd}\n{e}");
            }
            commands.push(cmd.to_string());
        }
    }
    assert!(
        commands.len() >= 60,
        "only {} README commands found",
        commands.len()
    );
    let ran = run_readme_commands(&commands);
    // All but a GitHub Actions expression and an https endpoint with its own certificate.
    assert!(
        ran + 2 >= commands.len(),
        "only {ran} of {} ran",
        commands.len()
    );
}

/// Run each README command as written, in bash, in a fresh copy of a folder holding the files
/// the README names (captures, a raw request, a body, a key file, fixtures), against a real
/// `wl-hook listen` standing in for "your app" on 127.0.0.1:3000 and the default URL. A command
/// passes when it ends with exit 0 or 1 (1 is a verdict: a FAIL or a refusal), never with a
/// usage or input error (2) or an unreachable endpoint (3). Listeners run until they print
/// their first line, then get SIGTERM. Returns how many ran.
fn run_readme_commands(commands: &[String]) -> usize {
    let bin = assert_cmd::cargo::cargo_bin("wl-hook");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let app = Listener::start(&["--no-verify", "--body", "none"]);
    let app_url = app.hook_url();
    let key = "readme-key";
    let seed = tempfile::tempdir().unwrap();
    let base = seed.path();
    let sign = |args: &[&str]| -> Vec<u8> {
        let out = wl()
            .args(["sign", "--secret", key])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success());
        out.stdout
    };
    std::fs::create_dir_all(base.join("captures")).unwrap();
    for (name, topic) in [
        ("000001-client.created-163839bb.json", "client.created"),
        ("000001-purchase.created-07692c48.json", "purchase.created"),
        ("000003-client.created-1a2b3c4d.json", "client.created"),
    ] {
        let capture = sign(&[topic, "--format", "json"]);
        std::fs::write(base.join("captures").join(name), capture).unwrap();
    }
    std::fs::write(
        base.join("capture.json"),
        sign(&["purchase.created", "--format", "json"]),
    )
    .unwrap();
    std::fs::write(
        base.join("request.http"),
        sign(&["client.updated", "--format", "http"]),
    )
    .unwrap();
    std::fs::write(
        base.join("body.json"),
        br#"{"order_id":"1","meta_data":{}}"#,
    )
    .unwrap();
    std::fs::write(base.join("key.txt"), format!("{key}\n")).unwrap();
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/client.created.json"),
        base.join("my-client.json"),
    )
    .unwrap();
    wl().args(["fixtures", "export"])
        .arg(base.join("wl-fixtures"))
        .assert()
        .success();
    let mut ran = 0;
    for cmd in commands {
        if cmd.contains("${{") || cmd.contains("https://") {
            continue;
        }
        let dir = tempfile::tempdir().unwrap();
        copy_dir(base, dir.path());
        let line = cmd
            .replace("http://127.0.0.1:3000/webhooks", &app_url)
            .replace("http://127.0.0.1:3001/hooks", &app_url);
        let mut command = std::process::Command::new("bash");
        command
            .args(["-c", &format!("exec {line}")])
            .current_dir(dir.path())
            .env("PATH", &path);
        for var in ENV_VARS {
            command.env_remove(var);
        }
        command
            .env("XDG_CONFIG_HOME", NO_USER_CONFIG)
            .env("WL_HOOK_SECRET", key)
            .env("WL_KEY", key)
            .env("WL_HOOK_URL", &app_url)
            // A listener on a free port (its README line may name none) and a free inspector.
            .env("WL_HOOK_PORT", "0");
        let code = if cmd.starts_with("wl-hook listen") {
            let line = if cmd.contains("--ui-port") || cmd.contains("--no-ui") {
                line.replace("--ui-port 8080", "--ui-port 0")
            } else {
                format!("{line} --ui-port 0")
            };
            command.args(["-c", &format!("exec {line}")]);
            let mut child = command
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            let mut first = String::new();
            std::io::BufRead::read_line(
                &mut std::io::BufReader::new(child.stdout.take().unwrap()),
                &mut first,
            )
            .unwrap();
            assert!(
                first.contains("Listening on") || first.contains("\"listening\""),
                "README command did not start: {cmd}: {first:?}"
            );
            std::process::Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status()
                .unwrap();
            child.wait().unwrap().code()
        } else {
            // Commands that read stdin get a capture there.
            let capture = base.join("capture.json");
            command.stdin(std::fs::File::open(capture).unwrap());
            let out = command.output().unwrap();
            let code = out.status.code();
            assert!(
                matches!(code, Some(0 | 1)),
                "README command failed ({code:?}): {cmd}\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
            code
        };
        assert!(
            matches!(code, Some(0 | 1)),
            "README command: {cmd}: exit {code:?}"
        );
        ran += 1;
    }
    drop(app);
    ran
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every page a manual page links to (`wl-hook-send(1)` ...) is written by `man --dir`, nested
/// commands (fixtures import) included, and the fixtures pages name import.
#[test]
fn man_dir_writes_every_page_the_pages_link_to() {
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("man1");
    wl().arg("man")
        .arg("--dir")
        .arg(&pages)
        .assert()
        .success()
        .stdout(predicates::str::contains(format!(
            "Wrote {} manual pages",
            std::fs::read_dir(&pages).map_or(0, |d| d.count())
        )));
    let mut linked = Vec::new();
    for entry in std::fs::read_dir(&pages).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        // clap_mangen lists subcommands as `wl\-hook\-NAME(1)` lines.
        for line in text.lines().filter(|l| l.ends_with("(1)")) {
            linked.push(line.replace("\\-", "-").trim_end_matches("(1)").to_string());
        }
    }
    assert!(linked.len() >= 15, "{linked:?}");
    for page in &linked {
        assert!(
            pages.join(format!("{page}.1")).is_file(),
            "{page}(1) is linked but not written"
        );
    }
    let fixtures = std::fs::read_to_string(pages.join("wl-hook-fixtures.1")).unwrap();
    assert!(
        fixtures.contains("wl\\-hook\\-fixtures\\-import(1)"),
        "{fixtures}"
    );
    // A folder that cannot be made is an input error.
    let file = dir.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    wl().arg("man")
        .arg("--dir")
        .arg(file.join("sub"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("cannot write manual pages into"));
}

/// The README's reproducible samples (a fixed clock and seed) are exactly what the binary prints.
#[test]
fn the_readme_reproducible_samples_are_what_the_binary_prints() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let mut checked = 0;
    for block in readme.split("```console\n").skip(1) {
        let block = &block[..block.find("```").unwrap()];
        let Some(first) = block.lines().next() else {
            continue;
        };
        let Some(cmd) = first.strip_prefix("$ wl-hook ") else {
            continue;
        };
        // Only commands whose output is fixed: a pinned clock and seed, or no clock at all.
        let pinned = cmd.contains("--now ") && cmd.contains("--seed ");
        if !(pinned || cmd == "fixtures list") {
            continue;
        }
        let words = shlex::split(cmd).unwrap();
        let out = wl().args(&words).output().unwrap();
        assert!(out.status.success(), "{cmd}");
        let expected = &block[first.len() + 1..];
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            expected,
            "the README's sample of `wl-hook {cmd}` is not what it prints"
        );
        checked += 1;
    }
    assert!(checked >= 2, "only {checked} reproducible samples");
}
