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
