//! The command line, as clap derive types only: no I/O and no business logic here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::conformance::{Connections, Scenario};
use crate::exit::EXIT_CODES_HELP;
use crate::fixture::JsonStyle;

/// The default endpoint of send, replay and check, and the address listen binds by default.
pub const DEFAULT_URL: &str = "http://127.0.0.1:9000/webhooks";

#[derive(Parser)]
#[command(
    name = "wl-hook",
    version,
    about = "Send, receive, verify, replay and conformance-test WellnessLiving webhooks, offline",
    long_about = "wl-hook is a toolkit for developers who build receivers for WellnessLiving (WL) \
webhooks: correctly signed fixtures for all 13 events, and the tools to check what a receiver \
does with them. No WL account or network is needed.",
    after_help = EXIT_CODES_HELP,
    max_term_width = 100
)]
pub struct Cli {
    /// When to colour output: auto (a terminal, unless NO_COLOR is set), always or never
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto, env = "WL_HOOK_COLOR", value_name = "WHEN")]
    pub color: ColorWhen,

    /// Use the named profile of wl-hook.toml ([profiles.NAME]) over the file's defaults
    #[arg(long, global = true, value_name = "NAME", env = "WL_HOOK_PROFILE")]
    pub profile: Option<String>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Cli {
    /// Parse a command line given as words (the first is the program name), without exiting.
    pub fn try_parse_from_words(words: &[String]) -> Result<Cli, clap::Error> {
        <Cli as Parser>::try_parse_from(words)
    }
}

/// What `wl-hook` alone prints: a short overview rather than a usage error.
pub const OVERVIEW: &str = "\
wl-hook: send, receive, verify, replay and conformance-test WellnessLiving webhooks, offline.

Start here:
  wl-hook demo                                   the whole flow on this machine, in a second
  wl-hook listen                                 a local receiver on http://127.0.0.1:9000
  wl-hook send --topic purchases                 a signed purchase.created to it
  wl-hook check http://127.0.0.1:3000/webhooks   test your own endpoint, with --junit for CI

Commands: send, listen, verify, replay, check, sign, fixtures, demo, init, config, completions, man.
'wl-hook help COMMAND' or 'wl-hook COMMAND --help' explains each, with examples and exit codes.";

/// `wl-hook config`.
#[derive(Subcommand, Clone, Debug)]
pub enum ConfigCommand {
    /// Print the settings in effect, each with where it comes from; never a key
    #[command(after_help = CONFIG_SHOW_HELP)]
    Show {
        #[command(flatten)]
        json: JsonArg,
    },
}

const CONFIG_SHOW_HELP: &str = "\
Examples:
  wl-hook config show
  wl-hook config show --profile staging
  wl-hook --profile staging send purchase.created

Settings come from, highest first: a flag typed on the command line, its environment variable,
the profile chosen with --profile (or WL_HOOK_PROFILE), the config files' defaults, the built-in
default. Files: $XDG_CONFIG_HOME/wl-hook/config.toml (else ~/.config/wl-hook/config.toml), then
the first wl-hook.toml in the current folder or a parent, which wins.

Exit codes: 0 printed; 2 a bad config file or an unknown profile.";

/// `wl-hook man`.
#[derive(Args, Clone, Debug, Default)]
pub struct ManArgs {
    /// Write wl-hook.1 and a page per command (wl-hook-send.1, wl-hook-fixtures-import.1, ...)
    /// into this folder instead of printing one page
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// `listen --body` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BodyArg {
    /// The whole body, pretty-printed when it is JSON
    Full,
    /// One line: the record id and a few top-level fields
    Summary,
    /// No body
    None,
}

/// `--color` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand)]
pub enum Command {
    /// Deliver signed WL webhooks to an endpoint: one, all topics, or a concurrent burst
    #[command(after_help = SEND_HELP)]
    Send(SendArgs),
    /// Run a local WL receiver that verifies, pretty-prints, records and asserts deliveries
    #[command(after_help = LISTEN_HELP)]
    Listen(ListenArgs),
    /// Run a conformance suite against your webhook endpoint, with a JUnit report for CI
    #[command(after_help = check_help())]
    Check(CheckArgs),
    /// Re-deliver captured requests the way WL's retry engine would, on a simulated clock
    #[command(after_help = REPLAY_HELP)]
    Replay(ReplayArgs),
    /// Check captured requests and explain every failure
    #[command(after_help = VERIFY_HELP)]
    Verify(VerifyArgs),
    /// Print the signed request for a fixture or a body, as headers, curl, raw HTTP or JSON; sends nothing
    #[command(after_help = SIGN_HELP)]
    Sign(SignArgs),
    /// The whole flow on this machine in seconds: listen, send, verify, replay, check
    #[command(after_help = DEMO_HELP)]
    Demo(DemoArgs),
    /// List, show, export and import fixtures (a real capture becomes one, personal data replaced)
    #[command(
        subcommand,
        after_help = "Examples:\n  wl-hook fixtures list\n  wl-hook fixtures show purchases\n  wl-hook fixtures export ./wl-fixtures\n\nExit codes: 0 done; 2 input error."
    )]
    Fixtures(FixturesCommand),
    /// Print a shell completion script to stdout
    #[command(after_help = COMPLETIONS_HELP)]
    Completions(CompletionsArgs),
    /// Print the manual page (roff), e.g. wl-hook man | man -l -; --dir writes one page per command
    #[command(
        after_help = "Examples:\n  wl-hook man | man -l -\n  wl-hook man > /usr/local/share/man/man1/wl-hook.1\n  \
wl-hook man --dir /usr/local/share/man/man1    # wl-hook.1, wl-hook-send.1, ...\n\n\
Exit codes: 0 printed or written; 2 the folder cannot be written."
    )]
    Man(ManArgs),
    /// Write a starter receiver (Python, Node, PHP or Go) that passes wl-hook check
    #[command(after_help = INIT_HELP)]
    Init(InitArgs),
    /// Show the settings in effect and where each comes from (wl-hook.toml, profile, environment)
    #[command(subcommand, after_help = CONFIG_SHOW_HELP)]
    Config(ConfigCommand),
}

