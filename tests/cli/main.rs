//! One integration-test binary: each module drives the real `wl-hook` binary for one command.

#![allow(clippy::unwrap_used)]

mod check;
mod common;
mod server;

mod completions;
mod connect;
mod demo;
mod docs;
mod explanations;
mod faults;
mod fixtures;
mod init;
mod json_types;
mod listen;
mod receivers;
mod reliability;
mod replay;
mod send;
mod sign;
mod snapshots;
mod verify;
