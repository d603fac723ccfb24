//! Turning shared arguments into checked values before any I/O: the key, the clock, the URL,
//! and the plan of bodies to render.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::cli::{BodyArgs, KeyArgs, RenderArgs, TlsArgs};
use crate::delivery;
use crate::exit::input_error;
use crate::fixture::{
    declared_topic, Compiled, FixtureSet, Override, OverrideKind, Rendered, Renderer,
};
use crate::judge::NamedKey;
use crate::protocol::{self, timestamp, Headers, Secret};

/// A key file larger than this is not a key: refused before it is read whole (`/dev/zero`
/// would otherwise fill memory).
pub const MAX_KEY_FILE: u64 = 64 * 1024;

/// Trim exactly one trailing newline (`\n` or `\r\n`), as editors add one.
pub fn trim_one_newline(bytes: &mut Vec<u8>) {
    if bytes.last() == Some(&b'\n') {
        bytes.pop();
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
    }
}

/// The largest `--cacert` file read: a whole CA bundle fits.
const MAX_CERT_FILE: u64 = 4 * 1024 * 1024;

/// Read a small file named by `flag`, refusing (without reading on) one over `limit` bytes,
/// such as `/dev/zero` given by mistake.
fn read_small_file(path: &Path, flag: &str, what: &str, limit: u64) -> Result<Vec<u8>> {
    let cannot = |e: std::io::Error| {
        input_error(format!(
            "cannot read {what} {}: {e}; check {flag}",
            path.display()
        ))
    };
    let file = std::fs::File::open(path).map_err(cannot)?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > limit {
        return Err(input_error(format!(
            "{what} {} is over {} KiB, too large to be one; check {flag}",
            path.display(),
            limit / 1024
        )));
    }
    Ok(bytes)
}

/// Read a key file, at most [`MAX_KEY_FILE`] bytes, one trailing newline trimmed.
fn read_key_file(path: &Path) -> Result<Vec<u8>> {
    let mut bytes = read_small_file(path, "--secret-file", "key file", MAX_KEY_FILE)?;
    trim_one_newline(&mut bytes);
    Ok(bytes)
}

/// Every key given, in order: each `--secret`, each `--secret-file`, then `WL_HOOK_SECRET`,
/// each named by where it came from (never by its value). Empty when none was given.
pub fn load_keys(secrets: &[String], files: &[PathBuf]) -> Result<Vec<NamedKey>> {
    let empty = |from: &str| {
        input_error(format!(
            "the key from {from} is empty; give a non-empty key"
        ))
    };
    let mut keys = Vec::new();
    for (i, s) in secrets.iter().enumerate() {
        let label = format!("--secret #{}", i + 1);
        let key = Secret::new(s.as_bytes().to_vec()).ok_or_else(|| empty(&label))?;
        keys.push(NamedKey { label, key });
    }
    for path in files {
        let label = format!("--secret-file {}", path.display());
        let key = Secret::new(read_key_file(path)?).ok_or_else(|| empty(&label))?;
        keys.push(NamedKey { label, key });
    }
    if let Some(v) = std::env::var_os("WL_HOOK_SECRET") {
        match Secret::new(v.into_encoded_bytes()) {
            Some(key) => keys.push(NamedKey {
                label: "WL_HOOK_SECRET".into(),
                key,
            }),
            // An empty variable is an error only where it would be the key used.
            None if keys.is_empty() => return Err(empty("WL_HOOK_SECRET")),
            None => {}
        }
    }
    Ok(keys)
}

/// The one key a signing command uses: `--secret`, else `--secret-file`, else
/// `WL_HOOK_SECRET`, else the development key with a one-line notice on stderr.
pub fn load_key(args: &KeyArgs) -> Result<Secret> {
    let keys = load_keys(args.secret.as_slice(), args.secret_file.as_slice())?;
    match keys.into_iter().next() {
        Some(k) => Ok(k.key),
        None => {
            crate::output::note(&format!(
                "no key given; using the development key '{}' (pass --secret or --secret-file, or set WL_HOOK_SECRET)",
                protocol::DEV_KEY
            ));
            Ok(protocol::dev_secret())
        }
    }
}