const DEMO_HELP: &str = "\
Examples:
  wl-hook demo
  wl-hook demo --json

Starts a listener on a free loopback port (captures in a temporary folder that is removed at the
end), sends all 13 events to it, verifies the saved captures, replays one against a receiver that
fails the first 3 attempts, and runs the conformance suite. Nothing leaves this machine.

Exit codes: 0 every step passed; 1 a step did not.";

const SEND_HELP: &str = "\
Examples:
  wl-hook send --topic purchases
  wl-hook send --topic all --url http://127.0.0.1:3000/webhooks
  wl-hook send --topic 'client.*' --count 500 --concurrency 20
  wl-hook send --topic purchase.created --tamper          # must be rejected
  wl-hook send --topic client --generated-at -2h --repeat-exact 2

Only 200 and 201 count as accepted (WL documents that any other answer is retried). Modelled, as
WL documents neither: a redirect is never followed, and a timeout or a refused connection is a
failed delivery that WL would retry. The signature's encoding and prefix, the x-payload-key rule
and the timestamp format are modelled too (--signature-encoding, --signature-prefix,
--payload-key, --timestamp-format).

Exit codes: 0 every delivery accepted; 1 any not accepted; 2 input error, found before anything
is sent; 3 no delivery reached the endpoint at all.";

const LISTEN_HELP: &str = "\
Examples:
  wl-hook listen                                   # http://127.0.0.1:9000, any path
  wl-hook listen --port 0 --ready-file url.txt --save captures/
  wl-hook listen --fail-first 3                    # watch a sender retry
  wl-hook listen --forward-to http://127.0.0.1:3000/webhooks
  wl-hook listen --ready-file url.txt --expect-topic purchases --timeout 30s --json > events.ndjson
  wl-hook listen --ui-port 8080                    # the browser inspector on http://127.0.0.1:8080/

Each request is judged by verify's checks and severities. Answers: a valid delivery gets --status
(200), with its warnings shown (a wrong x-payload-key or content type...; --strict refuses them
with 400); a missing or invalid signature 401; any other failed check 400 (a body that is not JSON,
no x-topic, a missing x-generated-at...); a body over --max-body 413; any method but POST 405. The
first stdout line is 'Listening on http://HOST:PORT', the second 'Inspector on
http://127.0.0.1:PORT/': a page that shows each request live, with resend, replay and curl (the
last 1,000 requests; --no-ui for none).

Exit codes: 0 stopped with every expectation met (--count reached, every --expect-topic arrived,
or a plain stop); 1 --timeout passed before --count was reached or an expected event arrived, or
stdout can no longer be written (listen then stops at once); 2 input error; 3 the address (or an
explicit --ui-port) cannot be bound.";

/// `check --help`'s text after the options; the scenario list comes from the catalogue.
fn check_help() -> String {
    let mut help = String::from(
        "\
Examples:
  wl-hook check http://127.0.0.1:3000/webhooks --secret \"$WL_KEY\"
  wl-hook check http://127.0.0.1:3000/webhooks --junit report.xml
  wl-hook check http://127.0.0.1:3000/webhooks --only rejects-forged --only rejects-tampered
  wl-hook check http://127.0.0.1:3000/webhooks --topic purchases --burst 200 --json
  wl-hook check http://127.0.0.1:3000/webhooks --secret \"$OLD_KEY\" --secret \"$NEW_KEY\"

Scenarios, in the order of the report (select with --only NAME):
",
    );
    for s in Scenario::ALL {
        help.push_str(&format!("  {:<22}{}\n", s.name(), s.description()));
    }
    help.push_str(
        "
Modelled, as WL publishes neither: each delivery opens a new connection and asks for it to be
closed after the answer, as a PHP sender would (--connections keep-alive reuses them instead),
and fixture bodies are compact JSON (--json-style php or pretty spells them otherwise).

Exit codes: 0 no scenario failed (warnings allowed); 1 a scenario failed; 2 input error; 3 the
endpoint cannot be reached at all.",
    );
    help
}

/// `--only`'s values: the catalogue's names, with "did you mean" and shell completion from clap,
/// while [`Scenario`] itself stays free of clap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScenarioName(pub Scenario);

const SCENARIO_NAMES: [ScenarioName; Scenario::ALL.len()] = {
    let mut names = [ScenarioName(Scenario::Accepts); Scenario::ALL.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = ScenarioName(Scenario::ALL[i]);
        i += 1;
    }
    names
};

impl ValueEnum for ScenarioName {
    fn value_variants<'a>() -> &'a [Self] {
        &SCENARIO_NAMES
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.0.name()).help(self.0.description()))
    }
}

#[cfg(test)]
mod scenario_name_tests {
    use super::*;

