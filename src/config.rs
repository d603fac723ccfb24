//! `wl-hook.toml`: defaults people repeat, by long flag name, with named profiles.
//!
//! A file holds top-level keys (for every command that has the flag), command sections
//! (`[listen]`) and profiles (`[profiles.NAME]`, with the same two levels). Settings become the
//! defaults of the clap definition before it parses, so the precedence is clap's own:
//! a typed flag, then its environment variable, then the config file, then the built-in default.
//! Files: `$XDG_CONFIG_HOME/wl-hook/config.toml` (or `~/.config/...`) for the user, then the first
//! `wl-hook.toml` in the current folder or a parent; later layers win.

use std::fmt;
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};

/// The project file's name, looked for in the current folder and its parents.
pub const PROJECT_FILE: &str = "wl-hook.toml";

/// Where a setting was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: PathBuf,
    pub line: usize,
    /// The table it sits in: "" for top level, "listen", "profiles.staging", "profiles.staging.listen".
    pub table: String,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.line)?;
        if !self.table.is_empty() {
            write!(f, " [{}]", self.table)?;
        }
        Ok(())
    }
}

/// One setting: a flag's value for one command (or every command that has the flag).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    pub command: Option<String>,
    pub key: String,
    pub values: Vec<String>,
    pub origin: Origin,
}

/// The settings in effect, lowest precedence first.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The files read, lowest precedence first.
    pub files: Vec<PathBuf>,
    pub profile: Option<String>,
    pub settings: Vec<Setting>,
}

/// A bad file, or a profile no file defines.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{place}: {message}")]
pub struct ConfigError {
    pub place: String,
    pub message: String,
}

fn error(file: &Path, line: Option<usize>, message: impl Into<String>) -> ConfigError {
    ConfigError {
        place: match line {
            Some(line) => format!("{}:{line}", file.display()),
            None => file.display().to_string(),
        },
        message: message.into(),
    }
}