/// Parse a timestamp flag against the system clock, naming the flag in the error.
pub fn parse_time(flag: &str, value: &str) -> Result<DateTime<Utc>> {
    parse_time_at(flag, value, Utc::now())
}

/// Parse a timestamp flag: a time as the WL headers carry it (RFC 3339, Unix seconds or ms,
/// `YYYY-MM-DD HH:MM:SS`), `now`, or a time relative to `base`: `-2h`, `+1d`, `-90m`, so that
/// examples and scripts never name a date that will be in the past.
pub fn parse_time_at(flag: &str, value: &str, base: DateTime<Utc>) -> Result<DateTime<Utc>> {
    let v = value.trim();
    if v.eq_ignore_ascii_case("now") {
        return Ok(base);
    }
    if let Some((sign, rest)) = v
        .strip_prefix('-')
        .map(|r| (-1, r))
        .or_else(|| v.strip_prefix('+').map(|r| (1, r)))
    {
        let span = crate::duration::parse(rest).map_err(|e| {
            input_error(format!(
                "{flag}: {e} (a relative time is a sign and a duration: -2h, +1d)"
            ))
        })?;
        let span = chrono::Duration::from_std(span)
            .map_err(|_| input_error(format!("{flag}: '{value}' is out of range")))?;
        let at = if sign < 0 {
            base.checked_sub_signed(span)
        } else {
            base.checked_add_signed(span)
        };
        return at.ok_or_else(|| input_error(format!("{flag}: '{value}' is out of range")));
    }
    timestamp::parse(v).map(|(t, _)| t).map_err(|e| {
        input_error(format!(
            "{flag}: {e}; or write a relative time: -2h, +1d, now"
        ))
    })
}

/// The clock of this run: `--now`, else the system clock.
pub fn now(render: &RenderArgs) -> Result<DateTime<Utc>> {
    match &render.now {
        Some(v) => parse_time("--now", v),
        None => Ok(Utc::now()),
    }
}

