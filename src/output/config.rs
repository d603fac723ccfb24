//! The view of `wl-hook config show`: the files read, then one row per setting.

use std::io::{self, Write};
use std::path::PathBuf;

use serde::Serialize;

use super::{dim, strong};

/// One setting in effect.
#[derive(Serialize)]
#[serde(tag = "type", rename = "setting")]
pub struct Row {
    /// `url`, or `listen.port` for one command's flag.
    pub key: String,
    pub value: String,
    /// `built-in`, an environment variable, or `FILE:LINE [table]`.
    pub from: String,
    /// The config setting an environment variable overrides.
    pub overrides: Option<String>,
}

/// What `config show` shows.
pub struct Shown<'a> {
    pub files: &'a [PathBuf],
    pub profile: Option<&'a str>,
    pub rows: &'a [Row],
}

/// `{"type":"config",...}`: the files read (lowest precedence first) and the profile.
#[derive(Serialize)]
#[serde(tag = "type", rename = "config")]
struct ConfigLine<'a> {
    files: &'a [PathBuf],
    profile: Option<&'a str>,
}

pub fn show(out: &mut impl Write, shown: &Shown, json: bool) -> io::Result<()> {
    if json {
        let head = ConfigLine {
            files: shown.files,
            profile: shown.profile,
        };
        writeln!(out, "{}", serde_json::to_string(&head)?)?;
        for row in shown.rows {
            writeln!(out, "{}", serde_json::to_string(row)?)?;
        }
        return out.flush();
    }
    if shown.files.is_empty() {
        writeln!(
            out,
            "Config files: none (wl-hook.toml in this folder or a parent, or ~/.config/wl-hook/config.toml)"
        )?;
    } else {
        let files: Vec<String> = shown
            .files
            .iter()
            .map(|f| f.display().to_string())
            .collect();
        writeln!(out, "Config files: {}", files.join(", "))?;
    }
    writeln!(out, "Profile: {}", shown.profile.unwrap_or("none"))?;
    writeln!(out)?;
    let key_w = shown
        .rows
        .iter()
        .map(|r| r.key.len())
        .max()
        .unwrap_or(0)
        .max(7);
    let value_w = shown
        .rows
        .iter()
        .map(|r| r.value.chars().count())
        .max()
        .unwrap_or(0)
        .max(5);
    writeln!(
        out,
        "{}",
        strong(&format!("{:key_w$}  {:value_w$}  FROM", "SETTING", "VALUE"))
    )?;
    for row in shown.rows {
        let over = row
            .overrides
            .as_ref()
            .map(|o| format!(" {}", dim(&format!("(over {o})"))))
            .unwrap_or_default();
        writeln!(
            out,
            "{:key_w$}  {:value_w$}  {}{over}",
            row.key, row.value, row.from
        )?;
    }
    out.flush()
}