/// The user's file (when it exists), then the project's (the first `wl-hook.toml` from `cwd` up).
pub fn discover(cwd: &Path) -> Vec<PathBuf> {
    let env = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    let user_dir = env("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| env("HOME").map(|h| PathBuf::from(h).join(".config")));
    let mut files: Vec<PathBuf> = user_dir
        .map(|d| d.join("wl-hook").join("config.toml"))
        .filter(|p| p.is_file())
        .into_iter()
        .collect();
    if let Some(project) = cwd
        .ancestors()
        .map(|d| d.join(PROJECT_FILE))
        .find(|p| p.is_file())
    {
        files.push(project);
    }
    files
}

/// Read `files` against the command-line definition `cli` (keys are its long flag names) and
/// pick `profile`.
pub fn load(
    files: &[PathBuf],
    profile: Option<&str>,
    cli: &clap::Command,
) -> Result<Config, ConfigError> {
    let mut config = Config {
        files: files.to_vec(),
        profile: profile.map(str::to_string),
        settings: Vec::new(),
    };
    let mut profiles = Vec::new();
    let mut found_profile = false;
    for file in files {
        let text = std::fs::read_to_string(file)
            .map_err(|e| error(file, None, format!("cannot read it: {e}")))?;
        let doc = DeTable::parse(&text).map_err(|e| {
            let line = e.span().map(|s| line_of(&text, s.start));
            error(file, line, e.message().to_string())
        })?;
        let reader = Reader {
            file,
            text: &text,
            cli,
            base: file.parent().unwrap_or(Path::new(".")),
        };
        let mut file_profiles = Vec::new();
        reader.layer(
            doc.get_ref(),
            "",
            &mut config.settings,
            Some(&mut file_profiles),
        )?;
        for (name, table, line) in file_profiles {
            if profile == Some(name.as_str()) {
                found_profile = true;
                let DeValue::Table(table) = table.get_ref() else {
                    return Err(error(
                        file,
                        Some(line),
                        format!("profiles.{name} must be a table"),
                    ));
                };
                reader.layer(table, &format!("profiles.{name}"), &mut profiles, None)?;
            }
        }
    }
    if let Some(name) = profile {
        if !found_profile {
            let place = if files.is_empty() {
                "--profile".to_string()
            } else {
                files
                    .iter()
                    .map(|f| f.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            return Err(ConfigError {
                place,
                message: format!(
                    "no profile '{name}' ({}); define it as [profiles.{name}] in {PROJECT_FILE}",
                    if files.is_empty() {
                        "no config file was found".to_string()
                    } else {
                        "not defined in these files".to_string()
                    }
                ),
            });
        }
    }
    config.settings.extend(profiles);
    Ok(config)
}

struct Reader<'a> {
    file: &'a Path,
    text: &'a str,
    cli: &'a clap::Command,
    base: &'a Path,
}

type Profiles<'i> = Vec<(String, toml::Spanned<DeValue<'i>>, usize)>;

impl Reader<'_> {
    /// Top-level keys first, then command sections (a section beats the top level).
    fn layer<'i>(
        &self,
        table: &DeTable<'i>,
        prefix: &str,
        out: &mut Vec<Setting>,
        mut profiles: Option<&mut Profiles<'i>>,
    ) -> Result<(), ConfigError> {
        let mut sections = Vec::new();
        for (key, value) in table {
            let name = key.get_ref().as_ref();
            let line = line_of(self.text, key.span().start);
            if let (Some(profiles), "profiles") = (profiles.as_deref_mut(), name) {
                let DeValue::Table(all) = value.get_ref() else {
                    return Err(error(
                        self.file,
                        Some(line),
                        "profiles must be a table of tables",
                    ));
                };
                for (p, t) in all {
                    let at = line_of(self.text, p.span().start);
                    profiles.push((p.get_ref().to_string(), t.clone(), at));
                }
                continue;
            }
            match value.get_ref() {
                DeValue::Table(section) => {
                    let Some(sub) = self.cli.find_subcommand(name).filter(|_| name != "help")
                    else {
                        return Err(error(
                            self.file,
                            Some(line),
                            format!(
                                "[{}] is not a command; sections are command names (send, listen, check, ...){}",
                                join(prefix, name),
                                if prefix.is_empty() { ", or profiles" } else { "" }
                            ),
                        ));
                    };
                    sections.push((name.to_string(), sub, section, line));
                }
                _ => out.push(self.setting(None, name, value, line, prefix)?),
            }
        }
        for (command, sub, section, line) in sections {
            let table_name = join(prefix, &command);
            for (key, value) in section {
                let name = key.get_ref().as_ref();
                let at = line_of(self.text, key.span().start);
                if matches!(value.get_ref(), DeValue::Table(_)) {
                    return Err(error(
                        self.file,
                        Some(at),
                        format!("[{table_name}.{name}]: a command section holds flags only"),
                    ));
                }
                if find_arg(sub, name).is_none() {
                    return Err(error(
                        self.file,
                        Some(at),
                        format!(
                            "unknown key '{name}' in [{table_name}]: {command} has no --{name}{}",
                            suggestion(name, sub)
                        ),
                    ));
                }
                out.push(self.setting(Some(&command), name, value, at, &table_name)?);
            }
            let _ = line;
        }
        Ok(())
    }

    /// One `key = value` of the file as a setting of a flag, or the error naming the file, line
    /// and table. Long because each refusal (a key written in the file, an unknown key with its
    /// "did you mean", a value of the wrong type) is spelt out where it applies.
    fn setting(
        &self,
        command: Option<&str>,
        key: &str,
        value: &toml::Spanned<DeValue<'_>>,
        line: usize,
        table: &str,
    ) -> Result<Setting, ConfigError> {
        if key == "secret" {
            return Err(error(
                self.file,
                Some(line),
                "a key does not belong in a config file: put it in a file and set secret-file = \"PATH\", or use WL_HOOK_SECRET",
            ));
        }
        let args: Vec<&clap::Arg> = match command {
            Some(c) => self
                .cli
                .find_subcommand(c)
                .and_then(|s| find_arg(s, key))
                .into_iter()
                .collect(),
            None => self
                .cli
                .get_subcommands()
                .filter_map(|s| find_arg(s, key))
                .collect(),
        };
        let Some(arg) = args.first() else {
            return Err(error(
                self.file,
                Some(line),
                format!(
                    "unknown key '{key}': no command has --{key}; keys are long flag names such as url, secret-file, fixtures, port, save{}",
                    self.cli
                        .get_subcommands()
                        .find_map(|s| {
                            let s = suggestion(key, s);
                            (!s.is_empty()).then_some(s)
                        })
                        .unwrap_or_default()
                ),
            ));
        };
        let scalar = |v: &DeValue<'_>| -> Option<String> {
            match v {
                DeValue::String(s) => Some(s.to_string()),
                DeValue::Integer(i) => Some(i.to_string()),
                DeValue::Float(f) => Some(f.to_string()),
                DeValue::Boolean(b) => Some(b.to_string()),
                _ => None,
            }
        };
        let mut values = match value.get_ref() {
            DeValue::Array(items) => items
                .iter()
                .map(|v| scalar(v.get_ref()))
                .collect::<Option<Vec<_>>>(),
            other => scalar(other).map(|v| vec![v]),
        }
        .ok_or_else(|| {
            error(
                self.file,
                Some(line),
                format!("{key}: use a string, number, boolean or a list of them"),
            )
        })?;
        if is_path(arg) {
            for v in &mut values {
                if v != "-" {
                    *v = self.base.join(&*v).display().to_string();
                }
            }
        }
        Ok(Setting {
            command: command.map(str::to_string),
            key: key.to_string(),
            values,
            origin: Origin {
                file: self.file.to_path_buf(),
                line,
                table: table.to_string(),
            },
        })
    }
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

