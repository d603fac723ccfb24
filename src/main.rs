use std::process::ExitCode;

use clap::Parser;

use wl_hook::cli::{Cli, ColorWhen};
use wl_hook::exit;
use wl_hook::output::ColorChoice;

fn main() -> ExitCode {
    let cli = Cli::parse();
    wl_hook::output::init_color(match cli.color {
        ColorWhen::Auto => ColorChoice::Auto,
        ColorWhen::Always => ColorChoice::Always,
        ColorWhen::Never => ColorChoice::Never,
    });
    match wl_hook::run(cli) {
        Ok(code) => ExitCode::from(code.code()),
        Err(err) => {
            // A closed pipe (e.g. `| head`) is not worth a message, but the run did not finish,
            // so it must not look like success to a CI script.
            if err.chain().any(|e| {
                e.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::from(exit::Exit::Negative.code());
            }
            eprintln!("wl-hook: error: {err:#}");
            ExitCode::from(exit::code_of(&err).code())
        }
    }
}
