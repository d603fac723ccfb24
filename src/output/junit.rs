//! A JUnit XML report of `check`'s scenarios, the format CI systems render.

use std::fmt::Write;
use std::time::Duration;

use crate::conformance::{Report, Verdict};

/// Escape text for XML attributes and content, dropping characters XML 1.0 cannot hold.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

fn secs(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64())
}

/// The whole report: one testsuite, one testcase per scenario; FAIL is a `<failure>`, WARN is
/// noted in `<system-out>` and does not fail the build.
pub fn report(report: &Report) -> String {
    let (url, results, elapsed) = (report.url.as_str(), &report.results, report.elapsed);
    let failures = results
        .iter()
        .filter(|r| r.verdict == Verdict::Fail)
        .count();
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        x,
        "<testsuites name=\"wl-hook check\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" time=\"{}\">",
        results.len(),
        secs(elapsed)
    );
    let _ = writeln!(
        x,
        "  <testsuite name=\"wl-hook check {}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\" time=\"{}\" timestamp=\"{}\">",
        escape(url),
        results.len(),
        secs(elapsed),
        report.started_at.format("%Y-%m-%dT%H:%M:%S")
    );
    for r in results {
        let open = format!(
            "    <testcase name=\"{}\" classname=\"wl-hook.check\" time=\"{}\"",
            r.scenario.name(),
            secs(r.elapsed)
        );
        match r.verdict {
            Verdict::Pass => {
                let _ = writeln!(
                    x,
                    "{open}>\n      <system-out>{}</system-out>\n    </testcase>",
                    escape(&r.reason)
                );
            }
            Verdict::Warn => {
                let _ = writeln!(
                    x,
                    "{open}>\n      <system-out>WARN: {}</system-out>\n    </testcase>",
                    escape(&r.reason)
                );
            }
            Verdict::Fail => {
                let _ = writeln!(
                    x,
                    "{open}>\n      <failure message=\"{}\" type=\"FAIL\">{}</failure>\n    </testcase>",
                    escape(&r.reason),
                    escape(&r.reason)
                );
            }
        }
    }
    x.push_str("  </testsuite>\n</testsuites>\n");
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
        assert_eq!(escape("x\u{1b}[2J"), "x\\u{1b}[2J");
    }
}
