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
    let fixtures = common::fixture_set(args.fixtures.dir.as_deref())?;
    let events: Option<Vec<String>> = if args.topics.is_empty() {
        None
    } else {
        let chosen = fixtures
            .resolve(&args.topics)
            .map_err(|e| input_error(e.to_string()))?;
        Some(chosen.iter().map(|f| f.event.clone()).collect())
    };
    // Every scenario signs with the first key; accepts also signs with each further one.
    let mut keys = common::load_keys(&args.keys.secrets, &args.keys.secret_files)?;
    if keys.is_empty() {
        keys.push(crate::judge::NamedKey {
            label: "the development key".into(),
            key: common::load_key(&crate::cli::KeyArgs::default())?,
        });
    }
    let first = keys.remove(0);
    let mut plan = Plan::new(url, first.key, fixtures);
    plan.key_label = first.label;
    plan.more_keys = keys;
    plan.fidelity = common::fidelity(&args.fidelity)?;
    plan.strict = args.strict;
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
        json: args.json.json,
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
    let started_at = (plan.now)();
    let started = std::time::Instant::now();
    let run = async {
        if let Some(within) = wait {
            wait_for(&plan.url, within).await?;
        }
        run_with_progress(&plan).await
    };
    let report = match super::runtime()?.block_on(run) {
        Ok(report) => report,
        Err(e) => {
            // CI reads the JUnit file whatever happened: an endpoint that cannot be reached is
            // one failed testcase there too.
            if let (Some(path), Exit::Unreachable) = (&view.junit, crate::exit::code_of(&e)) {
                let report = Report {
                    url: plan.url.clone(),
                    results: vec![conformance::ScenarioResult {
                        scenario: plan.first_scenario(),
                        verdict: conformance::Verdict::Fail,
                        reason: e.to_string(),
                        blocked_by: None,
                        max_latency: None,
                        deliveries: 0,
                        elapsed: started.elapsed(),
                    }],
                    started_at,
                    elapsed: started.elapsed(),
                };
                write_junit(path, &report)?;
            }
            return Err(e);
        }
    };
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

/// Run the plan, with progress lines on stderr once the run has lasted more than a moment: a
/// CI log then shows that a long run is alive, and where it is.
async fn run_with_progress(plan: &Plan) -> Result<Report> {
    let progress = std::cell::RefCell::new(crate::output::check::Progress::new(
        std::time::Instant::now(),
    ));
    let run = conformance::run_observed(plan, |step| progress.borrow_mut().step(step));
    tokio::pin!(run);
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
    loop {
        tokio::select! {
            report = &mut run => return report,
            _ = tick.tick() => progress.borrow_mut().tick(),
        }
    }
}

fn write_junit(path: &std::path::Path, report: &Report) -> Result<()> {
    let xml = crate::output::junit::report(report);
    crate::files::write_replace(path, xml.as_bytes())
        .map_err(|e| input_error(format!("--junit {}: {e}", path.display())))
}

fn show(out: &mut impl Write, report: &Report, view: &View) -> Result<()> {
    let printed = if view.json {
        crate::output::check::json(out, report)
    } else {
        crate::output::check::human(out, report)
    }
    .and_then(|()| out.flush());
    // CI reads the JUnit file whatever happened, a stdout nobody reads included.
    if let Some(path) = &view.junit {
        write_junit(path, report)?;
    }
    Ok(printed?)
}
