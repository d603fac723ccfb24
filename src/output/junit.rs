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

    #[test]
    fn a_fail_is_a_failure_a_warn_is_output_and_the_time_is_the_runs() {
        use crate::conformance::{Scenario, ScenarioResult};
        let result = |scenario, verdict, reason: &str| ScenarioResult {
            scenario,
            verdict,
            reason: reason.into(),
            blocked_by: None,
            max_latency: None,
            deliveries: 1,
            elapsed: Duration::from_millis(1500),
        };
        let xml = report(&Report {
            url: reqwest::Url::parse("http://127.0.0.1:3000/webhooks").expect("URL"),
            results: vec![
                result(
                    Scenario::Accepts,
                    Verdict::Pass,
                    "2 events answered 200/201",
                ),
                result(Scenario::RejectsForged, Verdict::Fail, "accepts <forged>"),
                result(Scenario::UnknownTopic, Verdict::Warn, "answered 404"),
            ],
            started_at: chrono::DateTime::parse_from_rfc3339("2026-03-01T12:00:00Z")
                .expect("a valid time")
                .to_utc(),
            elapsed: Duration::from_millis(4250),
        });
        let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
        let suite = doc
            .descendants()
            .find(|n| n.has_tag_name("testsuite"))
            .expect("a testsuite");
        assert_eq!(suite.attribute("timestamp"), Some("2026-03-01T12:00:00"));
        assert_eq!(suite.attribute("failures"), Some("1"));
        assert_eq!(suite.attribute("time"), Some("4.250"));
        let cases: Vec<_> = suite.children().filter(|n| n.is_element()).collect();
        let names: Vec<_> = cases.iter().map(|c| c.attribute("name")).collect();
        assert_eq!(
            names,
            [
                Some("accepts"),
                Some("rejects-forged"),
                Some("unknown-topic")
            ]
        );
        let failure = cases[1].first_element_child().expect("a failure");
        assert_eq!(failure.tag_name().name(), "failure");
        assert_eq!(failure.attribute("message"), Some("accepts <forged>"));
        let warned = cases[2].first_element_child().expect("output");
        assert_eq!(warned.tag_name().name(), "system-out");
        assert_eq!(warned.text(), Some("WARN: answered 404"));
    }
}
