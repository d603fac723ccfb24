//! `wl-hook fixtures list|show|export`.

use std::io::Write;
use std::path::Path;

use anyhow::Result;

use crate::cli::{FixturesCommand, RenderArgs};
use crate::commands::common;
use crate::exit::{input_error, Exit};
use crate::fixture::Renderer;
use crate::output::fixtures as view;

pub fn run(cmd: &FixturesCommand) -> Result<Exit> {
    match cmd {
        FixturesCommand::List { json, fixtures } => list(json.json, fixtures.dir.as_deref()),
        FixturesCommand::Show {
            topics,
            raw,
            render,
        } => show(topics, *raw, render),
        FixturesCommand::Export {
            dir,
            force,
            fixtures,
        } => export(dir, *force, fixtures.dir.as_deref()),
        FixturesCommand::Import {
            capture,
            name,
            dir,
            seed,
            no_redact,
            force,
        } => import(capture, name, dir, *seed, *no_redact, *force),
    }
}

fn list(as_json: bool, dir: Option<&Path>) -> Result<Exit> {
    let set = common::fixture_set(dir)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    view::list(&mut out, as_json, set.iter())?;
    Ok(Exit::Ok)
}

fn show(words: &[String], raw: bool, render: &RenderArgs) -> Result<Exit> {
    let set = common::fixture_set(render.fixtures.dir.as_deref())?;
    let found = set.resolve(words).map_err(|e| input_error(e.to_string()))?;
    let overrides = common::overrides(render)?;
    let now = common::now(render)?;
    let mut renderer = Renderer::new(render.seed, render.exact, now, overrides);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for f in found {
        if raw {
            view::body(&mut out, &f.raw, true)?;
            continue;
        }
        let r = renderer
            .render(&f.event, &f.value)
            .map_err(|e| input_error(e.to_string()))?;
        view::body(&mut out, &r.body, false)?;
    }
    out.flush()?;
    Ok(Exit::Ok)
}

fn export(dir: &Path, force: bool, fixtures: Option<&Path>) -> Result<Exit> {
    let set = common::fixture_set(fixtures)?;
    let targets: Vec<_> = set
        .iter()
        .map(|f| (dir.join(format!("{}.json", f.event)), f))
        .collect();
    // A file that already holds what export would write is no conflict; one that differs holds
    // someone's edits or an imported fixture, which --force would lose.
    let differing: Vec<String> = targets
        .iter()
        .filter(|(p, f)| std::fs::read(p).is_ok_and(|old| old[..] != f.raw[..]))
        .map(|(p, _)| p.display().to_string())
        .collect();
    if !differing.is_empty() {
        let list = differing.join(", ");
        if !force {
            return Err(input_error(format!(
                "{} file(s) in {} differ from what export would write ({list}): edited or \
                 imported fixtures that --force would replace; to keep them, export with \
                 --fixtures {} (your files stay in effect) or into another folder",
                differing.len(),
                dir.display(),
                dir.display(),
            )));
        }
        crate::output::warning(&format!(
            "--force: replacing {} file(s) that differed from the fixtures in effect: {list}",
            differing.len()
        ));
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| input_error(format!("cannot create {}: {e}", dir.display())))?;
    for (path, f) in &targets {
        crate::files::write_replace(path, &f.raw)
            .map_err(|e| input_error(format!("cannot write {}: {e}", path.display())))?;
    }
    view::exported(&mut std::io::stdout(), targets.len(), dir)?;
    Ok(Exit::Ok)
}

/// An event name usable as a file name: `resource.operation`, lower-case letters, digits, `_`, `-`.
fn valid_event_name(name: &str) -> bool {
    let ok_part = |p: &str| {
        !p.is_empty()
            && p.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
    };
    matches!(name.split_once('.'), Some((a, b)) if ok_part(a) && ok_part(b))
}

fn import(
    capture: &str,
    name: &str,
    dir: &Path,
    seed: u64,
    no_redact: bool,
    force: bool,
) -> Result<Exit> {
    if !valid_event_name(name) {
        return Err(input_error(format!(
            "--name {name}: use an event name like client.created (lower-case resource.operation)"
        )));
    }
    let input = common::inputs(&[capture.to_string()])
        .pop()
        .ok_or_else(|| input_error(format!("{capture}: nothing to read")))?;
    let bytes = input
        .read()
        .map_err(|e| input_error(format!("{capture}: {e}")))?;
    let req = crate::capture::parse_input(capture, &bytes)
        .and_then(crate::capture::Request::with_body)
        .map_err(|e| input_error(format!("{capture}: {e}")))?;
    let mut value: serde_json::Value = serde_json::from_slice(&req.body).map_err(|e| {
        input_error(format!(
            "{capture}: the body is not JSON ({e}); a fixture must be a JSON object"
        ))
    })?;
    if !value.is_object() {
        return Err(input_error(format!(
            "{capture}: the body is not a JSON object; a fixture must be one"
        )));
    }
    let target = dir.join(format!("{name}.json"));
    if target.exists() && !force {
        return Err(input_error(format!(
            "{} already exists; pass --force to overwrite",
            target.display()
        )));
    }
    let replaced = if no_redact {
        crate::output::warning("--no-redact keeps every personal value of the capture; do not share or commit this fixture");
        Vec::new()
    } else {
        crate::redact::redact(&mut value, seed)
    };
    let mut text = serde_json::to_string_pretty(&value)?;
    text.push('\n');
    std::fs::create_dir_all(dir)
        .map_err(|e| input_error(format!("cannot create {}: {e}", dir.display())))?;
    crate::files::write_replace(&target, text.as_bytes())
        .map_err(|e| input_error(format!("cannot write {}: {e}", target.display())))?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let replaced = (!no_redact).then_some(replaced.as_slice());
    view::imported(&mut out, replaced, &target, dir)?;
    Ok(Exit::Ok)
}
