//! One module per subcommand, each with `run(args) -> Result<Exit>`; `common` turns shared
//! arguments into checked values.

pub mod check;
pub mod common;
pub mod completions;
pub mod demo;
pub mod fixtures;
pub mod listen;
pub mod replay;
pub mod send;
pub mod sign;
pub mod verify;