    fn parse(words: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from_words(&words.iter().map(|w| w.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn only_takes_every_scenario_name_and_suggests_near_misses() {
        for s in Scenario::ALL {
            let cli = parse(&["wl-hook", "check", "--only", s.name()]).expect("parsed");
            let Some(Command::Check(args)) = cli.command else {
                panic!("not check")
            };
            assert_eq!(args.only, [s]);
        }
        let err = parse(&["wl-hook", "check", "--only", "rejects-forgd"])
            .err()
            .expect("refused");
        assert_eq!(err.kind(), clap::error::ErrorKind::InvalidValue);
        assert!(err.to_string().contains("'rejects-forged'"), "{err}");
    }

    #[test]
    fn topics_come_as_positionals_and_comma_lists() {
        let cli = parse(&[
            "wl-hook",
            "send",
            "purchase.created",
            "-t",
            "client.*,staff",
            "-t",
            "all",
        ])
        .expect("parsed");
        let Some(Command::Send(args)) = cli.command else {
            panic!("not send")
        };
        assert_eq!(
            args.body.topic_words(),
            ["purchase.created", "client.*", "staff", "all"]
        );
        let cli = parse(&[
            "wl-hook",
            "check",
            "--topic",
            "client.created,staff.created",
        ])
        .expect("parsed");
        let Some(Command::Check(args)) = cli.command else {
            panic!("not check")
        };
        assert_eq!(args.topics, ["client.created", "staff.created"]);
    }

    #[test]
    fn check_help_lists_every_scenario_in_order() {
        let help = check_help();
        let mut from = 0;
        for s in Scenario::ALL {
            let line = format!("\n  {:<22}{}\n", s.name(), s.description());
            let at = help[from..]
                .find(&line)
                .unwrap_or_else(|| panic!("{} missing from check --help", s.name()));
            from += at + 1;
        }
    }
}

const REPLAY_HELP: &str = "\
Examples:
  wl-hook replay captures/000001-purchase.created-1a2b3c4d.json
  wl-hook replay captures/ --url http://127.0.0.1:3000/webhooks --duplicates 2
  wl-hook replay captures/ --order shuffle --seed 7
  wl-hook replay capture.json --schedule svix --speed 3600     # one simulated hour per second
  wl-hook replay --print-schedule --schedule wellnessliving

Schedules: wellnessliving (modelled: first retry after 1 min, doubling, capped at 12 h, nothing
after 72 h; WL does not publish its intervals), svix, standard-webhooks,
exponential:base=1m,factor=2,cap=12h,horizon=72h, list:5s,5m,30m.

Each attempt sends the capture's exact body and headers; only x-sent-at changes, set from a
simulated clock. Nothing waits unless --speed or --realtime is given. Deliveries go only to --url.

Exit codes: 0 every capture delivered (and every duplicate acknowledged); 1 a capture gave up or a
duplicate was not acknowledged; 2 input error; 3 no attempt reached the endpoint at all.";

const VERIFY_HELP: &str = "\
Examples:
  wl-hook verify captures/                              # every *.json and *.http in the folder
  wl-hook verify request.http --secret \"$WL_KEY\"
  wl-hook verify capture.json --secret old-key --secret new-key
  wl-hook sign --topic purchases --format http | wl-hook verify -
  wl-hook verify capture.json --now +1d --max-age 24h --json

Inputs: wl-hook capture documents (listen --save, sign --format json), raw HTTP/1.1 request dumps,
or the loose form {\"headers\": {...}, \"body\": ...}. When the signature fails, verify tries the known
causes (re-formatted body, stray whitespace in the key, base64, a prefix, a timestamp signed with
the body, another key) and says which one fits.

Exit codes: 0 every input valid; 1 any invalid; 2 any input unreadable or malformed (2 wins).";

const SIGN_HELP: &str = "\
Examples:
  wl-hook sign --topic purchases
  wl-hook sign --topic client.created --format curl --url http://127.0.0.1:3000/webhooks
  wl-hook sign purchase.created --set a_price.m_total=99.00 --seed 1 --now 2025-01-20T20:10:00Z
  wl-hook sign --data body.json --topic purchase.created --format http

Exit codes: 0 printed; 2 input error (unknown topic, unreadable or non-JSON body, bad override,
empty key).";

const COMPLETIONS_HELP: &str = "\
Examples:
  wl-hook completions bash > ~/.local/share/bash-completion/completions/wl-hook
  wl-hook completions zsh > ~/.zfunc/_wl-hook
  wl-hook completions fish > ~/.config/fish/completions/wl-hook.fish

Exit codes: 0 printed; 2 unknown shell.";

/// Where the webhook key comes from. Deliberately not `Debug`: it holds the key.
#[derive(Args, Clone, Default)]
pub struct KeyArgs {
    /// Webhook key [default: $WL_HOOK_SECRET, else the built-in development key]
    #[arg(long, value_name = "KEY", conflicts_with = "secret_file")]
    pub secret: Option<String>,

    /// Read the webhook key from a file (one trailing newline is trimmed)
    #[arg(long, value_name = "PATH")]
    pub secret_file: Option<PathBuf>,
}

/// Several keys to try, for commands that judge signatures across a key change.
#[derive(Args, Clone, Debug, Default)]
pub struct KeysArgs {
    /// A key to try (repeatable); reports name the one that matched, never its value [also: $WL_HOOK_SECRET]
    #[arg(long = "secret", value_name = "KEY")]
    pub secrets: Vec<String>,

    /// Read a key from a file (repeatable; one trailing newline is trimmed)
    #[arg(long = "secret-file", value_name = "PATH")]
    pub secret_files: Vec<PathBuf>,
}

/// WL's unknowns, one switch each, in every command that signs or judges. Each default is
/// modelled: WL documents none of them.
#[derive(Args, Clone, Debug, Default)]
pub struct FidelityArgs {
    /// How x-signature-256 spells the HMAC (modelled: WL does not document it)
    #[arg(long, value_enum, value_name = "ENC", default_value_t = SignatureEncodingArg::Hex)]
    pub signature_encoding: SignatureEncodingArg,

    /// Text before the encoded HMAC, e.g. 'sha256=' (modelled: none)
    #[arg(long, value_name = "PREFIX")]
    pub signature_prefix: Option<String>,

    /// What x-payload-key holds: the SHA-256 of the body, or none sent and none checked (modelled)
    #[arg(long = "payload-key", value_enum, value_name = "RULE", default_value_t = PayloadKeyArg::Sha256)]
    pub payload_key: PayloadKeyArg,

    /// How x-generated-at and x-sent-at are written (modelled: WL does not document it)
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = TimestampFormatArg::Rfc3339)]
    pub timestamp_format: TimestampFormatArg,
}

/// `--signature-encoding` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum SignatureEncodingArg {
    /// 64 lower-case hex digits (modelled default)
    #[default]
    Hex,
    /// Standard base64 with padding
    Base64,
}

/// `--payload-key` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum PayloadKeyArg {
    /// Lower-case hex SHA-256 of the exact body bytes (modelled default)
    #[default]
    Sha256,
    /// No rule: none is sent, and whatever arrives is not checked
    None,
}

