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
/// a renamed flag or command breaks this test, not the user.
#[test]
fn every_command_in_the_readme_parses_and_the_offline_ones_run() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let mut in_block = false;
    let mut checked = 0;
    let mut offline: Vec<Vec<String>> = Vec::new();
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
            checked += 1;
            if runs_offline(&words) {
                offline.push(words);
            }
        }
    }
    assert!(checked >= 40, "only {checked} README commands found");
    // The ones that need no receiver and no input file run for real, in an empty folder.
    assert!(
        offline.len() >= 10,
        "only {} README commands run offline",
        offline.len()
    );
    let dir = tempfile::tempdir().unwrap();
    for words in offline {
        let out = wl()
            .args(&words[1..])
            .current_dir(dir.path())
            .env("WL_HOOK_SECRET", "readme-key")
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "README command failed: {}\n{}",
            words.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// README commands that run without a receiver, a capture or a body file.
fn runs_offline(words: &[String]) -> bool {
    let has = |flag: &str| words.iter().any(|w| w == flag);
    match words.get(1).map(String::as_str) {
        Some("fixtures") => {
            matches!(
                words.get(2).map(String::as_str),
                Some("list" | "show" | "export")
            ) && !has("--fixtures")
        }
        Some("sign") => !has("--data") && !has("--fixture"),
        Some("replay") => has("--print-schedule"),
        Some("completions" | "man" | "demo") => true,
        _ => false,
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
