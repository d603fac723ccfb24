use std::ffi::OsString;
use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches};

use wl_hook::cli::{Cli, ColorWhen};
use wl_hook::config;
use wl_hook::exit::{self, Exit};
use wl_hook::output::ColorChoice;

fn main() -> ExitCode {
    let words: Vec<OsString> = std::env::args_os().collect();
    let color = early_color(&words);
    let plain = Cli::command().color(match color {
        ColorChoice::Auto => clap::ColorChoice::Auto,
        ColorChoice::Always => clap::ColorChoice::Always,
        ColorChoice::Never => clap::ColorChoice::Never,
    });
    // The config files' settings become clap's defaults, so that a typed flag and its environment
    // variable still win. A bad file does not stop --help; it stops a command.
    let profile = early_value(&words, "--profile", "WL_HOOK_PROFILE");
    let config = std::env::current_dir()
        .map_err(|e| e.to_string())
        .and_then(|cwd| {
            let files = config::discover(&cwd);
            config::load(&files, profile.as_deref(), &plain).map_err(|e| e.to_string())
        });
    let command = match &config {
        Ok(config) => config.apply(plain),
        Err(_) => plain,
    };
    let matches = match command.clone().try_get_matches_from(&words) {
        Ok(matches) => matches,
        Err(err) => return usage_error(&command, err, &words, config.as_ref().ok()),
    };
    let config = match config {
        Ok(config) => config,
        Err(message) => {
            wl_hook::output::error(&message);
            return ExitCode::from(Exit::Input.code());
        }
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(err) => return usage_error(&command, err, &words, Some(&config)),
    };
    wl_hook::output::init_color(match cli.color {
        ColorWhen::Auto => ColorChoice::Auto,
        ColorWhen::Always => ColorChoice::Always,
        ColorWhen::Never => ColorChoice::Never,
    });
    match check_untyped_values(&command, &matches, &config).and_then(|()| wl_hook::run(cli)) {
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
            wl_hook::output::error(&format!("{err:#}"));
            ExitCode::from(exit::code_of(&err).code())
        }
    }
}

/// A global flag's value as typed (`--flag V` or `--flag=V`, the last wins), else its
/// environment variable, read before clap parses.
fn early_value(words: &[OsString], flag: &str, var: &str) -> Option<String> {
    let mut typed = None;
    let mut words = words.iter().skip(1).map(|w| w.to_string_lossy());
    let with_equals = format!("{flag}=");
    while let Some(word) = words.next() {
        if word == "--" {
            break;
        }
        if word == flag {
            typed = words.next().map(|v| v.into_owned());
        } else if let Some(v) = word.strip_prefix(&with_equals) {
            typed = Some(v.to_string());
        }
    }
    typed.or_else(|| std::env::var(var).ok().filter(|v| !v.is_empty()))
}

/// `--color` as typed, else `WL_HOOK_COLOR`, so that help and usage errors follow it too. A
/// value clap would refuse counts as auto here; clap then reports it.
fn early_color(words: &[OsString]) -> ColorChoice {
    match early_value(words, "--color", "WL_HOOK_COLOR").as_deref() {
        Some("always") => ColorChoice::Always,
        Some("never") => ColorChoice::Never,
        _ => ColorChoice::Auto,
    }
}

/// The subcommand's values that came from environment variables or config files, checked with
/// the parsers their flags use, so that an error names where the value came from.
fn check_untyped_values(
    command: &clap::Command,
    matches: &ArgMatches,
    config: &config::Config,
) -> anyhow::Result<()> {
    let Some((name, sub_matches)) = matches.subcommand() else {
        return Ok(());
    };
    let Some(sub) = command.find_subcommand(name) else {
        return Ok(());
    };
    for arg in sub.get_arguments() {
        let id = arg.get_id().as_str();
        let from = match sub_matches.value_source(id) {
            Some(ValueSource::EnvVariable) => arg.get_env().map(|v| {
                let var = v.to_string_lossy();
                (var.to_string(), format!(" (or unset {var})"))
            }),
            Some(ValueSource::DefaultValue) => {
                config_origin(config, name, arg).map(|o| (o, String::new()))
            }
            _ => None,
        };
        let Some((from, hint)) = from else {
            continue;
        };
        let values: Vec<String> = sub_matches
            .get_raw(id)
            .into_iter()
            .flatten()
            .map(|v| v.to_string_lossy().into_owned())
            .collect();
        for value in values {
            wl_hook::commands::common::check_untyped_value(name, id, &value)
                .map_err(|e| exit::input_error(format!("{from}: {e:#}{hint}")))?;
        }
    }
    Ok(())
}

/// Where a config setting for this argument was written, if one applies.
fn config_origin(config: &config::Config, command: &str, arg: &clap::Arg) -> Option<String> {
    let key = arg
        .get_long()
        .map(str::to_string)
        .unwrap_or_else(|| arg.get_id().to_string());
    config.get(command, &key).map(|s| s.origin.to_string())
}

/// Help and version go to stdout as clap writes them; a usage error goes to stderr starting
/// `wl-hook: error:` like every other error, naming the environment variable when the bad value
/// came from one. Exit 2, or 0 for help and version.
fn usage_error(
    command: &clap::Command,
    err: clap::Error,
    words: &[OsString],
    config: Option<&config::Config>,
) -> ExitCode {
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
    let text = prefixed(&text, source_of(command, &err, words, config).as_deref());
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

/// Where a refused value came from when it was not typed: the argument's environment variable
/// when it is set to the refused value, else the config setting that gave it.
fn source_of(
    command: &clap::Command,
    err: &clap::Error,
    words: &[OsString],
    config: Option<&config::Config>,
) -> Option<String> {
    let ContextValue::String(arg_name) = err.get(ContextKind::InvalidArg)? else {
        return None;
    };
    let ContextValue::String(value) = err.get(ContextKind::InvalidValue)? else {
        return None;
    };
    let mut commands = vec![command];
    commands.extend(command.get_subcommands());
    let (owner, arg) = commands.iter().find_map(|c| {
        c.get_arguments()
            .find(|a| match a.get_long() {
                Some(long) => arg_name.split([' ', '=']).next() == Some(&format!("--{long}")),
                None => {
                    let bare = arg_name.trim_matches(|c| "<>[].".contains(c));
                    a.get_value_names()
                        .and_then(|names| names.first())
                        .is_some_and(|n| n.as_str() == bare)
                }
            })
            .map(|a| (c.get_name(), a))
    })?;
    let typed = arg.get_long().is_some_and(|l| {
        words.iter().any(|w| {
            let w = w.to_string_lossy();
            w == format!("--{l}") || w.starts_with(&format!("--{l}="))
        })
    });
    if typed {
        return None;
    }
    if let Some(var) = arg
        .get_env()
        .filter(|var| std::env::var_os(var).is_some_and(|v| v.to_string_lossy() == *value))
    {
        return Some(var.to_string_lossy().into_owned());
    }
    config_origin(config?, owner, arg)
}