/// `--timestamp-format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum TimestampFormatArg {
    /// RFC 3339 UTC, written with milliseconds (modelled default)
    #[default]
    Rfc3339,
    /// Unix seconds
    Unix,
    /// Unix milliseconds
    UnixMs,
}

impl FidelityArgs {
    /// The switches as the plain value the lower layers take (the prefix is checked by the
    /// command: it goes into a header).
    pub fn to_fidelity(&self) -> crate::protocol::Fidelity {
        use crate::protocol::{Fidelity, PayloadKeyRule, SignatureEncoding, TimestampFormat};
        Fidelity {
            encoding: match self.signature_encoding {
                SignatureEncodingArg::Hex => SignatureEncoding::Hex,
                SignatureEncodingArg::Base64 => SignatureEncoding::Base64,
            },
            prefix: self.signature_prefix.clone().unwrap_or_default(),
            payload_key: match self.payload_key {
                PayloadKeyArg::Sha256 => PayloadKeyRule::Sha256,
                PayloadKeyArg::None => PayloadKeyRule::None,
            },
            timestamp: match self.timestamp_format {
                TimestampFormatArg::Rfc3339 => TimestampFormat::Rfc3339,
                TimestampFormatArg::Unix => TimestampFormat::Unix,
                TimestampFormatArg::UnixMs => TimestampFormat::UnixMs,
            },
        }
    }
}

/// `--json`: the same switch on every command that prints JSON lines.
#[derive(Args, Clone, Copy, Debug, Default)]
pub struct JsonArg {
    /// One JSON object per line (see the README's table for this command)
    #[arg(id = "json", long = "json")]
    pub json: bool,
}

/// `--fixtures DIR`: a user's fixtures beside (or instead of) the bundled ones.
#[derive(Args, Clone, Debug, Default)]
pub struct FixturesDir {
    /// A folder of <event>.json files that add or replace bundled fixtures
    #[arg(
        id = "fixtures",
        long = "fixtures",
        value_name = "DIR",
        env = "WL_HOOK_FIXTURES"
    )]
    pub dir: Option<PathBuf>,
}

/// Extra trust for an https endpoint, such as a local one with a self-signed certificate.
#[derive(Args, Clone, Debug, Default)]
pub struct TlsArgs {
    /// Trust the certificates in this PEM file for https, e.g. a local self-signed one
    #[arg(long, value_name = "FILE", conflicts_with = "insecure")]
    pub cacert: Option<PathBuf>,

    /// Do not check the https endpoint's certificate (TLS only: signatures are judged as always)
    #[arg(long)]
    pub insecure: bool,
}

/// `-H` on commands that deliver requests they build themselves: headers for an endpoint behind
/// auth, added to every request.
#[derive(Args, Clone, Debug, Default)]
pub struct AddHeaderArgs {
    /// Add a header to every request, for an endpoint behind auth: -H 'Authorization: Bearer TOKEN' (repeatable)
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
}

/// How fixtures are found and turned into bodies.
#[derive(Args, Clone, Debug, Default)]
pub struct RenderArgs {
    #[command(flatten)]
    pub fixtures: FixturesDir,

    /// Seed for generated ids, for byte-for-byte reproducible output
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,

    /// Fix the clock (meta_data.date, x-generated-at, x-sent-at): 2025-01-20T20:10:00Z, or relative: -2h, +1d
    #[arg(long, value_name = "TS", allow_hyphen_values = true)]
    pub now: Option<String>,

    /// Keep the fixture's meta_data.id and meta_data.date instead of making a new event
    #[arg(long)]
    pub exact: bool,

    /// Set an existing field to a string: --set a_price.m_total=99.00 (repeatable)
    #[arg(long = "set", value_name = "PATH=STRING")]
    pub set: Vec<String>,

    /// Set an existing field to a JSON value: --set-json is_bookable=false (repeatable)
    #[arg(long = "set-json", value_name = "PATH=JSON")]
    pub set_json: Vec<String>,

    /// Create a field on purpose: --add a_price.m_fee='"2.00"' (repeatable; it must not exist)
    #[arg(long, value_name = "PATH=JSON")]
    pub add: Vec<String>,

    /// Replace an existing value whole, even an object or array: --replace purchase_items='[]'
    #[arg(long, value_name = "PATH=JSON")]
    pub replace: Vec<String>,
}

/// What body to send or sign.
#[derive(Args, Clone, Debug, Default)]
pub struct BodyArgs {
    /// Event, family alias, family.* or all (repeatable, or comma-separated): purchase.created, purchases, 'client.*'
    #[arg(short, long = "topic", value_name = "TOPIC", value_delimiter = ',', value_parser = Hinted(topic_hints), hide_possible_values = true)]
    pub topics: Vec<String>,

    /// The same as --topic, before or after the options: wl-hook send purchase.created
    #[arg(value_name = "TOPIC", value_delimiter = ',', value_parser = Hinted(topic_hints), hide_possible_values = true)]
    pub topic_args: Vec<String>,

    /// Render this JSON file instead of the bundled fixture (x-topic from --topic or its meta_data.topic)
    #[arg(long, value_name = "FILE", conflicts_with = "data")]
    pub fixture: Option<PathBuf>,

    /// Send this file's bytes exactly (- for stdin); x-topic from --topic or its meta_data.topic
    #[arg(long, value_name = "FILE|-")]
    pub data: Option<String>,

    /// Accept a --data body that is not JSON
    #[arg(long, requires = "data")]
    pub raw: bool,

