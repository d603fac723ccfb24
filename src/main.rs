use std::ffi::OsString;
use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches};

use wl_hook::cli::{Cli, ColorWhen};
use wl_hook::exit::{self, Exit};
use wl_hook::output::ColorChoice;

fn main() -> ExitCode {
    let words: Vec<OsString> = std::env::args_os().collect();
    let color = early_color(&words);
    let command = Cli::command().color(match color {
        ColorChoice::Auto => clap::ColorChoice::Auto,
        ColorChoice::Always => clap::ColorChoice::Always,
        ColorChoice::Never => clap::ColorChoice::Never,
    });
    let matches = match command.clone().try_get_matches_from(&words) {
        Ok(matches) => matches,
        Err(err) => return usage_error(&command, err, &words),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(err) => return usage_error(&command, err, &words),
    };
    wl_hook::output::init_color(match cli.color {
        ColorWhen::Auto => ColorChoice::Auto,
        ColorWhen::Always => ColorChoice::Always,
        ColorWhen::Never => ColorChoice::Never,
    });
    match check_env_values(&command, &matches).and_then(|()| wl_hook::run(cli)) {
        Ok(code) => ExitCode::from(code.code()),
        Err(err) => {
            // A closed pipe (e.g. `| head`) is not worth a message, but the run did not finish,
            // so it must not look like success to a CI script.
            if err.chain().any(|e| {
                e.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::from(Exit::Negative.code());
            }
            eprintln!("wl-hook: error: {err:#}");
            ExitCode::from(exit::code_of(&err).code())
        }
    }
}

/// `--color` as typed (the last one wins), else `WL_HOOK_COLOR`, read before clap parses, so
/// that help and usage errors follow it too. A value clap would refuse counts as auto here; clap
/// then reports it.
fn early_color(words: &[OsString]) -> ColorChoice {
    let mut typed = None;
    let mut words = words.iter().skip(1).map(|w| w.to_string_lossy());
    while let Some(word) = words.next() {
        if word == "--" {
            break;
        }
        if word == "--color" {
            typed = words.next().map(|v| v.into_owned());
        } else if let Some(v) = word.strip_prefix("--color=") {
            typed = Some(v.to_string());
        }
    }
    let value = typed.or_else(|| std::env::var("WL_HOOK_COLOR").ok());
    match value.as_deref() {
        Some("always") => ColorChoice::Always,
        Some("never") => ColorChoice::Never,
        _ => ColorChoice::Auto,
    }
}

/// The subcommand's values that came from environment variables, checked with the parsers their
/// flags use, so that an error names the variable.
fn check_env_values(command: &clap::Command, matches: &ArgMatches) -> anyhow::Result<()> {
    let Some((name, sub_matches)) = matches.subcommand() else {
        return Ok(());
    };
    let Some(sub) = command.find_subcommand(name) else {
        return Ok(());
    };
    for arg in sub.get_arguments() {
        let (Some(var), id) = (arg.get_env(), arg.get_id().as_str()) else {
            continue;
        };
        if sub_matches.value_source(id) != Some(ValueSource::EnvVariable) {
            continue;
        }
        if let Some(value) = std::env::var_os(var) {
            wl_hook::commands::common::check_env_value(
                name,
                &var.to_string_lossy(),
                &value.to_string_lossy(),
            )?;
        }
    }
    Ok(())
}

/// Help and version go to stdout as clap writes them; a usage error goes to stderr starting
/// `wl-hook: error:` like every other error, naming the environment variable when the bad value
/// came from one. Exit 2, or 0 for help and version.
fn usage_error(command: &clap::Command, err: clap::Error, words: &[OsString]) -> ExitCode {
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = err.print();
        return ExitCode::from(match err.kind() {
            ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => Exit::Input.code(),
            _ => Exit::Ok.code(),
        });
    }
    let rendered = err.render();
    let text = if err.use_stderr() && colored_stderr(command) {
        rendered.ansi().to_string()
    } else {
        rendered.to_string()
    };
    let text = prefixed(&text, env_var_of(command, &err, words).as_deref());
    eprint!("{text}");
    ExitCode::from(Exit::Input.code())
}

/// clap's message, which starts "error: " (the word possibly inside colour escapes), as
/// "wl-hook: error: " and then, when the value came from it, the variable's name.
fn prefixed(text: &str, var: Option<&str>) -> String {
    let Some(at) = text.find("error:").filter(|&at| at < 16) else {
        return format!(
            "wl-hook: error: {}{text}",
            var.map(|v| format!("{v}: ")).unwrap_or_default()
        );
    };
    let mut rest = at + "error:".len();
    // Skip the escapes that end the word's colour, then the space.
    while text[rest..].starts_with('\u{1b}') {
        rest += text[rest..].find('m').map_or(1, |m| m + 1);
    }
    rest += usize::from(text[rest..].starts_with(' '));
    format!(
        "{}wl-hook: {} {}{}",
        &text[..at],
        &text[at..rest].trim_end(),
        var.map(|v| format!("{v}: ")).unwrap_or_default(),
        &text[rest..]
    )
}

fn colored_stderr(command: &clap::Command) -> bool {
    use std::io::IsTerminal;
    match command.get_color() {
        clap::ColorChoice::Always => true,
        clap::ColorChoice::Never => false,
        clap::ColorChoice::Auto => {
            let set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
            !set("NO_COLOR")
                && (std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0")
                    || std::io::stderr().is_terminal())
        }
    }
}

/// The environment variable a refused value came from: the refused argument has one, it is set
/// to the refused value, and its flag was not typed.
fn env_var_of(command: &clap::Command, err: &clap::Error, words: &[OsString]) -> Option<String> {
    let ContextValue::String(arg_name) = err.get(ContextKind::InvalidArg)? else {
        return None;
    };
    let ContextValue::String(value) = err.get(ContextKind::InvalidValue)? else {
        return None;
    };
    let mut commands = vec![command];
    commands.extend(command.get_subcommands());
    let arg = commands.iter().find_map(|c| {
        c.get_arguments().find(|a| match a.get_long() {
            Some(long) => arg_name.split([' ', '=']).next() == Some(&format!("--{long}")),
            None => {
                let bare = arg_name.trim_matches(|c| "<>[].".contains(c));
                a.get_value_names()
                    .and_then(|names| names.first())
                    .is_some_and(|n| n.as_str() == bare)
            }
        })
    })?;
    let var = arg.get_env()?;
    let typed = arg.get_long().is_some_and(|l| {
        words.iter().any(|w| {
            let w = w.to_string_lossy();
            w == format!("--{l}") || w.starts_with(&format!("--{l}="))
        })
    });
    (!typed && std::env::var_os(var).is_some_and(|v| v.to_string_lossy() == *value))
        .then(|| var.to_string_lossy().into_owned())
}
