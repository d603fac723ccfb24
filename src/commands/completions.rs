//! `wl-hook completions SHELL` and `wl-hook man`: a completion script and the manual page,
//! both generated from the CLI definition so they cannot drift from it.

use anyhow::Result;
use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs, ManArgs};
use crate::exit::Exit;

/// The completion script for `shell`, as bytes.
pub fn script(shell: clap_complete::Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "wl-hook", &mut out);
    if shell == clap_complete::Shell::Bash {
        out = fix_bash_labels(&out);
    }
    out
}

/// clap_complete's bash script walks the words into `wl__hook__subcmd__send` but labels that
/// case `wl__subcmd__hook__subcmd__send`: it escapes the hyphen in the binary's name as if it
/// separated subcommands (clap issue #6421), so nothing after the subcommand completes. The
/// labels are renamed to what the walk produces.
fn fix_bash_labels(script: &[u8]) -> Vec<u8> {
    String::from_utf8_lossy(script)
        .replace("wl__subcmd__hook", "wl__hook")
        .into_bytes()
}

pub fn run(args: &CompletionsArgs) -> Result<Exit> {
    crate::output::raw(&script(args.shell))?;
    Ok(Exit::Ok)
}

/// The manual page as roff: the main page followed by one section per subcommand.
pub fn man_page() -> std::io::Result<Vec<u8>> {
    // Without the `help` subcommand, as `man --dir` writes no page for it.
    let cmd = Cli::command().disable_help_subcommand(true);
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut out)?;
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("wl-hook-{}", sub.get_name());
        let sub = sub
            .clone()
            .disable_help_subcommand(true)
            .display_name(name.clone())
            .bin_name(name);
        let mut section = Vec::new();
        clap_mangen::Man::new(sub).render(&mut section)?;
        // Each rendering starts its own page; keep only its body under a heading.
        let text = String::from_utf8_lossy(&section);
        let body: String = text
            .lines()
            .filter(|l| !l.starts_with(".TH "))
            .map(|l| format!("{l}\n"))
            .collect();
        out.extend_from_slice(body.as_bytes());
    }
    Ok(out)
}

pub fn man(args: &ManArgs) -> Result<Exit> {
    let Some(dir) = &args.dir else {
        crate::output::raw(&man_page()?)?;
        return Ok(Exit::Ok);
    };
    let cannot = |e: std::io::Error| {
        crate::exit::input_error(format!(
            "cannot write manual pages into {}: {e}",
            dir.display()
        ))
    };
    std::fs::create_dir_all(dir).map_err(cannot)?;
    clap_mangen::generate_to(Cli::command(), dir).map_err(cannot)?;
    let pages = page_names(&Cli::command());
    crate::output::raw(
        format!("Wrote {} manual pages to {}\n", pages.len(), dir.display()).as_bytes(),
    )?;
    Ok(Exit::Ok)
}

/// The file names `man --dir` writes: the command's page and one per (nested) subcommand.
pub fn page_names(cmd: &clap::Command) -> Vec<String> {
    fn walk(cmd: &clap::Command, prefix: &str, out: &mut Vec<String>) {
        out.push(format!("{prefix}.1"));
        for sub in cmd
            .get_subcommands()
            .filter(|s| s.get_name() != "help" && !s.is_hide_set())
        {
            walk(sub, &format!("{prefix}-{}", sub.get_name()), out);
        }
    }
    let mut out = Vec::new();
    walk(cmd, cmd.get_name(), &mut out);
    out
}