    /// Back-date the event: meta_data.date and x-generated-at, at a time or relative to the clock: -2h
    #[arg(long, value_name = "TS", allow_hyphen_values = true)]
    pub generated_at: Option<String>,

    /// How fixture bodies are spelt (modelled: WL's own spelling is unknown); --data is sent as is
    #[arg(
        long,
        value_enum,
        value_name = "STYLE",
        default_value_t = JsonStyleArg::Compact,
        conflicts_with = "data"
    )]
    pub json_style: JsonStyleArg,

    #[command(flatten)]
    pub render: RenderArgs,
}

impl BodyArgs {
    /// The topics as given: the positional ones, then those of --topic, commas split.
    pub fn topic_words(&self) -> Vec<String> {
        self.topic_args
            .iter()
            .chain(&self.topics)
            .cloned()
            .collect()
    }
}

/// `--json-style` values, mapped onto [`JsonStyle`] so the fixture layer stays free of clap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum JsonStyleArg {
    /// Compact, raw UTF-8, / as is (what JSON.stringify writes)
    #[default]
    Compact,
    /// PHP json_encode defaults: compact, / as \/, non-ASCII as \uXXXX
    Php,
    /// Indented by 4, raw UTF-8, with a trailing newline
    Pretty,
}

impl From<JsonStyleArg> for JsonStyle {
    fn from(arg: JsonStyleArg) -> JsonStyle {
        match arg {
            JsonStyleArg::Compact => JsonStyle::Compact,
            JsonStyleArg::Php => JsonStyle::Php,
            JsonStyleArg::Pretty => JsonStyle::Pretty,
        }
    }
}

/// `check --connections` values, mapped onto [`Connections`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ConnectionsArg {
    /// A new connection per delivery, closed after the answer (modelled on a PHP sender)
    #[default]
    PerDelivery,
    /// A keep-alive pool that reuses connections
    KeepAlive,
}

impl From<ConnectionsArg> for Connections {
    fn from(arg: ConnectionsArg) -> Connections {
        match arg {
            ConnectionsArg::PerDelivery => Connections::PerDelivery,
            ConnectionsArg::KeepAlive => Connections::KeepAlive,
        }
    }
}

#[derive(Args, Clone)]
pub struct SignArgs {
    #[command(flatten)]
    pub body: BodyArgs,

    #[command(flatten)]
    pub key: KeyArgs,

    #[command(flatten)]
    pub fidelity: FidelityArgs,

    /// How to print the request
    #[arg(long, value_enum, default_value_t = SignFormat::Headers)]
    pub format: SignFormat,

    /// The endpoint named in curl and http output
    #[arg(long, value_name = "URL", env = "WL_HOOK_URL", default_value = DEFAULT_URL)]
    pub url: String,

    /// Add or replace a header: --header 'X-Trace: 1' (repeatable)
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
}

#[derive(Args, Clone)]
pub struct SendArgs {
    #[command(flatten)]
    pub body: BodyArgs,

    #[command(flatten)]
    pub key: KeyArgs,

    #[command(flatten)]
    pub fidelity: FidelityArgs,

    /// Where to deliver
    #[arg(long, value_name = "URL", env = "WL_HOOK_URL", default_value = DEFAULT_URL)]
    pub url: String,

    /// Add or replace a header: --header 'X-Trace: 1' (repeatable)
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,

    #[command(flatten)]
    pub tls: TlsArgs,

    /// Give up on a delivery after this long: 10s, 500ms, 1m
    #[arg(
        long,
        value_name = "DURATION",
        default_value = "10s",
        env = "WL_HOOK_TIMEOUT"
    )]
    pub timeout: String,

    /// Deliveries per topic, each a distinct event
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub count: u64,

    /// Deliveries in flight at once (one connection pool, keep-alive)
    #[arg(long, value_name = "C", default_value_t = 1)]
    pub concurrency: usize,

    /// At most this many deliveries started per second
    #[arg(long, value_name = "R")]
    pub rate: Option<f64>,

    /// Sign with this key instead (a forged delivery the receiver must reject)
    #[arg(long, value_name = "KEY", conflicts_with = "no_signature")]
    pub sign_with: Option<String>,

    /// Leave out x-signature-256 (the receiver must reject it)
    #[arg(long)]
    pub no_signature: bool,

    /// Change one byte of the body after signing (the receiver must reject it)
    #[arg(long)]
    pub tamper: bool,

    /// Send the same bytes and headers N more times, as a retry or duplicate would be
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub repeat_exact: u32,

    #[command(flatten)]
    pub json: JsonArg,

    /// Show request and response headers and the response body
    #[arg(short, long)]
    pub verbose: bool,
}