fn suggestion(key: &str, cmd: &clap::Command) -> String {
    cmd.get_arguments()
        .filter_map(|a| a.get_long())
        .map(|l| (strsim::jaro(key, l), l))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, l)| format!("; did you mean '{l}'?"))
        .unwrap_or_default()
}

/// The argument a config key names: its long flag, or a positional's id (check's `url`).
pub fn find_arg<'c>(cmd: &'c clap::Command, key: &str) -> Option<&'c clap::Arg> {
    cmd.get_arguments()
        .filter(|a| !matches!(a.get_id().as_str(), "help" | "version"))
        .find(|a| match a.get_long() {
            Some(long) => long == key,
            None => a.is_positional() && a.get_id().as_str() == key,
        })
}

/// Paths in a file are relative to the file's folder.
fn is_path(arg: &clap::Arg) -> bool {
    use clap::ValueHint;
    matches!(
        arg.get_value_hint(),
        ValueHint::FilePath | ValueHint::DirPath | ValueHint::AnyPath
    ) || arg
        .get_value_names()
        .and_then(|n| n.first())
        .is_some_and(|n| matches!(n.as_str(), "FILE" | "DIR" | "PATH" | "FILE|-"))
}

impl Config {
    /// The setting in effect for `command`'s flag `key`: the last that applies.
    pub fn get(&self, command: &str, key: &str) -> Option<&Setting> {
        self.settings
            .iter()
            .rev()
            .find(|s| s.key == key && s.command.as_deref().is_none_or(|c| c == command))
    }

    /// The command-line definition with the settings as defaults. The key file is left out when
    /// `WL_HOOK_SECRET` is set (the environment beats the file).
    pub fn apply(&self, cli: clap::Command) -> clap::Command {
        if self.settings.is_empty() {
            return cli;
        }
        let names: Vec<String> = cli
            .get_subcommands()
            .map(|s| s.get_name().to_string())
            .collect();
        let mut cli = cli;
        for name in names {
            cli = cli.mut_subcommand(&name, |sub| self.apply_to(sub, &name));
        }
        cli
    }

