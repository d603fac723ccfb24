//! `wl-hook replay`: re-deliver captures with a retry schedule on a simulated clock. Only
//! `x-sent-at` changes between attempts; by default nothing waits, so three days take moments.

use anyhow::Result;
use chrono::Utc;
use rand::seq::SliceRandom;
use rand::SeedableRng;

use crate::cli::{ReplayArgs, ReplayOrder};
use crate::commands::common;
use crate::exit::{input_error, Exit};
use crate::output::replay::{self as view, ReplayView};
use crate::protocol::Secret;
use crate::replay::{self, Item, Plan, Totals};
use crate::schedule::{self, PlannedAttempt, Schedule};

fn build_schedule(args: &ReplayArgs) -> Result<(Schedule, Vec<PlannedAttempt>)> {
    let policy = schedule::parse_policy(&args.schedule)
        .map_err(|e| input_error(format!("--schedule: {e}")))?;
    let schedule = Schedule {
        policy,
        max_attempts: args.max_attempts,
        jitter_pct: args.jitter,
        seed: args.seed,
    };
    let attempts = schedule
        .attempts()
        .map_err(|e| input_error(e.to_string()))?;
    Ok((schedule, attempts))
}

fn load_items(
    args: &ReplayArgs,
    key: Option<(&Secret, &crate::protocol::Fidelity)>,
) -> Result<Vec<Item>> {
    let mut items = Vec::new();
    for input in common::inputs(&args.captures) {
        let named = |e: &dyn std::fmt::Display| input_error(format!("{}: {e}", input.name));
        let bytes = input.read().map_err(|e| named(&e))?.into();
        let req = match crate::capture::parse_bytes(&input.name, &bytes) {
            Ok(req) => req,
            // Several capture documents, one per line: each is a capture, FILE:LINE. They
            // stay in memory (the file is read once).
            Err(e) => {
                let docs = crate::capture::json_lines(&bytes).ok_or_else(|| named(&e))?;
                for (line, doc) in docs {
                    let name = format!("{}:{line}", input.name);
                    let named = |e: &dyn std::fmt::Display| input_error(format!("{name}: {e}"));
                    let req = crate::capture::parse_input(&name, doc)
                        .and_then(crate::capture::Request::with_body)
                        .map_err(|e| named(&e))?;
                    items.push(Item::new(name.clone(), req, key).map_err(|e| named(&e))?);
                }
                continue;
            }
        };
        let req = req.with_body().map_err(|e| named(&e))?;
        let mut item = Item::new(input.name.clone(), req, key).map_err(|e| named(&e))?;
        // Every input is checked before anything is sent, but its body is read again when its
        // turn comes (all but stdin's): memory for the largest capture, not for all of them.
        if input.path().is_some() {
            item.read_later(input);
        }
        items.push(item);
    }
    match args.order {
        ReplayOrder::Given => {}
        // Stable: captures without a readable x-generated-at keep their order, last.
        ReplayOrder::Generated => items.sort_by_key(|i| (i.generated_at.is_none(), i.generated_at)),
        ReplayOrder::Shuffle => {
            let mut rng = match args.seed {
                Some(s) => rand::rngs::StdRng::seed_from_u64(s),
                None => rand::rngs::StdRng::from_os_rng(),
            };
            items.shuffle(&mut rng);
        }
    }
    Ok(items)
}

/// The checked plan for `args`.
fn plan(args: &ReplayArgs) -> Result<Plan> {
    let (schedule, attempts) = build_schedule(args)?;
    let url = common::parse_url(&args.url)?;
    let timeout = common::duration_flag("--timeout", &args.timeout)?;
    if timeout.is_zero() {
        return Err(input_error("--timeout must be more than 0"));
    }
    let speed = match (args.speed, args.realtime) {
        (_, true) => Some(1.0),
        (Some(x), _) if (0.001..=1e9).contains(&x) => Some(x),
        (Some(_), _) => {
            return Err(input_error(
                "--speed must be between 0.001 and 1000000000, e.g. 3600",
            ))
        }
        (None, false) => None,
    };
    let start = match &args.start {
        Some(v) => common::parse_time("--start", v)?,
        None => Utc::now(),
    };
    let key = if args.resign {
        Some(common::load_key(&args.key)?)
    } else {
        None
    };
    let connect = common::connect(
        &args.tls,
        common::added_headers(&args.headers.headers, "replay")?,
    )?;
    let fidelity = common::fidelity(&args.fidelity)?;
    let items = load_items(args, key.as_ref().map(|k| (k, &fidelity)))?;
    Ok(Plan {
        url,
        schedule,
        attempts,
        start,
        speed,
        duplicates: args.duplicates,
        resigned: args.resign,
        timeout,
        items,
        connect,
        timestamp: fidelity.timestamp,
    })
}

pub fn run(args: &ReplayArgs) -> Result<Exit> {
    if args.print_schedule {
        let (schedule, attempts) = build_schedule(args)?;
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        view::schedule(&mut out, args.json.json, &schedule, &attempts)?;
        return Ok(Exit::Ok);
    }
    let plan = plan(args)?;
    super::runtime()?.block_on(async {
        let mut out = std::io::BufWriter::new(std::io::stdout());
        let mut view = ReplayView::new(&mut out, args.json.json, &plan);
        // The summary comes last even when a capture stops the replay partway.
        let (totals, stopped) = replay::run_counted(&plan, &mut view).await;
        view.summary(&totals)?;
        stopped?;
        Ok(exit(&totals))
    })
}

/// 0 when every capture was delivered and every duplicate acknowledged, 3 when nothing reached
/// the endpoint, else 1.
pub fn exit(t: &Totals) -> Exit {
    if t.gave_up == 0 && t.duplicates_not_acknowledged == 0 {
        Exit::Ok
    } else if !t.reached_any {
        Exit::Unreachable
    } else {
        Exit::Negative
    }
}
