//! `wl-hook verify`: check captured requests and explain why each does or does not verify.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Condvar, Mutex};

use anyhow::Result;

use crate::capture;
use crate::cli::VerifyArgs;
use crate::commands::common::{self, Input};
use crate::exit::Exit;
use crate::judge::{self, CheckOptions, NamedKey};
use crate::output::verify::{Mode, VerifyView};

pub fn run(args: &VerifyArgs) -> Result<Exit> {
    let keys = common::load_keys(&args.keys.secrets, &args.keys.secret_files)?;
    if keys.is_empty() && !args.quiet {
        crate::output::note(&format!(
            "no key given; checking with the development key '{}' (pass --secret or --secret-file, or set WL_HOOK_SECRET)",
            crate::protocol::DEV_KEY
        ));
    }
    let now = match &args.now {
        Some(v) => common::parse_time("--now", v)?,
        None => chrono::Utc::now(),
    };
    let to_chrono =
        |d: std::time::Duration| chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX);
    let max_age = args
        .max_age
        .as_deref()
        .map(|v| common::duration_flag("--max-age", v))
        .transpose()?
        .map(to_chrono);
    let skew = to_chrono(common::duration_flag("--skew", &args.skew)?);
    let opts = CheckOptions {
        now,
        max_age,
        skew,
        show_expected: args.show_expected,
        strict: args.strict,
        fidelity: common::fidelity(&args.fidelity)?,
        // -q prints nothing per input: only the verdicts matter.
        pass_reasons: !args.quiet,
        ..CheckOptions::at(now)
    };
    let mode = if args.json.json {
        Mode::Json
    } else if args.quiet {
        Mode::Quiet
    } else {
        Mode::Human
    };

    let inputs = common::inputs(&args.inputs);
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(MAX_WORKERS);
    let checker = Checker {
        keys: &keys,
        opts: &opts,
        clock_fixed: args.now.is_some(),
        mode,
        large: Mutex::new(()),
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let exit = check_all(&inputs, workers, &checker, &mut out)?;
    out.flush()?;
    Ok(exit)
}

/// Inputs are independent, so they are checked on every core (up to this many threads).
const MAX_WORKERS: usize = 8;

/// Workers take inputs in blocks of this many and hand over each block's results in one
/// message: one hand-over (and wake-up of the printer) per input cost more than checking a
/// small capture.
const BLOCK: usize = 32;

/// How many blocks past the one printed next the workers may take: the bound on the memory
/// that results waiting to be printed in order take.
const WINDOW: usize = 16;

/// Inputs from this size on are held in memory one at a time, whatever the number of workers,
/// so that a run needs memory for its largest input, not for several; the check itself spreads
/// over the cores for them.
const LARGE_INPUT: u64 = 1 << 20;

/// What checking one input needs, shared by the workers.
struct Checker<'a> {
    keys: &'a [NamedKey],
    opts: &'a CheckOptions,
    /// `--now` was given: every input is judged at that time, its `received_at` or not.
    clock_fixed: bool,
    mode: Mode,
    /// Held while a large input is read and checked.
    large: Mutex<()>,
}

/// One input's verdict, and what the view prints for it.
struct Checked {
    exit: Exit,
    text: Vec<u8>,
}

impl Checker<'_> {
    fn check(&self, input: &Input) -> std::io::Result<Checked> {
        let mut text = Vec::new();
        let mut view = VerifyView::new(&mut text, self.mode);
        let lock = || self.large.lock().unwrap_or_else(|e| e.into_inner());
        // The lock (for an input of [`LARGE_INPUT`] or more) is held until the input and its
        // request are dropped, at the end of the `Ok` arm.
        let read = input.read_gated(|size| size.is_none_or(|n| n >= LARGE_INPUT).then(lock));
        let exit = match read {
            Ok((bytes, _one_at_a_time)) => {
                let bytes = bytes.into();
                match capture::parse_bytes(&input.name, &bytes) {
                    Ok(req) => self.judge(&mut view, &input.name, &req)?,
                    // Several capture documents, one per line: each is an input, FILE:LINE.
                    Err(e) => match capture::json_lines(&bytes) {
                        Some(docs) => {
                            let mut exit = Exit::Ok;
                            for (line, doc) in docs {
                                let name = format!("{}:{line}", input.name);
                                exit = exit.worst(match capture::parse_input(&name, doc) {
                                    Ok(req) => self.judge(&mut view, &name, &req)?,
                                    Err(e) => {
                                        view.unreadable(&name, &e.to_string())?;
                                        Exit::Input
                                    }
                                });
                            }
                            exit
                        }
                        None => {
                            view.unreadable(&input.name, &e.to_string())?;
                            Exit::Input
                        }
                    },
                }
            }
            Err(e) => {
                view.unreadable(&input.name, &e)?;
                Exit::Input
            }
        };
        view.finish()?;
        Ok(Checked { exit, text })
    }

    /// Judge one request and show the report: a capture as at its reception, as listen
    /// judged it, unless `--now` fixed the clock.
    fn judge(
        &self,
        view: &mut VerifyView<&mut Vec<u8>>,
        name: &str,
        req: &capture::Request,
    ) -> std::io::Result<Exit> {
        let at_reception = match (self.clock_fixed, req.received_at) {
            (false, Some(now)) => Some(CheckOptions {
                now,
                ..self.opts.clone()
            }),
            _ => None,
        };
        let opts = at_reception.as_ref().unwrap_or(self.opts);
        let report = judge::check(req, self.keys, opts);
        view.report(name, req, &report)?;
        Ok(if report.valid {
            Exit::Ok
        } else {
            Exit::Negative
        })
    }
}

