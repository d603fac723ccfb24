//! One integration-test binary: each module drives the real `wl-hook` binary for one command.

#![allow(clippy::unwrap_used)]

mod check;
mod common;
mod server;

mod agreement;
mod completions;
mod config;
mod connect;
mod demo;
mod docs;
mod explanations;
mod faults;
mod fidelity;
mod fixtures;
mod header_bytes;
mod init;
mod inspector;
mod json_types;
mod listen;
mod listen_controls;
mod receivers;
mod recipes;
mod reliability;
mod replay;
mod send;
mod sign;
mod snapshots;
mod usage;
mod verify;
