//! The view of `wl-hook fixtures`: the fixture table (or `fixture` JSON lines), rendered and raw
//! fixtures, and what `export` and `import` wrote.

use std::io::{self, Write};
use std::path::Path;

use serde::Serialize;

use super::{dim, sanitize, strong};
use crate::fixture::{Fixture, Origin};
use crate::protocol::topics;
use crate::redact::Replacement;

/// `{"type":"fixture",...}`: one fixture in effect.
#[derive(Serialize)]
#[serde(tag = "type", rename = "fixture")]
struct FixtureLine<'a> {
    event: &'a str,
    family: Option<&'static str>,
    seed_name: Option<&'static str>,
    aliases: &'static [&'static str],
    record_id: Option<&'static str>,
    source: String,
}

fn source(f: &Fixture) -> String {
    match &f.origin {
        Origin::Builtin => "builtin".to_string(),
        Origin::File(p) => p.display().to_string(),
    }
}

/// `fixtures list`.
pub fn list<'a>(
    out: &mut impl Write,
    json: bool,
    fixtures: impl Iterator<Item = &'a Fixture>,
) -> io::Result<()> {
    if !json {
        let head = format!(
            "{:<22} {:<12} {:<15} {:<28} RECORD ID",
            "EVENT", "FAMILY", "SEED NAME", "ALIASES"
        );
        writeln!(out, "{}", strong(&head))?;
    }
    for f in fixtures {
        let event = topics::event(&f.event);
        let family = event.map(|e| e.family);
        let line = FixtureLine {
            event: &f.event,
            family: family.map(|x| x.resource()),
            seed_name: family.map(|x| x.seed_name()),
            aliases: family.map(|x| x.aliases()).unwrap_or(&[]),
            record_id: event.map(|e| e.record_id_field()),
            source: source(f),
        };
        if json {
            super::json_line(out, &line)?;
            continue;
        }
        let note = match &f.origin {
            Origin::Builtin => String::new(),
            Origin::File(_) => format!("  {}", dim(&format!("(from {})", sanitize(&line.source)))),
        };
        let aliases = line.aliases.join(", ");
        let dash = |s: &str| {
            if s.is_empty() {
                "-".to_string()
            } else {
                s.to_string()
            }
        };
        writeln!(
            out,
            "{:<22} {:<12} {:<15} {:<28} {}{}",
            sanitize(line.event),
            line.family.unwrap_or("-"),
            line.seed_name.unwrap_or("-"),
            dash(&aliases),
            dash(line.record_id.unwrap_or_default()),
            note
        )?;
    }
    out.flush()
}

/// `fixtures show`: a body as pretty JSON (or, with `--raw`, the stored bytes exactly).
pub fn body(out: &mut impl Write, bytes: &[u8], raw: bool) -> io::Result<()> {
    if raw {
        out.write_all(bytes)?;
        if !bytes.ends_with(b"\n") {
            writeln!(out)?;
        }
        return Ok(());
    }
    let value: serde_json::Value = serde_json::from_slice(bytes)?;
    serde_json::to_writer_pretty(&mut *out, &value)?;
    writeln!(out)
}

/// `fixtures export`.
pub fn exported(out: &mut impl Write, count: usize, dir: &Path) -> io::Result<()> {
    writeln!(out, "Wrote {count} fixtures to {}", dir.display())?;
    out.flush()
}

/// `fixtures import`: what was replaced (unless `--no-redact`) and where the fixture went.
pub fn imported(
    out: &mut impl Write,
    replaced: Option<&[Replacement]>,
    target: &Path,
    dir: &Path,
) -> io::Result<()> {
    if let Some(replaced) = replaced {
        writeln!(out, "Replaced {} personal values:", replaced.len())?;
        for r in replaced {
            writeln!(out, "  {:<40} {}", sanitize(&r.path), dim(r.kind.as_str()))?;
        }
    }
    let (target, dir) = (target.display(), dir.display());
    writeln!(out, "Wrote {target} (use it with --fixtures {dir})")?;
    out.flush()
}