    fn apply_to(&self, mut sub: clap::Command, command: &str) -> clap::Command {
        let secret_in_env = std::env::var_os("WL_HOOK_SECRET").is_some_and(|v| !v.is_empty());
        let ids: Vec<(String, String)> = sub
            .get_arguments()
            .filter_map(|a| {
                let key = a
                    .get_long()
                    .map(str::to_string)
                    .or_else(|| a.is_positional().then(|| a.get_id().to_string()))?;
                Some((a.get_id().to_string(), key))
            })
            .collect();
        for (id, key) in ids {
            if key == "secret-file" && secret_in_env {
                continue;
            }
            if let Some(setting) = self.get(command, &key) {
                let values = setting.values.clone();
                sub = sub.mut_arg(id, |a| a.default_values(values));
            }
        }
        let nested: Vec<String> = sub
            .get_subcommands()
            .map(|s| s.get_name().to_string())
            .collect();
        for name in nested {
            sub = sub.mut_subcommand(&name, |n| self.apply_to(n, command));
        }
        sub
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn load_text(text: &str, profile: Option<&str>) -> Result<Config, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(PROJECT_FILE);
        std::fs::write(&file, text).unwrap();
        let cli = crate::cli::Cli::command();
        load(&[file], profile, &cli).map_err(|mut e| {
            e.place = e.place.replace(&dir.path().display().to_string(), "DIR");
            e
        })
    }

    #[test]
    fn sections_beat_the_top_level_and_profiles_beat_both() {
        let text = "url = \"http://127.0.0.1:1/a\"\nsecret-file = \"key.txt\"\n\n[listen]\nport = 9100\n\n[profiles.staging]\nurl = \"http://127.0.0.1:2/b\"\n[profiles.staging.listen]\nport = 9200\n";
        let plain = load_text(text, None).unwrap();
        assert_eq!(
            plain.get("send", "url").unwrap().values,
            ["http://127.0.0.1:1/a"]
        );
        assert_eq!(plain.get("listen", "port").unwrap().values, ["9100"]);
        assert_eq!(plain.get("listen", "port").unwrap().origin.line, 5);
        assert!(plain.get("send", "port").is_none());
        // Paths are relative to the file's folder.
        assert!(plain.get("verify", "secret-file").unwrap().values[0].ends_with("/key.txt"));
        let staging = load_text(text, Some("staging")).unwrap();
        let url = staging.get("check", "url").unwrap();
        assert_eq!(url.values, ["http://127.0.0.1:2/b"]);
        assert_eq!(url.origin.table, "profiles.staging");
        assert_eq!(url.origin.line, 8);
        assert_eq!(staging.get("listen", "port").unwrap().values, ["9200"]);
    }

    #[test]
    fn bad_files_name_the_file_line_and_key() {
        let e = load_text("url = \"x\"\nurll = \"y\"\n", None).unwrap_err();
        assert_eq!(e.place, "DIR/wl-hook.toml:2");
        assert!(e.message.starts_with("unknown key 'urll'"), "{e}");
        assert!(e.message.contains("did you mean 'url'?"), "{e}");
        let e = load_text("[listen]\nprot = 1\n", None).unwrap_err();
        assert_eq!(e.place, "DIR/wl-hook.toml:2");
        assert!(e.message.contains("listen has no --prot"), "{e}");
        let e = load_text("[lisen]\nport = 1\n", None).unwrap_err();
        assert!(e.message.contains("[lisen] is not a command"), "{e}");
        let e = load_text("secret = \"k\"\n", None).unwrap_err();
        assert!(e.message.contains("a key does not belong"), "{e}");
        let e = load_text("url = \n", None).unwrap_err();
        assert_eq!(e.place, "DIR/wl-hook.toml:1");
        let e = load_text("url = \"x\"\n", Some("prod")).unwrap_err();
        assert!(e.message.starts_with("no profile 'prod'"), "{e}");
        let e = load_text("url = { a = 1 }\n", None).unwrap_err();
        assert!(e.message.contains("[url] is not a command"), "{e}");
    }
}
