//! One module per subcommand, each with `run(args) -> Result<Exit>`; `common` turns shared
//! arguments into checked values.

pub mod check;
pub mod common;
pub mod completions;
pub mod config;
pub mod demo;
pub mod fixtures;
pub mod init;
pub mod listen;
pub mod replay;
pub mod send;
pub mod sign;
pub mod verify;

/// The runtime of `listen` and `send`: one thread, which serves or delivers with the least CPU
/// per request (measured for each: see their `run`).
pub fn single_thread_runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

/// The async runtime for the other commands that do network I/O (the rest never start one).
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}
