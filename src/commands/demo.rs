//! `wl-hook demo`: the whole flow on this machine in a few seconds, with nothing to set up:
//! an in-process listener on a free loopback port, every event sent to it and shown, the saved
//! captures verified, one replayed against a receiver that fails three times, and the
//! conformance suite run against the listener. Everything it writes lives in a temporary folder
//! that is removed at the end.

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use bytes::Bytes;

use tokio::sync::{mpsc, watch};

use crate::cli::DemoArgs;
use crate::commands::{listen, replay};
use crate::conformance;
use crate::delivery::{self, ClientOptions};
use crate::exit::Exit;
use crate::fixture::{FixtureSet, Renderer};
use crate::output::demo::{DemoView, Summary as DemoSummary};
use crate::output::listen::{BodyMode, ListenView};
use crate::protocol::{self, Secret};
use crate::server::receiver::{Event, Receiver, ReceiverConfig};
use crate::server::{self, Limits};

/// A listener running inside this process.
struct InProcess {
    url: String,
    events: mpsc::Receiver<Event>,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<bool>,
}

impl InProcess {
    async fn start(config: ReceiverConfig) -> Result<InProcess> {
        let listener = server::bind("127.0.0.1", 0).await?;
        let url = format!("http://{}", listener.local_addr()?);
        let (tx, events) = mpsc::channel(4096);
        let receiver = Arc::new(Receiver::new(config, tx)?);
        let (stop, stop_rx) = watch::channel(false);
        let limits = Limits {
            drain_timeout: Duration::from_secs(2),
            ..Limits::default()
        };
        let task = listen::serve_receiver(listener, limits, receiver, stop_rx);
        Ok(InProcess {
            url,
            events,
            stop,
            task,
        })
    }

    fn hook_url(&self) -> String {
        format!("{}/webhooks", self.url)
    }

    /// Stop accepting, wait for the server to finish, and drop whatever is still queued.
    async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        self.events.close();
        let _ = self.task.await;
    }
}

fn receiver_config(
    key: &Secret,
    save_dir: Option<std::path::PathBuf>,
    fail_first: u32,
) -> ReceiverConfig {
    ReceiverConfig {
        keys: vec![crate::judge::NamedKey {
            label: "the development key".into(),
            key: key.clone(),
        }],
        verify: true,
        strict: false,
        fidelity: Default::default(),
        status: 200,
        max_body: 1024 * 1024,
        body_timeout: Duration::from_secs(10),
        fail_first,
        fail_rate: 0.0,
        fail: Default::default(),
        events: None,
        seed: None,
        delay: Duration::ZERO,
        save_dir,
        forward: None,
        now: chrono::Utc::now,
    }
}

pub fn run(args: &DemoArgs) -> Result<Exit> {
    super::runtime()?.block_on(async {
        let mut out = std::io::BufWriter::new(std::io::stdout());
        demo(args.json.json, &mut out).await
    })
}

