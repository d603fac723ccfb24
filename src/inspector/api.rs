//! The inspector's API: what a request's details hold (verify's report with listen's key, the
//! change since the record's previous delivery), and the actions on it: capture, curl, resend,
//! replay. How each answer reads is `output::inspector`'s.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use serde::Deserialize;
use serde_json::Value;

use super::{json, response, text, Entry, Inspector, Response, Setup};
use crate::capture::Request;
use crate::delivery::{self, ClientOptions};
use crate::judge::{self, diff, CheckOptions};
use crate::output::inspector::{self as view, Previous, Resent};
use crate::output::request::PrintedRequest;
use crate::replay::{self, Item};
use crate::schedule::{self, Schedule};
use crate::server::receiver::{Event, Received};
use crate::server::saver::{capture_name, ToSave};

/// How long an action waits for the app.
const ACTION_TIMEOUT: Duration = Duration::from_secs(10);

/// The request as a capture holds it (no body when it was not read).
fn request_of(r: &Received) -> Option<Request> {
    r.body
        .as_ref()
        .map(|body| crate::server::receiver::as_request(r, body))
}

fn received(e: &Entry) -> Option<&Received> {
    match &*e.event {
        Event::Request(r) => Some(r),
        Event::Rejected(_) => None,
    }
}

fn json_body(r: &Received) -> Option<Value> {
    r.body
        .as_ref()
        .filter(|_| r.body_is_json)
        .and_then(|b| serde_json::from_slice(b).ok())
}

pub fn detail(e: &Entry, inspector: &Inspector, setup: &Setup) -> Value {
    let verify = received(e)
        .filter(|_| !setup.keys.is_empty())
        .and_then(|r| {
            let req = request_of(r)?;
            let options = CheckOptions {
                strict: setup.strict,
                fidelity: setup.fidelity.clone(),
                ..CheckOptions::at(r.time)
            };
            Some(judge::check(&req, &setup.keys, &options))
        });
    let previous = e.previous.map(|seq| Previous {
        seq,
        changes: inspector
            .get(seq)
            .as_deref()
            .and_then(received)
            .and_then(json_body)
            .zip(received(e).and_then(json_body))
            .map(|(before, after)| diff::diff(&before, &after)),
    });
    view::detail(&e.event, verify, previous)
}

/// `GET /api/requests/SEQ/capture`: the capture document `listen --save` would write.
pub fn capture(e: &Entry) -> Response {
    let Some(r) = received(e) else {
        return text(404, "a refused connection has no capture");
    };
    let doc = ToSave {
        received_at: r.time,
        remote_addr: r.remote,
        method: r.method.clone(),
        path: r.path.clone(),
        headers: r.headers.clone(),
        body: r.body.clone().ok_or_else(|| r.note.to_string()),
    };
    let name = capture_name(r.seq, r.event.as_deref(), r.payload_key.as_deref());
    let mut body = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    body.push(b'\n');
    let mut resp = response(200, "application/json", body);
    if let Ok(v) = format!("attachment; filename=\"{name}\"").parse() {
        resp.headers_mut().insert("content-disposition", v);
    }
    resp
}

/// Where an action sends: the URL typed in, else the `--forward-to` app, else (for curl only)
/// the listener itself.
fn target(
    asked: Option<&str>,
    setup: &Setup,
    r: &Received,
    self_ok: bool,
) -> Result<reqwest::Url, String> {
    match asked.map(str::trim).filter(|u| !u.is_empty()) {
        Some(u) => {
            let url = reqwest::Url::parse(u).map_err(|e| format!("URL {u}: {e}"))?;
            if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
                return Err(format!("URL {u}: use an http:// or https:// URL"));
            }
            Ok(url)
        }
        // The route the request's event takes, as listen relayed it.
        None => match setup
            .forward
            .as_ref()
            .and_then(|f| f.route(r.event.as_deref()))
        {
            Some(route) => Ok(route.url.clone()),
            None if self_ok => reqwest::Url::parse(&format!("{}{}", setup.listen_url, r.path))
                .map_err(|e| e.to_string()),
            None => Err("listen has no --forward-to app: type the URL to send to".into()),
        },
    }
}

/// The request ready to send again, re-signed with listen's key when asked.
fn item(r: &Received, setup: &Setup, resign: bool) -> Result<Item, Refusal> {
    let req = request_of(r).ok_or((
        409,
        format!(
            "the body of #{} was not read ({}): nothing to send",
            r.seq, r.note
        ),
    ))?;
    let key = match (resign, setup.keys.first()) {
        (false, _) => None,
        (true, Some(k)) => Some((&k.key, &setup.fidelity)),
        (true, None) => {
            return Err((
                409,
                "listen runs with --no-verify: it has no key to re-sign with".into(),
            ))
        }
    };
    Item::new(format!("#{}", r.seq), req, key).map_err(|e| (400, e.to_string()))
}

