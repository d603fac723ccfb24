//! `wl-hook verify`: check captured requests and explain why each does or does not verify.

use anyhow::Result;

use crate::capture;
use crate::cli::VerifyArgs;
use crate::commands::common;
use crate::exit::Exit;
use crate::judge::{self, CheckOptions};
use crate::output::verify::{Mode, VerifyView};

pub fn run(args: &VerifyArgs) -> Result<Exit> {
    let keys = common::load_keys(&args.keys.secrets, &args.keys.secret_files)?;
    if keys.is_empty() && !args.quiet {
        crate::output::note(&format!(
            "no key given; checking with the development key '{}' (pass --secret or --secret-file, or set WL_HOOK_SECRET)",
            crate::protocol::DEV_KEY
        ));
    }
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
        strict: args.strict,
        fidelity: common::fidelity(&args.fidelity)?,
        ..CheckOptions::at(now)
    };
    let mode = if args.json {
        Mode::Json
    } else if args.quiet {
        Mode::Quiet
    } else {
        Mode::Human
    };

    let mut view = VerifyView::new(std::io::BufWriter::new(std::io::stdout().lock()), mode);
    let mut exit = Exit::Ok;
    // One input in memory at a time.
    for input in common::inputs(&args.inputs) {
        let parsed = input
            .read()
            .and_then(|b| capture::parse_bytes(&input.name, &b.into()).map_err(|e| e.to_string()));
        match parsed {
            Ok(req) => {
                let report = judge::check(&req, &keys, &opts);
                if !report.valid {
                    exit = exit.worst(Exit::Negative);
                }
                view.report(&input.name, &req, &report)?;
            }
            Err(e) => {
                exit = exit.worst(Exit::Input);
                view.unreadable(&input.name, &e)?;
            }
        }
    }
    view.finish()?;
    Ok(exit)
}