/// Check every input, printing the results in input order; the worst exit.
///
/// With several workers, each takes the next block of [`BLOCK`] inputs not yet taken and hands
/// its results to the printer, which prints the blocks in order: a worker that the system
/// leaves waiting (the cores are shared) holds up the printing but not the other workers, which
/// go on up to [`WINDOW`] blocks ahead.
fn check_all(
    inputs: &[Input],
    workers: usize,
    checker: &Checker<'_>,
    out: &mut impl Write,
) -> std::io::Result<Exit> {
    let mut exit = Exit::Ok;
    let mut print = |checked: Checked| {
        exit = exit.worst(checked.exit);
        out.write_all(&checked.text)
    };
    let blocks: Vec<&[Input]> = inputs.chunks(BLOCK).collect();
    let workers = workers.min(blocks.len());
    if workers < 2 {
        for input in inputs {
            print(checker.check(input)?)?;
        }
        return Ok(exit);
    }
    let next = AtomicUsize::new(0);
    // How many blocks are printed, or `None` once the printer stopped.
    let printed = (Mutex::new(Some(0usize)), Condvar::new());
    let (tx, rx) = mpsc::channel::<(usize, std::io::Result<Vec<Checked>>)>();
    let stop = || {
        *printed.0.lock().unwrap_or_else(|e| e.into_inner()) = None;
        printed.1.notify_all();
    };
    std::thread::scope(|s| {
        for _ in 0..workers {
            let (tx, next, printed, blocks) = (tx.clone(), &next, &printed, &blocks);
            s.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(block) = blocks.get(i) else { break };
                let mut done = printed.0.lock().unwrap_or_else(|e| e.into_inner());
                while done.is_some_and(|n| i >= n + WINDOW) {
                    done = printed.1.wait(done).unwrap_or_else(|e| e.into_inner());
                }
                let stopped = done.is_none();
                drop(done);
                if stopped {
                    break;
                }
                let checked = block.iter().map(|input| checker.check(input)).collect();
                if tx.send((i, checked)).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        let result = (|| {
            let mut waiting: Vec<Option<Vec<Checked>>> = (0..blocks.len()).map(|_| None).collect();
            let mut n = 0;
            while n < blocks.len() {
                let (i, checked) = rx
                    .recv()
                    .map_err(|_| std::io::Error::other("a verify worker stopped"))?;
                waiting[i] = Some(checked?);
                while let Some(block) = waiting.get_mut(n).and_then(Option::take) {
                    for checked in block {
                        print(checked)?;
                    }
                    n += 1;
                    *printed.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(n);
                    printed.1.notify_all();
                }
            }
            Ok::<(), std::io::Error>(())
        })();
        if result.is_err() {
            stop();
        }
        result
    })?;
    Ok(exit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_input_order_with_the_verdicts_of_one_worker() {
        let dir = tempfile::tempdir().unwrap();
        let key = crate::protocol::dev_secret();
        let mut names = Vec::new();
        for i in 0..800 {
            let body = format!("{{\"n\":{i}}}");
            let sig = crate::protocol::sign(&key, body.as_bytes());
            let headers = vec![
                ("x-topic".to_string(), "client.created".to_string()),
                (
                    "x-generated-at".to_string(),
                    "2030-01-01T00:00:00.000Z".to_string(),
                ),
                ("x-signature-256".to_string(), sig),
            ];
            let name = dir.path().join(format!("{i:04}.json"));
            let bytes = match i % 5 {
                // valid, a bad signature, not JSON, binary, an HTTP dump
                0 => serde_json::to_vec(&capture::Capture::new(
                    "POST",
                    "/",
                    headers,
                    body.as_bytes(),
                ))
                .unwrap(),
                1 => {
                    serde_json::to_vec(&capture::Capture::new("POST", "/", headers, b"{}")).unwrap()
                }
                2 => b"{not json".to_vec(),
                3 => vec![0x89, 0, 1, 2],
                _ => format!("POST / HTTP/1.1\r\nx-topic: a.b\r\n\r\n{body}").into_bytes(),
            };
            std::fs::write(&name, bytes).unwrap();
            names.push(name.display().to_string());
        }
        let inputs = common::inputs(&[dir.path().display().to_string()]);
        let opts = CheckOptions::at(
            crate::protocol::timestamp::parse("2030-01-01T00:01:00Z")
                .unwrap()
                .0,
        );
        let checker = Checker {
            keys: &[],
            opts: &opts,
            clock_fixed: true,
            mode: Mode::Json,
            large: Mutex::new(()),
        };
        let run = |workers| {
            let mut out = Vec::new();
            let exit = check_all(&inputs, workers, &checker, &mut out).unwrap();
            (exit, String::from_utf8(out).unwrap())
        };
        let (serial_exit, serial) = run(1);
        let lines: Vec<serde_json::Value> = serial
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let order: Vec<&str> = lines.iter().map(|l| l["input"].as_str().unwrap()).collect();
        assert_eq!(order, names);
        let valid = lines.iter().filter(|l| l["valid"] == true).count();
        assert_eq!(valid, 160);
        assert_eq!(serial_exit, Exit::Input);
        for workers in [2, 3, 8] {
            let (exit, text) = run(workers);
            assert_eq!(exit, serial_exit, "{workers} workers");
            // Compared line by line, so that a failure names the first difference.
            for (i, (a, b)) in text.lines().zip(serial.lines()).enumerate() {
                assert_eq!(a, b, "{workers} workers, line {i}");
            }
            assert_eq!(text.lines().count(), 800, "{workers} workers");
        }
    }
}