/// A URL to deliver to: http or https, with a host.
pub fn parse_url(value: &str) -> Result<reqwest::Url> {
    let url = reqwest::Url::parse(value).map_err(|e| {
        input_error(format!(
            "invalid URL '{value}': {e}; write it like http://127.0.0.1:3000/webhooks"
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(input_error(format!(
            "invalid URL '{value}': use an http:// or https:// URL with a host"
        )));
    }
    Ok(url)
}

/// Parse the `--set`, `--set-json` and `--add` flags (creations first, so a later --set can
/// change what --add made).
pub fn overrides(render: &RenderArgs) -> Result<Vec<Override>> {
    let groups = [
        (OverrideKind::Add, &render.add),
        (OverrideKind::SetJson, &render.set_json),
        (OverrideKind::SetString, &render.set),
        (OverrideKind::Replace, &render.replace),
    ];
    let mut out = Vec::new();
    for (kind, args) in groups {
        for a in args {
            out.push(Override::parse(kind, a).map_err(|e| input_error(e.to_string()))?);
        }
    }
    Ok(out)
}

/// Load the fixtures in effect, with errors as input errors.
pub fn fixture_set(dir: Option<&Path>) -> Result<FixtureSet> {
    FixtureSet::load(dir)
        .map_err(|e| input_error(format!("{e}; fix the file or leave out --fixtures")))
}

/// Read `--data`: a file, or stdin for `-`, up to the 512 MiB every input is held to (a
/// device such as `/dev/zero` or an endless pipe is refused, not read until memory runs out).
pub fn read_data(spec: &str) -> Result<Vec<u8>> {
    let limit = crate::capture::source::MAX_INPUT;
    let mut buf = Vec::new();
    let read = if spec == "-" {
        std::io::stdin()
            .lock()
            .take(limit + 1)
            .read_to_end(&mut buf)
    } else {
        std::fs::File::open(spec).and_then(|f| f.take(limit + 1).read_to_end(&mut buf))
    };
    let from = if spec == "-" {
        "stdin".to_string()
    } else {
        format!("file {spec}")
    };
    read.map_err(|e| input_error(format!("cannot read --data {from}: {e}")))?;
    if buf.len() as u64 > limit {
        return Err(input_error(format!(
            "--data {from} is over {} MiB; a webhook body is far smaller",
            limit / (1024 * 1024)
        )));
    }
    Ok(buf)
}

/// The checked plan of what bodies to produce, built before anything is sent: each event's
/// body compiled once, and a seeded generator for the fresh ids.
#[derive(Debug)]
pub struct BodyPlan {
    compiled: Vec<Compiled>,
    renderer: Renderer,
}

impl BodyPlan {
    /// Resolve topics, read `--fixture`/`--data`, parse overrides and the clock, and compile
    /// every body (so a bad override path fails before anything is sent).
    pub fn from_args(args: &BodyArgs, now: DateTime<Utc>) -> Result<BodyPlan> {
        let overrides = overrides(&args.render)?;
        let generated_at = match &args.generated_at {
            Some(_) if args.render.exact => {
                return Err(input_error(
                    "--generated-at does not apply with --exact, which keeps each fixture's stored meta_data.date (and sends it as x-generated-at)",
                ))
            }
            Some(v) => parse_time_at("--generated-at", v, now)?,
            None => now,
        };
        let renderer = Renderer::new(args.render.seed, args.render.exact, generated_at, overrides)
            .with_style(args.json_style.into());
        let compile = |event: &str, value: &Value| {
            renderer
                .compile(event, value)
                .map_err(|e| input_error(e.to_string()))
        };
        let compiled = if let Some(spec) = &args.data {
            if !renderer_is_plain(&args.render) {
                return Err(input_error(
                    "--set, --set-json, --add and --exact do not apply to --data, which is sent byte-exact; use --fixture FILE to render a file",
                ));
            }
            let bytes = read_data(spec)?;
            let parsed: Result<Value, _> = serde_json::from_slice(&bytes);
            if let (Err(why), false) = (&parsed, args.raw) {
                return Err(input_error(format!(
                    "--data {spec} is not JSON ({why}); WL always sends JSON, pass --raw to send it anyway"
                )));
            }
            let event = single_topic(
                args,
                parsed.as_ref().ok().and_then(declared_topic),
                "--data",
            )?;
            vec![Compiled::constant(&event, bytes)]
        } else if let Some(path) = &args.fixture {
            let value =
                crate::fixture::read_fixture_file(path).map_err(|e| input_error(e.to_string()))?;
            let event = single_topic(args, declared_topic(&value), "--fixture")?;
            vec![compile(&event, &value)?]
        } else {
            let topics = args.topic_words();
            if topics.is_empty() {
                return Err(input_error(
                    "say what to send: --topic EVENT (e.g. --topic purchases, --topic all), --fixture FILE or --data FILE",
                ));
            }
            let set = fixture_set(args.render.fixtures.dir.as_deref())?;
            let found = set
                .resolve(&topics)
                .map_err(|e| input_error(e.to_string()))?;
            found
                .into_iter()
                .map(|f| compile(&f.event, &f.value))
                .collect::<Result<Vec<_>>>()?
        };
        Ok(BodyPlan { compiled, renderer })
    }

    /// How many distinct templates (events) the plan has.
    pub fn len(&self) -> usize {
        self.compiled.len()
    }

    pub fn is_empty(&self) -> bool {
        self.compiled.is_empty()
    }

    /// The compiled templates, in order.
    pub fn compiled(&self) -> &[Compiled] {
        &self.compiled
    }

    /// Produce one body from template `i`: a fresh event, or the exact bytes.
    pub fn render(&mut self, i: usize) -> Rendered {
        self.renderer.fill(&self.compiled[i])
    }

    /// The event time written into the bodies and `x-generated-at`.
    pub fn generated_at(&self) -> DateTime<Utc> {
        self.renderer.generated_at()
    }

    /// The seeded generator, for commands that need more reproducible ids or choices.
    pub fn renderer_mut(&mut self) -> &mut Renderer {
        &mut self.renderer
    }
}

fn renderer_is_plain(r: &RenderArgs) -> bool {
    r.set.is_empty() && r.set_json.is_empty() && r.add.is_empty() && !r.exact
}

/// The one event a `--data` or `--fixture` body is sent as: from `--topic`, else the body's own
/// `meta_data.topic`.
fn single_topic(args: &BodyArgs, declared: Option<&str>, flag: &str) -> Result<String> {
    let topics = args.topic_words();
    let words: Vec<&str> = match (topics.as_slice(), declared) {
        ([], Some(d)) => vec![d],
        ([], None) => {
            return Err(input_error(format!(
                "{flag}: the body has no meta_data.topic; say which event it is with --topic"
            )))
        }
        (ts, _) => ts.iter().map(String::as_str).collect(),
    };
    let events = protocol::topics::resolve_all(&words).map_err(|e| input_error(e.to_string()))?;
    match events.as_slice() {
        [one] => Ok(one.name.to_string()),
        _ => Err(input_error(format!(
            "{flag} sends one body: give exactly one event with --topic, not {}",
            words.join(", ")
        ))),
    }
}

pub use crate::capture::source::{inputs, Input, MAX_INPUT};

/// Check a value the user did not type (it came from an environment variable or a config file)
/// with the parser its flag uses, so that the caller can name where it came from. `id` is the
/// argument's id; `command` the subcommand's name (`fixtures` may name a folder it will create).
pub fn check_untyped_value(command: &str, id: &str, value: &str) -> Result<()> {
    match id {
        "url" => parse_url(value).map(drop),
        "timeout" => duration_flag("--timeout", value).map(drop),
        "schedule" => crate::schedule::parse_policy(value)
            .map(drop)
            .map_err(|e| input_error(format!("--schedule: {e}"))),
        "fixtures" if command != "fixtures" => FixtureSet::load(Some(Path::new(value)))
            .map(drop)
            .map_err(|e| input_error(e.to_string())),
        _ => Ok(()),
    }
}

/// Parse a duration flag, naming the flag in the error.
pub fn duration_flag(flag: &str, value: &str) -> Result<std::time::Duration> {
    crate::duration::parse(value).map_err(|e| input_error(format!("{flag}: {e}")))
}

/// Apply `--header 'Name: value'` arguments to a header set.
pub fn apply_header_args(headers: &mut Headers, args: &[String]) -> Result<()> {
    for a in args {
        let (name, value) = header_arg(a)?;
        protocol::set_header(headers, &name, &value);
    }
    Ok(())
}

/// Headers that the HTTP layer writes from the URL and the body: `-H` may not set them, as
/// a second or a wrong value would make the request broken or ambiguous.
const FRAMING: [(&str, &str); 4] = [
    (
        "host",
        "the Host header comes from the URL; put the host in the URL",
    ),
    ("content-length", "Content-Length is set from the body"),
    (
        "transfer-encoding",
        "the body is sent with a Content-Length",
    ),
    ("connection", "connections are managed by wl-hook"),
];

/// Parse one `--header` argument, refusing the framing headers.
fn header_arg(arg: &str) -> Result<(String, String)> {
    let (name, value) =
        protocol::parse_header_arg(arg).map_err(|e| input_error(format!("--header: {e}")))?;
    if let Some((_, why)) = FRAMING.iter().find(|(n, _)| *n == name) {
        return Err(input_error(format!(
            "--header '{arg}': {why}; remove this --header"
        )));
    }
    Ok((name, value))
}

/// `-H` on check, replay and listen --forward-to: headers added to requests that wl-hook builds
/// itself (for an endpoint behind auth), which may not replace the WL headers it sets.
pub fn added_headers(args: &[String], command: &str) -> Result<reqwest::header::HeaderMap> {
    let mut map = reqwest::header::HeaderMap::new();
    for a in args {
        let (name, value) = header_arg(a)?;
        use protocol::header::*;
        if [
            CONTENT_TYPE,
            TOPIC,
            SIGNATURE,
            GENERATED_AT,
            SENT_AT,
            PAYLOAD_KEY,
        ]
        .contains(&name.as_str())
        {
            return Err(input_error(format!(
                "--header '{a}': {command} sets {name} itself; -H adds other headers, such as Authorization"
            )));
        }
        let name = reqwest::header::HeaderName::from_bytes(name.as_bytes())
            .map_err(|e| input_error(format!("--header '{a}': {e}")))?;
        let value = reqwest::header::HeaderValue::from_str(&value)
            .map_err(|e| input_error(format!("--header '{a}': {e}")))?;
        map.append(name, value);
    }
    Ok(map)
}

/// How a command connects: `--cacert`, `--insecure` and the headers it adds to every request.
pub fn connect(tls: &TlsArgs, headers: reqwest::header::HeaderMap) -> Result<delivery::Connect> {
    let ca_certs = match &tls.cacert {
        None => Vec::new(),
        Some(path) => {
            use rustls::pki_types::pem::PemObject;
            let pem = read_small_file(path, "--cacert", "certificate file", MAX_CERT_FILE)?;
            let certs = rustls::pki_types::CertificateDer::pem_slice_iter(&pem)
                .collect::<std::result::Result<Vec<_>, _>>()
                .map_err(|e| {
                    input_error(format!(
                        "--cacert {}: not a PEM certificate file ({e}); give the server's certificate in PEM form",
                        path.display()
                    ))
                })?;
            if certs.is_empty() {
                return Err(input_error(format!(
                    "--cacert {}: no certificate in it; give the server's certificate in PEM form (-----BEGIN CERTIFICATE-----)",
                    path.display()
                )));
            }
            certs
        }
    };
    Ok(delivery::Connect {
        ca_certs,
        insecure: tls.insecure,
        headers,
    })
}

/// Check `--header` arguments without applying them (input errors before any I/O).
pub fn check_header_args(args: &[String]) -> Result<()> {
    apply_header_args(&mut Vec::new(), args)
}

/// The modelled answers to WL's unknowns (`--signature-encoding`, `--signature-prefix`,
/// `--payload-key`, `--timestamp-format`); a prefix must fit in a header value.
pub fn fidelity(args: &crate::cli::FidelityArgs) -> Result<protocol::Fidelity> {
    let f = args.to_fidelity();
    if f.prefix.contains(['\r', '\n', '\0']) || f.prefix.trim() != f.prefix {
        return Err(input_error(
            "--signature-prefix: use printable text without spaces around it, e.g. 'sha256='",
        ));
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_absolute_now_or_relative_to_the_base() {
        let base = timestamp::parse("2030-06-15T12:00:00Z").unwrap().0;
        let at = |v: &str| parse_time_at("--now", v, base).map(|t| t.to_rfc3339());
        assert_eq!(at("-2h").unwrap(), "2030-06-15T10:00:00+00:00");
        assert_eq!(at("+1d").unwrap(), "2030-06-16T12:00:00+00:00");
        assert_eq!(at("-90m").unwrap(), "2030-06-15T10:30:00+00:00");
        assert_eq!(at("now").unwrap(), "2030-06-15T12:00:00+00:00");
        assert_eq!(
            at("2025-01-20T20:10:00Z").unwrap(),
            "2025-01-20T20:10:00+00:00"
        );
        let e = at("-2x").unwrap_err().to_string();
        assert!(e.starts_with("--now: ") && e.contains("-2h, +1d"), "{e}");
        let e = at("yesterday").unwrap_err().to_string();
        assert!(e.contains("relative time"), "{e}");
    }

    #[test]
    fn trims_exactly_one_newline() {
        for (input, want) in [
            (&b"key\n"[..], &b"key"[..]),
            (b"key\r\n", b"key"),
            (b"key\n\n", b"key\n"),
            (b"key", b"key"),
            (b" key ", b" key "),
        ] {
            let mut v = input.to_vec();
            trim_one_newline(&mut v);
            assert_eq!(v, want);
        }
    }

    #[test]
    fn urls() {
        assert!(parse_url("http://127.0.0.1:9000/webhooks").is_ok());
        assert!(parse_url("https://staging.example.com/hooks").is_ok());
        for bad in [
            "127.0.0.1:9000",
            "ftp://x/y",
            "http://",
            "not a url",
            "file:///etc/passwd",
        ] {
            assert!(parse_url(bad).is_err(), "{bad}");
        }
    }
}