/// `GET /api/requests/SEQ/curl?url=URL`: a POSIX-shell command that sends the request again.
pub fn curl(e: &Entry, setup: &Setup, query: &str) -> Response {
    let Some(r) = received(e) else {
        return text(404, "a refused connection has no request to copy");
    };
    let mut asked = None;
    let mut resign = false;
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        match &*k {
            "url" => asked = Some(v.into_owned()),
            "resign" => resign = v == "1" || v == "true",
            _ => {}
        }
    }
    refused((|| {
        let url = target(asked.as_deref(), setup, r, true).map_err(bad)?;
        let item = item(r, setup, resign)?;
        let body = item.load_body().map_err(|e| (500, e.to_string()))?;
        let mut out = Vec::new();
        let printed = PrintedRequest {
            url: &url,
            headers: &item.headers,
            header_bytes: Some(&item.header_bytes),
            body: &body,
        };
        printed
            .write_curl(&mut out)
            .map_err(|e| (500, e.to_string()))?;
        Ok(response(200, "text/plain; charset=utf-8", out))
    })())
}

/// What an action's POST body may say.
#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct ActionAsk {
    url: Option<String>,
    resign: bool,
    schedule: Option<String>,
    max_attempts: Option<u32>,
}

/// Why an action was not carried out: the status and the message.
type Refusal = (u16, String);

fn refused(r: Result<Response, Refusal>) -> Response {
    r.unwrap_or_else(|(status, why)| text(status, &why))
}

fn bad(e: impl std::fmt::Display) -> Refusal {
    (400, e.to_string())
}

async fn ask(body: hyper::body::Incoming) -> Result<ActionAsk, Refusal> {
    let bytes: Bytes = Limited::new(body, 64 * 1024)
        .collect()
        .await
        .map_err(|e| bad(format!("cannot read the request: {e}")))?
        .to_bytes();
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(ActionAsk::default());
    }
    serde_json::from_slice(&bytes).map_err(|e| bad(format!("bad request body: {e}")))
}

fn client(url: &reqwest::Url, setup: &Setup) -> Result<reqwest::Client, Refusal> {
    if let Some(f) = setup
        .forward
        .as_ref()
        .filter(|f| f.routes.iter().any(|r| &r.url == url))
    {
        return Ok(f.client.clone());
    }
    delivery::build_client(&ClientOptions {
        timeout: ACTION_TIMEOUT,
        max_idle_per_host: 0,
        urls: vec![url.clone()],
        connect: setup.connect.clone(),
    })
    .map_err(bad)
}

pub async fn resend(e: &Entry, setup: &Setup, body: hyper::body::Incoming) -> Response {
    refused(resend_one(e, setup, body).await)
}

async fn resend_one(
    e: &Entry,
    setup: &Setup,
    body: hyper::body::Incoming,
) -> Result<Response, Refusal> {
    let r = received(e).ok_or((404, "a refused connection has no request to send".into()))?;
    let ask = ask(body).await?;
    let url = target(ask.url.as_deref(), setup, r, false).map_err(bad)?;
    let item = item(r, setup, ask.resign)?;
    let client = client(&url, setup)?;
    let headers = item.header_map().map_err(bad)?;
    let body = item.load_body().map_err(|e| (500, e.to_string()))?;
    let outcome = delivery::deliver(&client, &url, headers, body, ACTION_TIMEOUT).await;
    Ok(json(200, &Resent::of(r.seq, &url, ask.resign, &outcome)))
}

/// `POST /api/requests/SEQ/replay`: the request re-delivered on a retry schedule on the
/// simulated clock (nothing waits), answered with the lines `replay --json` prints.
pub async fn replay(e: &Entry, setup: &Setup, body: hyper::body::Incoming) -> Response {
    refused(replay_one(e, setup, body).await)
}

async fn replay_one(
    e: &Entry,
    setup: &Setup,
    body: hyper::body::Incoming,
) -> Result<Response, Refusal> {
    let r = received(e).ok_or((404, "a refused connection has no request to replay".into()))?;
    let ask = ask(body).await?;
    let url = target(ask.url.as_deref(), setup, r, false).map_err(bad)?;
    let spec = ask.schedule.as_deref().unwrap_or("wellnessliving");
    let policy = schedule::parse_policy(spec).map_err(|e| bad(format!("schedule: {e}")))?;
    let schedule = Schedule {
        policy,
        max_attempts: ask.max_attempts,
        jitter_pct: 0.0,
        seed: None,
    };
    let attempts = schedule.attempts().map_err(bad)?;
    let plan = replay::Plan {
        url,
        schedule,
        attempts,
        start: chrono::Utc::now(),
        speed: None,
        duplicates: 0,
        resigned: ask.resign,
        timeout: ACTION_TIMEOUT,
        items: vec![item(r, setup, ask.resign)?],
        connect: setup.connect.clone(),
        timestamp: setup.fidelity.timestamp,
    };
    let mut out = Vec::new();
    let mut view = crate::output::replay::ReplayView::new(&mut out, true, &plan);
    let done = match replay::run(&plan, &mut view).await {
        Ok(totals) => view.summary(&totals).map_err(anyhow::Error::from),
        Err(e) => Err(e),
    };
    done.map_err(|e| (500, format!("replay failed: {e}")))?;
    Ok(response(200, "application/x-ndjson", out))
}
