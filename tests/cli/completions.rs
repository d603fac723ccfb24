use crate::common::wl;

/// The committed completion scripts must match what the binary generates.
#[test]
fn committed_completions_are_current() {
    let shells = [
        ("bash", "wl-hook.bash"),
        ("zsh", "_wl-hook"),
        ("fish", "wl-hook.fish"),
        ("powershell", "_wl-hook.ps1"),
        ("elvish", "wl-hook.elv"),
    ];
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    let mut stale = Vec::new();
    for (shell, file) in shells {
        let out = wl().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "completions {shell} failed");
        assert!(!out.stdout.is_empty());
        let committed = std::fs::read(dir.join(file)).unwrap_or_default();
        if committed != out.stdout {
            stale.push(file);
        }
    }
    assert!(
        stale.is_empty(),
        "completions/ is stale ({stale:?}); refresh them with: sh completions/refresh.sh"
    );
}

#[test]
fn unknown_shell_is_a_usage_error() {
    wl().args(["completions", "tcsh"]).assert().code(2);
}

/// The generated script for `shell`, written into a fresh folder under `file`.
fn script_in(shell: &str, file: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = wl().args(["completions", shell]).output().expect("ran");
    assert!(out.status.success(), "completions {shell} failed");
    let path = dir.path().join(file);
    std::fs::write(&path, &out.stdout).expect("script written");
    (dir, path)
}

/// Run `program args`, with HOME in `home` so no user configuration takes part; its stdout.
fn shell_output(program: &str, args: &[&str], home: &std::path::Path) -> String {
    let out = std::process::Command::new(program)
        .args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home)
        .env("XDG_DATA_HOME", home)
        .env("ZDOTDIR", home)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program} ({e}); .ci/run installs it"));
    assert!(
        out.status.success(),
        "{program} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The words bash completion offers for the command line `words` (the last word is the one
/// being completed), by calling the script's function as `complete -F` does.
fn bash_completes(words: &[&str]) -> Vec<String> {
    let (dir, path) = script_in("bash", "wl-hook.bash");
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let cword = words.len() - 1;
    let prev = words[cword - 1];
    let cur = words[cword];
    let program = format!(
        "source '{}'\nCOMP_WORDS=({})\nCOMP_CWORD={cword}\nCOMP_LINE='{}'\n\
         _wl__hook wl-hook '{cur}' '{prev}'\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"",
        path.display(),
        quoted.join(" "),
        words.join(" "),
    );
    let out = shell_output(
        "bash",
        &["--norc", "--noprofile", "-c", &program],
        dir.path(),
    );
    out.lines().map(|l| l.trim().to_string()).collect()
}

/// What fish offers for `line` (completing its last word): `complete -C`, one per line,
/// without the descriptions.
fn fish_completes(line: &str) -> Vec<String> {
    let (dir, path) = script_in("fish", "wl-hook.fish");
    let program = format!("source '{}'; complete -C '{line}'", path.display());
    let out = shell_output("fish", &["--no-config", "-c", &program], dir.path());
    out.lines()
        .map(|l| l.split('\t').next().unwrap_or("").to_string())
        .collect()
}

/// The command line after zsh, under compinit with the generated `_wl-hook`, completes `line`
/// with one Tab: an interactive zsh in a pseudo-terminal (zpty), whose buffer a key binding
/// writes to a file.
fn zsh_completes(line: &str) -> String {
    let (dir, _) = script_in("zsh", "_wl-hook");
    let d = dir.path().display();
    let program = format!(
        r#"zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z 'fpath=({d} $fpath); autoload -Uz compinit; compinit -u -d {d}/zcompdump'
zpty -w z 'dump() {{ print -r -- "$BUFFER" > {d}/buffer }}; zle -N dump; bindkey "^T" dump'
zpty -w -n z '{line}'$'\t'
sleep 0.5
zpty -w -n z $'\x14'
for i in {{1..300}}; do [[ -s {d}/buffer ]] && break; sleep 0.1; done
zpty -d z
cat {d}/buffer"#
    );
    let out = shell_output("zsh", &["-f", "-c", &program], dir.path());
    out.strip_suffix('\n').unwrap_or(&out).to_string()
}

#[test]
fn bash_completes_flags_topics_and_scenarios() {
    assert_eq!(bash_completes(&["wl-hook", "send", "--to"]), ["--topic"]);
    assert_eq!(
        bash_completes(&["wl-hook", "send", "--topic", "purchase.cr"]),
        ["purchase.created"]
    );
    assert_eq!(
        bash_completes(&["wl-hook", "check", "--only", "rejects-forg"]),
        ["rejects-forged"]
    );
    assert_eq!(
        bash_completes(&["wl-hook", "replay", "--schedule", "sv"]),
        ["svix"]
    );
    assert_eq!(
        bash_completes(&["wl-hook", "sign", "--format", "cu"]),
        ["curl"]
    );
    assert_eq!(
        bash_completes(&["wl-hook", "fixtures", "show", "staff-p"]),
        ["staff-profile"]
    );
}

#[test]
fn fish_completes_flags_topics_and_scenarios() {
    assert_eq!(fish_completes("wl-hook send --to"), ["--topic"]);
    assert_eq!(
        fish_completes("wl-hook send --topic purchase.cr"),
        ["purchase.created"]
    );
    assert_eq!(
        fish_completes("wl-hook check --only rejects-forg"),
        ["rejects-forged"]
    );
    assert_eq!(
        fish_completes("wl-hook listen --expect-topic client-p"),
        ["client-profile"]
    );
}

#[test]
fn zsh_completes_flags_topics_and_scenarios() {
    assert_eq!(zsh_completes("wl-hook send --to"), "wl-hook send --topic=");
    assert_eq!(
        zsh_completes("wl-hook send --topic purchase.cr"),
        "wl-hook send --topic purchase.created "
    );
    assert_eq!(
        zsh_completes("wl-hook check --only rejects-forg"),
        "wl-hook check --only rejects-forged "
    );
}

/// Every event and family alias is offered, and a topic outside the list still parses (the
/// hints never restrict what `--topic` takes).
#[test]
fn topic_hints_are_the_catalogue_and_do_not_restrict() {
    let offered = bash_completes(&["wl-hook", "sign", "--topic", ""]);
    for event in wl_hook::protocol::EVENTS.iter() {
        assert!(
            offered.iter().any(|o| o == event.name),
            "{} missing",
            event.name
        );
    }
    for family in wl_hook::protocol::Family::ALL {
        for alias in family.aliases() {
            assert!(offered.iter().any(|o| o == alias), "{alias} missing");
        }
    }
    assert!(offered.iter().any(|o| o == "all"));
    wl().args(["sign", "--topic", "Client.*", "--seed", "1"])
        .assert()
        .success();
}
