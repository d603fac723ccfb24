use crate::common::*;

/// The ports the demo's listeners used, read from its output.
fn ports(text: &str) -> Vec<u16> {
    text.split("http://127.0.0.1:")
        .skip(1)
        .filter_map(|rest| {
            rest.split(|c: char| !c.is_ascii_digit())
                .next()?
                .parse()
                .ok()
        })
        .collect()
}

#[test]
fn demo_runs_the_whole_flow_and_leaves_nothing_behind() {
    let cwd = tempfile::tempdir().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = wl()
        .arg("demo")
        .current_dir(cwd.path())
        .env("TMPDIR", tmp.path())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for e in EVENTS {
        assert!(
            text.contains(&format!(" {e} ✓ valid")),
            "{e} not shown as received:\n{text}"
        );
    }
    assert!(text.contains("13 captures verified"), "{text}");
    assert!(
        text.contains("delivered on attempt 4, 7 min after the first"),
        "{text}"
    );
    assert!(text.contains("12 passed, 0 failed"), "{text}");
    assert!(text.contains("Try it against your own endpoint"));
    // Nothing left listening, nothing written outside the temporary folder (which is gone).
    let used = ports(&text);
    assert!(used.len() >= 2, "{used:?}");
    for p in used {
        assert!(
            std::net::TcpStream::connect(("127.0.0.1", p)).is_err(),
            "port {p} still listening"
        );
    }
    assert_eq!(
        std::fs::read_dir(cwd.path()).unwrap().count(),
        0,
        "nothing written to the working folder"
    );
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        0,
        "the temporary folder was removed"
    );
}

#[test]
fn demo_json_gives_the_steps_as_objects() {
    let tmp = tempfile::tempdir().unwrap();
    let out = wl()
        .args(["demo", "--json"])
        .env("TMPDIR", tmp.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let lines = ndjson(&out.stdout);
    let steps: Vec<_> = lines
        .iter()
        .filter(|l| l["type"] == "step")
        .map(|l| l["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(steps, ["listen", "send", "verify", "replay", "check"]);
    assert_eq!(lines.iter().filter(|l| l["type"] == "request").count(), 13);
    assert_eq!(
        lines
            .iter()
            .filter(|l| l["type"] == "verified" && l["valid"] == true)
            .count(),
        13
    );
    assert!(lines
        .iter()
        .any(|l| l["type"] == "attempt" && l["attempt"] == 4 && l["accepted"] == true));
    let summary = lines.last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["ok"], true);
    assert_eq!(summary["verified"], 13);
}
