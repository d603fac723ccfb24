//! `wl-hook verify`: check captured requests and explain why each does or does not verify.

use std::io::Write;

use anyhow::Result;
use serde_json::json;

use crate::cli::VerifyArgs;
use crate::commands::common;
use crate::exit::{input_error, Exit};
use crate::output::{bad, dim, ok, sanitize, strong, warn};
use crate::protocol::Secret;
use crate::verify::{self, CheckOptions, NamedKey, Report, Status};

/// The keys to try, each named by where it came from.
fn keys(args: &VerifyArgs) -> Result<Vec<NamedKey>> {
    let mut keys = Vec::new();
    for (i, s) in args.secrets.iter().enumerate() {
        let label = format!("--secret #{}", i + 1);
        let key = Secret::new(s.as_bytes().to_vec())
            .ok_or_else(|| input_error(format!("{label} is empty")))?;
        keys.push(NamedKey { label, key });
    }
    for path in &args.secret_files {
        let mut bytes = std::fs::read(path).map_err(|e| {
            input_error(format!(
                "cannot read key file {}: {e}; check --secret-file",
                path.display()
            ))
        })?;
        common::trim_one_newline(&mut bytes);
        let label = format!("--secret-file {}", path.display());
        let key = Secret::new(bytes).ok_or_else(|| input_error(format!("{label} is empty")))?;
        keys.push(NamedKey { label, key });
    }
    if let Some(v) = std::env::var_os("WL_HOOK_SECRET") {
        let key = Secret::new(v.into_encoded_bytes())
            .ok_or_else(|| input_error("WL_HOOK_SECRET is empty"))?;
        keys.push(NamedKey {
            label: "WL_HOOK_SECRET".into(),
            key,
        });
    }
    if keys.is_empty() && !args.quiet {
        eprintln!(
            "wl-hook: note: no key given; checking with the development key '{}' (pass --secret or --secret-file, or set WL_HOOK_SECRET)",
            crate::protocol::DEV_KEY
        );
    }
    Ok(keys)
}

pub fn run(args: &VerifyArgs) -> Result<Exit> {
    let keys = keys(args)?;
    let now = match &args.now {
        Some(v) => common::parse_time("--now", v)?,
        None => chrono::Utc::now(),
    };
    let to_chrono =
        |d: std::time::Duration| chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX);
    let max_age = args
        .max_age
        .as_deref()
        .map(|v| common::duration_flag("--max-age", v))
        .transpose()?
        .map(to_chrono);
    let skew = to_chrono(common::duration_flag("--skew", &args.skew)?);
    let opts = CheckOptions {
        now,
        max_age,
        skew,
        show_expected: args.show_expected,
    };

    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut exit = Exit::Ok;
    for input in common::read_inputs(&args.inputs) {
        let parsed = input
            .bytes
            .and_then(|b| verify::parse_bytes(&input.name, &b.into()).map_err(|e| e.to_string()));
        let req = match parsed {
            Ok(r) => r,
            Err(e) => {
                exit = exit.worst(Exit::Input);
                if args.json {
                    writeln!(
                        out,
                        "{}",
                        json!({"input": input.name, "valid": false, "error": e})
                    )?;
                } else if !args.quiet {
                    writeln!(
                        out,
                        "{} {}  {}",
                        bad("✗"),
                        strong(&sanitize(&input.name)),
                        bad(&format!("unreadable: {e}"))
                    )?;
                    writeln!(out)?;
                }
                continue;
            }
        };
        let report = verify::check(&req, &keys, &opts);
        if !report.valid {
            exit = exit.worst(Exit::Negative);
        }
        if args.json {
            let mut obj = json!({
                "input": input.name,
                "valid": report.valid,
                "checks": report.checks,
                "diagnosis": report.diagnosis,
                "matched_key": report.matched_key,
                "body_form": req.body_form.to_string(),
            });
            if args.show_expected {
                obj["expected_signature"] = json!(report.expected_signature);
            }
            writeln!(out, "{obj}")?;
        } else if !args.quiet {
            write_block(&mut out, &input.name, &report, &req)?;
        }
    }
    out.flush()?;
    Ok(exit)
}

fn write_block(
    out: &mut impl Write,
    name: &str,
    report: &Report,
    req: &verify::Request,
) -> std::io::Result<()> {
    let verdict = if report.valid {
        ok("✓ valid")
    } else {
        bad("✗ invalid")
    };
    let key = report
        .matched_key
        .as_deref()
        .map(|k| format!(" (key {k})"))
        .unwrap_or_default();
    writeln!(out, "{} {}{}", verdict, strong(&sanitize(name)), dim(&key))?;
    if !req.body_form.is_exact() {
        writeln!(
            out,
            "  {}",
            warn(&format!(
                "the exact bytes are unknown: checked {}",
                req.body_form
            ))
        )?;
    }
    for c in &report.checks {
        let mark = match c.status {
            Status::Pass => ok("✓"),
            Status::Fail => bad("✗"),
            Status::Warn => warn("!"),
            Status::Skip => dim("-"),
        };
        writeln!(out, "  {mark} {:<14} {}", c.name, sanitize(&c.detail))?;
    }
    if !report.diagnosis.is_empty() {
        writeln!(out, "  {}", strong("diagnosis:"))?;
        for d in &report.diagnosis {
            writeln!(out, "    → {}", sanitize(d))?;
        }
    }
    if let Some(sig) = &report.expected_signature {
        writeln!(out, "  {} {sig}", dim("expected x-signature-256:"))?;
    }
    writeln!(out)
}