#[derive(Args, Clone)]
pub struct ListenArgs {
    /// Address to bind (loopback unless you say otherwise)
    #[arg(
        long,
        value_name = "HOST",
        default_value = "127.0.0.1",
        env = "WL_HOOK_HOST"
    )]
    pub host: String,

    /// Port to bind; 0 picks a free one (read it from the first line or --ready-file)
    #[arg(
        long,
        value_name = "PORT",
        default_value_t = 9000,
        env = "WL_HOOK_PORT"
    )]
    pub port: u16,

    #[command(flatten)]
    pub keys: KeysArgs,

    /// Do not check signatures: every delivery with a JSON body is answered --status
    #[arg(long, conflicts_with_all = ["secrets", "secret_files"])]
    pub no_verify: bool,

    /// Refuse (400) a delivery with a warning too (a wrong x-payload-key or content type...), as verify --strict fails it
    #[arg(long)]
    pub strict: bool,

    #[command(flatten)]
    pub fidelity: FidelityArgs,

    /// The answer to a valid delivery
    #[arg(long, value_name = "CODE", default_value_t = 200)]
    pub status: u16,

    /// Largest body accepted; larger gets 413: 1MiB, 512KiB, 2000000
    #[arg(long, value_name = "SIZE", default_value = "1MiB")]
    pub max_body: String,

    /// What to show of each body
    #[arg(long, value_enum, default_value_t = BodyArg::Full)]
    pub body: BodyArg,

    /// Fail the first N attempts of each payload key, then answer normally
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub fail_first: u32,

    /// Fail this fraction of deliveries (0 to 1), seeded by --seed
    #[arg(long, value_name = "P", default_value_t = 0.0)]
    pub fail_rate: f64,

    /// How a failed attempt is answered: 429, 500, 503, ... (without --fail-first or --fail-rate, every delivery fails)
    #[arg(long, value_name = "CODE", conflicts_with_all = ["hang", "reset"])]
    pub fail_status: Option<u16>,

    /// Add 'Retry-After: SECONDS' to the failure answer
    #[arg(long, value_name = "SECONDS", conflicts_with_all = ["hang", "reset"])]
    pub retry_after: Option<u64>,

    /// Fail by never answering (the connection is held until the sender gives up or listen stops)
    #[arg(long, conflicts_with = "reset")]
    pub hang: bool,

    /// Fail by closing the connection without an answer
    #[arg(long)]
    pub reset: bool,

    /// Show and forward only these events (repeatable, comma-separated, aliases allowed); others are answered --status and counted
    #[arg(long = "events", value_name = "TOPIC", value_delimiter = ',', value_parser = Hinted(topic_hints), hide_possible_values = true)]
    pub events: Vec<String>,

    /// Seed for --fail-rate, for reproducible runs
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,

    /// Wait this long before every answer: 2s, 250ms
    #[arg(long, value_name = "DURATION")]
    pub delay: Option<String>,

    /// Write every request as a capture document into DIR (created when missing)
    #[arg(long, value_name = "DIR")]
    pub save: Option<PathBuf>,

    /// Relay each valid delivery unchanged to your app and answer with its status; TOPICS=URL routes some events to another app (repeatable: the first match wins, a bare URL takes the rest)
    #[arg(long, value_name = "[TOPICS=]URL")]
    pub forward_to: Vec<String>,

    /// Add a header to every forwarded request, for an app behind auth: -H 'Authorization: Bearer TOKEN' (repeatable)
    #[arg(
        short = 'H',
        long = "header",
        value_name = "NAME: VALUE",
        requires = "forward_to"
    )]
    pub forward_headers: Vec<String>,

    #[command(flatten)]
    pub tls: TlsArgs,

    /// Stop after N deliveries (POST requests)
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,

    /// Stop when the process that started listen exits (a CI script that dies leaves no listener)
    #[arg(long)]
    pub exit_with_parent: bool,

    /// Stop after this long; exit 1 if --count or --expect-topic was not met by then
    #[arg(long, value_name = "DURATION")]
    pub timeout: Option<String>,

    /// An event that must arrive as a valid delivery (repeatable, aliases allowed)
    #[arg(long = "expect-topic", value_name = "TOPIC", value_parser = Hinted(topic_hints), hide_possible_values = true)]
    pub expect_topics: Vec<String>,

    /// Write the URL here (atomically) once connections are accepted
    #[arg(long, value_name = "PATH")]
    pub ready_file: Option<PathBuf>,

    #[command(flatten)]
    pub json: JsonArg,

    /// Port of the browser inspector on 127.0.0.1 (default 9001, another free one when busy; 0 picks a free one)
    #[arg(long, value_name = "PORT", conflicts_with = "no_ui")]
    pub ui_port: Option<u16>,

    /// Do not serve the browser inspector
    #[arg(long)]
    pub no_ui: bool,

    /// Connections open at once; when all are taken, the one idle the longest is closed
    #[arg(long, value_name = "N", default_value_t = 1024)]
    pub max_connections: usize,

    /// Close a kept-alive connection that carries no request for this long
    #[arg(long, value_name = "DURATION", default_value = "5s")]
    pub idle_timeout: String,

    /// Time a client has to send its headers, and its body
    #[arg(long, value_name = "DURATION", default_value = "10s")]
    pub read_timeout: String,
}

#[derive(Args, Clone)]
pub struct DemoArgs {
    #[command(flatten)]
    pub json: JsonArg,
}

#[derive(Args, Clone)]
pub struct CheckArgs {
    /// Your webhook endpoint
    #[arg(value_name = "URL", env = "WL_HOOK_URL", default_value = DEFAULT_URL)]
    pub url: String,

    #[command(flatten)]
    pub keys: KeysArgs,

    #[command(flatten)]
    pub fidelity: FidelityArgs,

    /// Fail a scenario that only warns (an unknown topic refused, answers near --timeout), as verify --strict does
    #[arg(long)]
    pub strict: bool,

    /// Events for the accepts scenario (repeatable or comma-separated; default all 13); the first is used by the others
    #[arg(short, long = "topic", value_name = "TOPIC", value_delimiter = ',', value_parser = Hinted(topic_hints), hide_possible_values = true)]
    pub topics: Vec<String>,

    /// An answer slower than this fails: 10s, 500ms
    #[arg(long, value_name = "DURATION", default_value = "10s")]
    pub timeout: String,

    /// First wait up to this long for the endpoint to accept connections (an app starting in the background)
    #[arg(long, value_name = "DURATION")]
    pub wait: Option<String>,

    /// Concurrent deliveries in the burst scenario
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub burst: usize,