/// The demo itself, writing to `out`. Long because it is a script: each step (listen, send,
/// verify, replay, check) is a few library calls and its output, read top to bottom.
pub async fn demo(json: bool, out: &mut impl Write) -> Result<Exit> {
    let started = Instant::now();
    let workdir = tempfile::Builder::new().prefix("wl-hook-demo-").tempdir()?;
    let captures = workdir.path().join("captures");
    std::fs::create_dir_all(&captures)?;
    let key = protocol::dev_secret();
    let view = ListenView {
        json,
        body: BodyMode::Summary,
    };
    let mut steps = DemoView { out, json };
    steps.banner(workdir.path())?;

    // 1. A listener, saving captures.
    let mut listener = InProcess::start(receiver_config(&key, Some(captures.clone()), 0)).await?;
    steps.step(
        1,
        "listen",
        &format!(
            "a receiver on {} that verifies with the development key and saves captures",
            listener.url
        ),
    )?;
    steps.listening(&listener.url)?;

    // 2. Every event, signed, shown as the listener sees it.
    steps.step(
        2,
        "send",
        "all 13 events, each a fresh event signed with the development key",
    )?;
    let client = delivery::build_client(&ClientOptions {
        timeout: Duration::from_secs(5),
        max_idle_per_host: 0,
        urls: vec![reqwest::Url::parse(&listener.hook_url())?],
        connect: Default::default(),
    })?;
    let fixtures = FixtureSet::builtin();
    let mut renderer = Renderer::new(None, false, chrono::Utc::now(), Vec::new());
    let url = reqwest::Url::parse(&listener.hook_url())?;
    let mut received = 0u32;
    for event in protocol::EVENTS.iter() {
        let fixture = fixtures
            .get(event.name)
            .ok_or_else(|| anyhow::anyhow!("no fixture for {}", event.name))?;
        let r = renderer.render(event.name, &fixture.value)?;
        let headers = protocol::build_headers(
            &protocol::Fidelity::default(),
            event.name,
            &r.body,
            &key,
            r.generated_at,
            chrono::Utc::now(),
        );
        let outcome = delivery::deliver(
            &client,
            &url,
            delivery::header_map(&headers)?,
            Bytes::from(r.body),
            Duration::from_secs(5),
        )
        .await;
        if let Some(Event::Request(rec)) = listener.events.recv().await {
            view.write_request(steps.out, &rec)?;
            if rec.signature.trusted() && outcome.accepted() && rec.saved_to.is_some() {
                received += 1;
            }
        }
    }

    // 3. Verify what was saved.
    steps.step(
        3,
        "verify",
        "the saved captures, each read back from disk and checked",
    )?;
    let mut files: Vec<_> = std::fs::read_dir(&captures)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    let keys = [crate::judge::NamedKey {
        label: "the development key".into(),
        key: key.clone(),
    }];
    let opts = crate::judge::CheckOptions::at(chrono::Utc::now());
    let mut verified = 0u32;
    for f in &files {
        let name = f
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("?")
            .to_string();
        let report = std::fs::read(f)
            .map_err(anyhow::Error::from)
            .and_then(|b| crate::capture::parse_input(&name, &b).map_err(anyhow::Error::from))
            .map(|req| crate::judge::check(&req, &keys, &opts));
        let valid = report.as_ref().is_ok_and(|r| r.valid);
        verified += u32::from(valid);
        steps.verified(&name, valid)?;
    }

    // 4. Replay one capture against a receiver that fails the first 3 attempts.
    let flaky = InProcess::start(receiver_config(&key, None, 3)).await?;
    let chosen = files
        .iter()
        .find(|f| f.to_string_lossy().contains("purchase.created"))
        .or(files.first())
        .cloned();
    steps.step(4, "replay", &format!("one capture against a receiver ({}) that answers 500 to the first 3 attempts, on a simulated clock", flaky.url))?;
    let mut delivered_on = None;
    if let Some(capture) = chosen {
        let name = capture.display().to_string();
        let bytes = std::fs::read(&capture)?;
        let req = crate::capture::parse_input(&name, &bytes)?.with_body()?;
        let schedule = crate::schedule::Schedule {
            policy: crate::schedule::parse_policy("wellnessliving").map_err(anyhow::Error::msg)?,
            max_attempts: None,
            jitter_pct: 0.0,
            seed: None,
        };
        let plan = crate::replay::Plan {
            url: reqwest::Url::parse(&flaky.hook_url())?,
            attempts: schedule.attempts()?,
            schedule,
            start: chrono::Utc::now(),
            speed: None,
            duplicates: 0,
            resigned: false,
            timeout: Duration::from_secs(5),
            items: vec![crate::replay::Item::new(name, req, None)?],
            connect: Default::default(),
            timestamp: Default::default(),
        };
        let mut view = crate::output::replay::ReplayView::new(&mut *steps.out, json, &plan);
        let totals = crate::replay::run(&plan, &mut view).await?;
        view.summary(&totals)?;
        let exit = replay::exit(&totals);
        delivered_on = (exit == Exit::Ok).then_some(4);
    }
    flaky.shutdown().await;

    // 5. The conformance suite against the demo listener.
    steps.step(
        5,
        "check",
        "the conformance suite against the demo receiver",
    )?;
    // The listener's own output would interleave with check's table: read and drop it meanwhile.
    let InProcess {
        events: mut listener_events,
        stop,
        task,
        ..
    } = listener;
    let drain = tokio::spawn(async move { while listener_events.recv().await.is_some() {} });
    let check_url = format!(
        "{}/webhooks",
        url.as_str()
            .trim_end_matches("/webhooks")
            .trim_end_matches('/')
    );
    let check_plan = conformance::Plan {
        timeout: Duration::from_secs(5),
        ..conformance::Plan::new(
            crate::commands::common::parse_url(&check_url)?,
            protocol::dev_secret(),
            FixtureSet::builtin(),
        )
    };
    let report = conformance::run(&check_plan).await?;
    if json {
        crate::output::check::json(steps.out, &report)?;
    } else {
        crate::output::check::human(steps.out, &report)?;
    }
    steps.out.flush()?;
    let check_exit = report.exit();
    let _ = stop.send(true);
    let _ = task.await;
    drain.abort();

    let summary = DemoSummary {
        sent: 13,
        received,
        verified,
        replay_delivered: delivered_on.is_some(),
        check_passed: check_exit == Exit::Ok,
        elapsed: started.elapsed(),
    };
    steps.summary(&summary)?;
    drop(workdir);
    Ok(if summary.ok() {
        Exit::Ok
    } else {
        Exit::Negative
    })
}
