//! `wl-hook config show`: the settings in effect and where each comes from.

use anyhow::Result;
use clap::CommandFactory;

use crate::cli::{Cli, ConfigCommand};
use crate::config::{self, Config};
use crate::exit::{input_error, Exit};
use crate::output::config::{self as view, Row, Shown};

/// The settings always shown, as (command, key): the defaults people repeat.
const COMMON: [(&str, &str); 7] = [
    ("send", "url"),
    ("send", "fixtures"),
    ("send", "timeout"),
    ("replay", "schedule"),
    ("listen", "host"),
    ("listen", "port"),
    ("listen", "save"),
];

pub fn run(cmd: &ConfigCommand, profile: Option<&str>) -> Result<Exit> {
    let ConfigCommand::Show { json } = cmd;
    let json = json.json;
    let cwd = std::env::current_dir()?;
    let files = config::discover(&cwd);
    let cli = Cli::command();
    let cfg = config::load(&files, profile, &cli).map_err(|e| input_error(e.to_string()))?;
    let rows = rows(&cfg, &cli);
    let shown = Shown {
        files: &cfg.files,
        profile: cfg.profile.as_deref(),
        rows: &rows,
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    view::show(&mut out, &shown, json)?;
    Ok(Exit::Ok)
}

/// One row per common setting, per config setting and per environment variable that is set.
fn rows(cfg: &Config, cli: &clap::Command) -> Vec<Row> {
    let mut wanted: Vec<(String, String)> = COMMON
        .iter()
        .map(|(c, k)| (c.to_string(), k.to_string()))
        .collect();
    for s in &cfg.settings {
        let command = s.command.clone().unwrap_or_else(|| {
            cli.get_subcommands()
                .find(|c| config::find_arg(c, &s.key).is_some())
                .map(|c| c.get_name().to_string())
                .unwrap_or_default()
        });
        wanted.push((command, s.key.clone()));
    }
    for sub in cli.get_subcommands() {
        for arg in sub.get_arguments() {
            let (Some(var), Some(key)) = (arg.get_env(), arg.get_long()) else {
                continue;
            };
            if key != "color" && std::env::var_os(var).is_some_and(|v| !v.is_empty()) {
                wanted.push((sub.get_name().to_string(), key.to_string()));
            }
        }
    }
    let mut rows: Vec<Row> = Vec::new();
    for (command, key) in wanted {
        let Some(row) = row(cfg, cli, &command, &key) else {
            continue;
        };
        // The key file is shown as the key's source, in the last row.
        if key != "secret-file" && !rows.iter().any(|r| r.key == row.key) {
            rows.push(row);
        }
    }
    rows.push(key_row(cfg));
    rows
}

/// A key shown as `command.key` when it comes from a command section or only one command has it.
fn row(cfg: &Config, cli: &clap::Command, command: &str, key: &str) -> Option<Row> {
    let sub = cli.find_subcommand(command)?;
    let arg = config::find_arg(sub, key)?;
    let setting = cfg.get(command, key);
    let shared = cli
        .get_subcommands()
        .filter(|c| config::find_arg(c, key).is_some())
        .count()
        > 1;
    let name = if shared && setting.is_none_or(|s| s.command.is_none()) {
        key.to_string()
    } else {
        format!("{command}.{key}")
    };
    let from_config = setting.map(|s| (s.values.join(", "), s.origin.to_string()));
    let env = arg
        .get_env()
        .and_then(|v| Some((v.to_string_lossy().into_owned(), std::env::var(v).ok()?)))
        .filter(|(_, value)| !value.is_empty());
    let (value, from, overrides) = match (env, from_config) {
        (Some((var, value)), config) => (value, var, config.map(|(_, o)| o)),
        (None, Some((value, origin))) => (value, origin, None),
        (None, None) => {
            let value = arg
                .get_default_values()
                .iter()
                .map(|v| v.to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join(", ");
            let value = if value.is_empty() {
                "(none)".to_string()
            } else {
                value
            };
            (value, "built-in".to_string(), None)
        }
    };
    Some(Row {
        key: name,
        value,
        from,
        overrides,
    })
}

/// Where the webhook key comes from, never the key.
fn key_row(cfg: &Config) -> Row {
    let env = std::env::var_os("WL_HOOK_SECRET").is_some_and(|v| !v.is_empty());
    let file = cfg.get("send", "secret-file");
    let (value, from, overrides) = match (env, file) {
        (true, file) => (
            "(hidden)".to_string(),
            "WL_HOOK_SECRET".to_string(),
            file.map(|f| f.origin.to_string()),
        ),
        (false, Some(f)) => (
            format!("read from {}", f.values.join(", ")),
            f.origin.to_string(),
            None,
        ),
        (false, None) => (
            "the development key".to_string(),
            "built-in".to_string(),
            None,
        ),
    };
    Row {
        key: "key".to_string(),
        value,
        from,
        overrides,
    }
}