    /// Run only these scenarios (repeatable; listed below)
    #[arg(
        long,
        value_name = "NAME",
        hide_possible_values = true,
        value_parser = clap::builder::TypedValueParser::map(
            clap::builder::EnumValueParser::<ScenarioName>::new(),
            |n| n.0
        )
    )]
    pub only: Vec<Scenario>,

    /// Write a JUnit XML report here
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,

    #[command(flatten)]
    pub json: JsonArg,

    #[command(flatten)]
    pub fixtures: FixturesDir,

    /// How fixture bodies are spelt (modelled: WL's own spelling is unknown)
    #[arg(long, value_enum, value_name = "STYLE", default_value_t = JsonStyleArg::Compact)]
    pub json_style: JsonStyleArg,

    /// How deliveries use connections (modelled: WL's sender likely opens one per delivery)
    #[arg(long, value_enum, value_name = "HOW", default_value_t = ConnectionsArg::PerDelivery)]
    pub connections: ConnectionsArg,

    #[command(flatten)]
    pub headers: AddHeaderArgs,

    #[command(flatten)]
    pub tls: TlsArgs,
}

#[derive(Args, Clone)]
pub struct VerifyArgs {
    /// Captures, raw HTTP dumps, loose JSON, folders of them, or - for stdin
    #[arg(value_name = "INPUT", required = true)]
    pub inputs: Vec<String>,

    #[command(flatten)]
    pub keys: KeysArgs,

    #[command(flatten)]
    pub fidelity: FidelityArgs,

    /// The clock for the age checks, at a time or relative to now: +1d, -2h [default: now]
    #[arg(long, value_name = "TS", allow_hyphen_values = true)]
    pub now: Option<String>,

    /// Fail events older than this (without it, older than WL's 72 h retry window is a warning)
    #[arg(long, value_name = "DURATION")]
    pub max_age: Option<String>,

    /// How far in the future x-generated-at may be
    #[arg(long, value_name = "DURATION", default_value = "5m")]
    pub skew: String,

    /// Show the signature the first key gives over the body
    #[arg(long)]
    pub show_expected: bool,

    /// Count warnings (a wrong x-payload-key or content type, an unknown event...) as failures
    #[arg(long)]
    pub strict: bool,

    /// Print nothing; only the exit code tells
    #[arg(short, long, conflicts_with = "json")]
    pub quiet: bool,

    #[command(flatten)]
    pub json: JsonArg,
}

#[derive(Args, Clone)]
pub struct ReplayArgs {
    /// Captures: wl-hook capture files, raw HTTP dumps, loose JSON, folders of them, or - for stdin
    #[arg(value_name = "CAPTURE", required_unless_present = "print_schedule")]
    pub captures: Vec<String>,

    /// Where to deliver (never a host taken from a capture)
    #[arg(long, value_name = "URL", env = "WL_HOOK_URL", default_value = DEFAULT_URL)]
    pub url: String,

    /// Retry schedule: wellnessliving, svix, standard-webhooks, exponential:..., list:...
    #[arg(
        long,
        value_name = "SCHEDULE",
        value_parser = Hinted(schedule_hints),
        hide_possible_values = true,
        default_value = "wellnessliving",
        env = "WL_HOOK_SCHEDULE"
    )]
    pub schedule: String,

    /// Give up after this many attempts
    #[arg(long, value_name = "N")]
    pub max_attempts: Option<u32>,

    /// Vary each delay by up to this many percent (reproducible with --seed)
    #[arg(long, value_name = "PCT", default_value_t = 0.0)]
    pub jitter: f64,

    /// Seed for --jitter and --order shuffle
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,

    /// Start the simulated clock here instead of now: a time, or relative to now: +1h, -1d
    #[arg(long, value_name = "TS", allow_hyphen_values = true)]
    pub start: Option<String>,

    /// Really wait delay/X between attempts (3600 = one simulated hour per second)
    #[arg(long, value_name = "X", conflicts_with = "realtime")]
    pub speed: Option<f64>,

    /// Really wait the full delays
    #[arg(long)]
    pub realtime: bool,

    /// Re-sign each capture with the key (--secret, --secret-file, WL_HOOK_SECRET)
    #[arg(long)]
    pub resign: bool,

    #[command(flatten)]
    pub key: KeyArgs,

    #[command(flatten)]
    pub fidelity: FidelityArgs,

    /// After success, deliver N more identical copies and check each is acknowledged
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub duplicates: u32,

    /// Order of several captures
    #[arg(long, value_enum, default_value_t = ReplayOrder::Given)]
    pub order: ReplayOrder,

    /// Give up on one attempt after this long
    #[arg(long, value_name = "DURATION", default_value = "10s")]
    pub timeout: String,

    #[command(flatten)]
    pub json: JsonArg,

    /// Print the schedule (attempt, delay, cumulative time) and exit
    #[arg(long)]
    pub print_schedule: bool,

    #[command(flatten)]
    pub headers: AddHeaderArgs,

    #[command(flatten)]
    pub tls: TlsArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReplayOrder {
    /// As given on the command line (folders sorted by name)
    Given,
    /// Oldest x-generated-at first
    Generated,
    /// Shuffled (reproducible with --seed)
    Shuffle,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SignFormat {
    /// Header lines, a blank line, then the body
    Headers,
    /// A curl command that sends exactly these bytes
    Curl,
    /// A raw HTTP/1.1 request
    Http,
    /// One JSON object per request, in the capture format verify reads
    Json,
}

#[derive(Subcommand, Clone)]
pub enum FixturesCommand {
    /// List the events: family, seed name, aliases, record-id field
    #[command(
        after_help = "Examples:\n  wl-hook fixtures list\n  wl-hook fixtures list --json\n\nExit codes: 0 listed; 2 unreadable --fixtures folder."
    )]
    List {
        #[command(flatten)]
        json: JsonArg,
        #[command(flatten)]
        fixtures: FixturesDir,
    },
    /// Show fixtures rendered as new events (pretty JSON), or the stored files with --raw
    #[command(
        after_help = "Examples:\n  wl-hook fixtures show purchases\n  wl-hook fixtures show client.created --raw\n  wl-hook fixtures show 'client.*' --seed 1 --now 2025-01-20T20:10:00Z\n\nExit codes: 0 shown; 2 unknown topic or bad override."
    )]
    Show {
        /// Event, family alias, family.* or all
        #[arg(value_name = "TOPIC", required = true, value_delimiter = ',', value_parser = Hinted(topic_hints), hide_possible_values = true)]
        topics: Vec<String>,
        /// Print the stored file exactly as it is
        #[arg(long)]
        raw: bool,
        #[command(flatten)]
        render: RenderArgs,
    },
    /// Write the fixtures in effect to DIR as <event>.json, to edit and use with --fixtures
    #[command(
        after_help = "Examples:\n  wl-hook fixtures export ./wl-fixtures\n  wl-hook send --fixtures ./wl-fixtures --topic purchases\n\nExit codes: 0 written; 2 a file exists (use --force) or DIR is not writable."
    )]
    Export {
        /// Folder to write to (created when missing)
        #[arg(value_name = "DIR")]
        dir: PathBuf,
        /// Overwrite files that exist
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        fixtures: FixturesDir,
    },
    /// Turn a real captured request into a fixture, with personal data replaced by fake values
    #[command(
        after_help = "Examples:\n  wl-hook fixtures import captures/000003-client.created-1a2b3c4d.json --name client.created\n  wl-hook fixtures import request.http --name membership.created --dir ./wl-fixtures --seed 7\n  wl-hook send --fixtures ./wl-fixtures --topic membership.created\n\nNames, e-mails, phones, addresses, postal codes, birth dates, free-text notes and card digits are\nreplaced with realistic fakes, consistently within the file and reproducibly (--seed); ids and\nthe JSON structure are kept.\n\nExit codes: 0 written; 2 unreadable capture, a body that is not a JSON object, or the file exists\n(use --force)."
    )]
    Import {
        /// A capture document, raw HTTP dump or loose JSON form (- for stdin)
        #[arg(value_name = "CAPTURE")]
        capture: String,
        /// The event name, which is also the file name: <NAME>.json
        #[arg(long, value_name = "NAME", value_parser = Hinted(event_hints), hide_possible_values = true)]
        name: String,
        /// Folder to write to (created when missing); use it with --fixtures DIR
        #[arg(long, value_name = "DIR", default_value = "wl-fixtures")]
        dir: PathBuf,
        /// Seed for the fake values
        #[arg(long, value_name = "N", default_value_t = 1)]
        seed: u64,
        /// Keep personal data as it is (not for fixtures you share)
        #[arg(long)]
        no_redact: bool,
        /// Overwrite the file if it exists
        #[arg(long)]
        force: bool,
    },
}

