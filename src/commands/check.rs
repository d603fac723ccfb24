//! `wl-hook check URL`: turn the arguments into a conformance [`Plan`], run it, and show the
//! report as a table or JSON lines, and as a JUnit file.

use std::io::Write;
use std::num::NonZeroUsize;
use std::path::PathBuf;

use anyhow::Result;

use crate::cli::CheckArgs;
use crate::commands::common;
use crate::conformance::{self, Plan, Report};
use crate::exit::{input_error, Exit};

/// How the report is shown.
struct View {
    json: bool,
    junit: Option<PathBuf>,
}

/// Everything `check` needs, checked before the first delivery.
fn plan(args: &CheckArgs) -> Result<(Plan, View)> {
    let url = common::parse_url(&args.url)?;
    let timeout = common::duration_flag("--timeout", &args.timeout)?;
    if timeout.is_zero() {
        return Err(input_error("--timeout must be more than 0"));
    }
    let burst =
        NonZeroUsize::new(args.burst).ok_or_else(|| input_error("--burst must be at least 1"))?;
    let fixtures = common::fixture_set(args.fixtures.as_deref())?;
    let events: Option<Vec<String>> = if args.topics.is_empty() {
        None
    } else {
        let chosen = fixtures
            .resolve(&args.topics)
            .map_err(|e| input_error(e.to_string()))?;
        Some(chosen.iter().map(|f| f.event.clone()).collect())
    };
    let key = common::load_key(&args.key)?;
    let mut plan = Plan::new(url, key, fixtures);
    if let Some(events) = events {
        plan.events = events;
    }
    plan.timeout = timeout;
    plan.burst = burst;
    plan.only = args.only.clone();
    plan.style = args.json_style.into();
    plan.connections = args.connections.into();
    plan.connect = common::connect(
        &args.tls,
        common::added_headers(&args.headers.headers, "check")?,
    )?;
    let view = View {
        json: args.json,
        junit: args.junit.clone(),
    };
    Ok((plan, view))
}

pub fn run(args: &CheckArgs) -> Result<Exit> {
    let (plan, view) = plan(args)?;
    let wait = args
        .wait
        .as_deref()
        .map(|w| common::duration_flag("--wait", w))
        .transpose()?;
    let rt = super::runtime()?;
    if let Some(within) = wait {
        rt.block_on(wait_for(&plan.url, within))?;
    }
    let report = rt.block_on(conformance::run(&plan))?;
    let mut out = std::io::BufWriter::new(std::io::stdout());
    show(&mut out, &report, &view)?;
    Ok(report.exit())
}

/// `--wait`: until the endpoint accepts connections, with a note when it is not there at once.
async fn wait_for(url: &reqwest::Url, within: std::time::Duration) -> Result<()> {
    let quick = std::time::Duration::from_millis(200).min(within);
    if crate::delivery::wait_until_listening(url, quick)
        .await
        .is_ok()
    {
        return Ok(());
    }
    crate::output::note(&format!(
        "waiting up to {} for {url} to accept connections (--wait)",
        crate::duration::human(within)
    ));
    crate::delivery::wait_until_listening(url, within.saturating_sub(quick))
        .await
        .map_err(|e| {
            crate::exit::failure(
                Exit::Unreachable,
                format!(
                    "{url} did not accept connections within --wait {} ({e}); is your receiver starting?",
                    crate::duration::human(within)
                ),
            )
        })
}

fn show(out: &mut impl Write, report: &Report, view: &View) -> Result<()> {
    if view.json {
        crate::output::check::json(out, report)?;
    } else {
        crate::output::check::human(out, report)?;
    }
    out.flush()?;
    if let Some(path) = &view.junit {
        let xml = crate::output::junit::report(report);
        crate::files::write_replace(path, xml.as_bytes())
            .map_err(|e| input_error(format!("--junit {}: {e}", path.display())))?;
    }
    Ok(())
}
