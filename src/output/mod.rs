//! Everything about showing results: the colour decision (made once), semantic styles, and
//! sanitising text that came from the network before it reaches a terminal.

pub mod background;
pub mod check;
pub mod config;
pub mod demo;
pub mod fixtures;
pub mod handover;
pub mod init;
pub mod inspector;
pub mod junit;
pub mod listen;
pub mod replay;
pub mod request;
pub mod sanitize;
pub mod send;
#[cfg(test)]
pub(crate) mod testing;
pub mod verify;

use std::io::IsTerminal;

use colored::{ColoredString, Colorize};

pub use sanitize::sanitize;

/// Whether to colour: decided from the environment, or forced either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Decide once whether stdout gets colour, from the flag, `NO_COLOR`, `CLICOLOR_FORCE`,
/// `TERM=dumb` and whether stdout is a terminal; then set it on `colored` for the whole run.
pub fn init_color(choice: ColorChoice) -> bool {
    let env = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    let on = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if env("NO_COLOR").is_some() {
                false
            } else if env("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
                true
            } else if env("TERM").is_some_and(|t| t == "dumb") {
                false
            } else {
                std::io::stdout().is_terminal()
            }
        }
    };
    colored::control::set_override(on);
    on
}

/// Success.
pub fn ok(s: &str) -> ColoredString {
    s.green().bold()
}

/// Failure.
pub fn bad(s: &str) -> ColoredString {
    s.red().bold()
}

/// Something to look at, not a failure.
pub fn warn(s: &str) -> ColoredString {
    s.yellow().bold()
}

/// Secondary detail.
pub fn dim(s: &str) -> ColoredString {
    s.dimmed()
}

/// Names and headings.
pub fn strong(s: &str) -> ColoredString {
    s.bold()
}

/// The first 8 hex digits of a payload key, as shown next to a delivery.
pub fn short_key(key: &str) -> &str {
    key.get(..8).unwrap_or(key)
}

/// One JSON object and a newline: the form of every `--json` line.
pub fn json_line(
    out: &mut impl std::io::Write,
    value: &impl serde::Serialize,
) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")
}

/// A one-line note on stderr (`wl-hook: note: …`): something the user should know, not a failure.
pub fn note(text: &str) {
    to_stderr("note", text);
}

/// A one-line warning on stderr (`wl-hook: warning: …`).
pub fn warning(text: &str) {
    to_stderr("warning", text);
}

/// The error a command ends with, on stderr (`wl-hook: error: …`).
pub fn error(text: &str) {
    to_stderr("error", text);
}

/// `wl-hook: KIND: TEXT` on stderr. The text may quote a capture, a file name or an answer, so
/// its control characters are escaped (lines are kept); a stderr that cannot be written to is
/// left alone (`eprintln!` would panic, and with nowhere to say why, the process would abort).
fn to_stderr(kind: &str, text: &str) {
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr().lock(),
        "wl-hook: {kind}: {}",
        sanitize::sanitize_with(text, true)
    );
}

/// Bytes written to stdout as they are (a completion script, a manual page, a help overview).
pub fn raw(bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(bytes)?;
    stdout.flush()
}

/// A header value that is not UTF-8, as `--json` lines give it (`non_utf8_headers`): its name
/// and its exact bytes in base64.
#[derive(serde::Serialize)]
pub struct NonUtf8Header<'a> {
    pub name: &'a str,
    pub value_base64: String,
}

impl<'a> NonUtf8Header<'a> {
    /// The values among `headers` (exact bytes) that are not UTF-8; usually none.
    pub fn of(headers: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> Vec<NonUtf8Header<'a>> {
        use base64::Engine;
        headers
            .into_iter()
            .filter(|(_, v)| std::str::from_utf8(v).is_err())
            .map(|(name, v)| NonUtf8Header {
                name,
                value_base64: base64::engine::general_purpose::STANDARD.encode(v),
            })
            .collect()
    }
}

/// The human view's line for a header value that is not UTF-8: `name: value`, the bytes that
/// are not UTF-8 escaped (`caf\xe9`), never sent raw to the terminal.
pub fn non_utf8_line(name: &str, value: &[u8]) -> String {
    format!(
        "{}: {} (not UTF-8; kept exactly)",
        sanitize(name),
        sanitize::sanitize_bytes(value, false)
    )
}