#[derive(Args, Clone)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Free text that shells still complete from a list: the list is a hint, never a check, as topics
/// also take `family.*` and any case, and schedules take parameters; the command validates (with
/// "did you mean"). The lists come from the catalogues, so completion cannot drift from them.
#[derive(Clone)]
pub struct Hinted(pub fn() -> Vec<clap::builder::PossibleValue>);

impl clap::builder::TypedValueParser for Hinted {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new((self.0)().into_iter()))
    }
}

/// Event names, then family aliases, then `all`. `family.*` is left out: a completed `*` would be
/// expanded by the shell as a file glob before wl-hook sees it.
pub fn topic_hints() -> Vec<clap::builder::PossibleValue> {
    use crate::protocol::Family;
    let mut hints = event_hints();
    for family in Family::ALL {
        for alias in family.aliases() {
            hints.push(
                clap::builder::PossibleValue::new(*alias)
                    .help(format!("the {} family's first event", family.seed_name())),
            );
        }
    }
    hints.push(clap::builder::PossibleValue::new("all").help("all 13 events"));
    hints
}

/// The 13 event names.
pub fn event_hints() -> Vec<clap::builder::PossibleValue> {
    crate::protocol::EVENTS
        .iter()
        .map(|e| clap::builder::PossibleValue::new(e.name).help(e.family.seed_name()))
        .collect()
}

/// The retry schedules that take no parameters, and `exponential` (whose parameters are optional).
pub fn schedule_hints() -> Vec<clap::builder::PossibleValue> {
    use crate::schedule::{Exponential, Policy};
    [
        Policy::WellnessLiving,
        Policy::Svix,
        Policy::StandardWebhooks,
        Policy::Exponential(Exponential::default()),
    ]
    .iter()
    .map(|p| clap::builder::PossibleValue::new(p.name()))
    .collect()
}

const INIT_HELP: &str = "\
Examples:
  wl-hook init --lang python
  wl-hook init --lang node my-receiver
  wl-hook init --lang go . --force
  wl-hook init --list

Writes a small receiver that verifies x-signature-256 over the raw body (constant-time), answers
200 at once and works in the background, acknowledges duplicates by x-payload-key, skips stale
events by x-generated-at, refuses forged or unsigned requests with 401, and answers unknown topics
200. It has ./start (serves POST /webhooks on $PORT, default 3000), ./test (runs wl-hook check
against it on a free port) and a README.

Exit codes: 0 written or listed; 2 input error (unknown language, DIR not empty without --force,
DIR not writable).";

/// `init --lang` values: the starters' languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InitLang {
    /// FastAPI + uvicorn
    Python,
    /// Express
    Node,
    /// plain PHP, for php -S and any PHP host
    Php,
    /// net/http from the standard library
    Go,
}

#[derive(Args, Clone)]
pub struct InitArgs {
    /// The starter's language
    #[arg(
        long,
        value_enum,
        value_name = "LANG",
        required_unless_present = "list"
    )]
    pub lang: Option<InitLang>,

    /// Where to write it (default wl-webhook-receiver-LANG); must be empty or not exist
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// Write into a folder that is not empty, replacing files with the same names
    #[arg(long)]
    pub force: bool,

    /// List the starters instead of writing one
    #[arg(long, conflicts_with_all = ["lang", "dir", "force"])]
    pub list: bool,
}
