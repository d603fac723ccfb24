//! wl-hook: send, receive, verify, replay and conformance-test WellnessLiving webhooks.
//!
//! The library holds the protocol core ([`protocol`]) that Rust receivers can use directly, and
//! [`run`], which the binary and the tests call.

pub mod capture;
pub mod cli;
pub mod commands;
pub mod config;
pub mod conformance;
pub mod delivery;
pub mod duration;
pub mod exit;
pub mod files;
pub mod fixture;
pub mod inspector;
pub mod json;
pub mod judge;
pub mod output;
pub mod protocol;
pub mod redact;
pub mod replay;
pub mod schedule;
pub mod server;
pub mod templates;

use anyhow::Result;

use cli::{Cli, Command};
use exit::Exit;

/// Run a parsed command line and return how it ended.
pub fn run(cli: Cli) -> Result<Exit> {
    let Some(command) = &cli.command else {
        output::raw(format!("{}\n", cli::OVERVIEW).as_bytes())?;
        return Ok(Exit::Ok);
    };
    match command {
        Command::Send(args) => commands::send::run(args),
        Command::Listen(args) => commands::listen::run(args),
        Command::Replay(args) => commands::replay::run(args),
        Command::Sign(args) => commands::sign::run(args),
        Command::Verify(args) => commands::verify::run(args),
        Command::Check(args) => commands::check::run(args),
        Command::Demo(args) => commands::demo::run(args),
        Command::Fixtures(cmd) => commands::fixtures::run(cmd),
        Command::Completions(args) => commands::completions::run(args),
        Command::Man(args) => commands::completions::man(args),
        Command::Init(args) => commands::init::run(args),
        Command::Config(cmd) => commands::config::run(cmd, cli.profile.as_deref()),
    }
}
