//! `wl-hook sign`: build and sign requests and print them; nothing is sent.

use std::io::Write;

use anyhow::Result;

use crate::cli::{SignArgs, SignFormat};
use crate::commands::common::{self, BodyPlan};
use crate::exit::Exit;
use crate::output::request::PrintedRequest;
use crate::protocol;

pub fn run(args: &SignArgs) -> Result<Exit> {
    // Everything is checked before anything is printed.
    let url = common::parse_url(&args.url)?;
    common::check_header_args(&args.headers)?;
    let now = common::now(&args.body.render)?;
    let mut plan = BodyPlan::from_args(&args.body, now)?;
    let key = common::load_key(&args.key)?;
    let fidelity = common::fidelity(&args.fidelity)?;

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for i in 0..plan.len() {
        let r = plan.render(i);
        let mut headers =
            protocol::build_headers(&fidelity, &r.event, &r.body, &key, r.generated_at, now);
        common::apply_header_args(&mut headers, &args.headers)?;
        let req = PrintedRequest {
            url: &url,
            headers: &headers,
            header_bytes: None,
            body: &r.body,
        };
        // Text forms are separated by a blank line; JSON and HTTP forms follow each other.
        if i > 0 && matches!(args.format, SignFormat::Headers | SignFormat::Curl) {
            PrintedRequest::write_separator(&mut out)?;
        }
        match args.format {
            SignFormat::Headers => req.write_headers(&mut out)?,
            SignFormat::Curl => req.write_curl(&mut out)?,
            SignFormat::Http => req.write_http(&mut out)?,
            SignFormat::Json => req.write_json(&mut out)?,
        }
    }
    out.flush()?;
    Ok(Exit::Ok)
}
