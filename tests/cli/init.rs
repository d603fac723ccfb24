//! `wl-hook init`: the files a starter is made of, their executable bits, and when a folder is
//! refused. The starters themselves run on their real runtimes in `.ci/starters`, not here.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::common::wl;

const LANGS: [&str; 4] = ["python", "node", "php", "go"];

/// The files under templates/LANG, plus the shared test script, as (name, bytes).
fn template_files(lang: &str) -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(root.join(lang))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    files.push(("test".into(), std::fs::read(root.join("test")).unwrap()));
    files.sort();
    files
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn stdout_of(out: &std::process::Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn each_language_writes_its_template_byte_for_byte_with_runnable_scripts() {
    let tmp = tempfile::tempdir().unwrap();
    for lang in LANGS {
        let out = wl()
            .args(["init", "--lang", lang])
            .current_dir(tmp.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{lang}: {out:?}");
        let dir = tmp.path().join(format!("wl-webhook-receiver-{lang}"));
        let expected = template_files(lang);
        let mut written: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        written.sort();
        let names: Vec<String> = expected.iter().map(|(n, _)| n.clone()).collect();
        assert_eq!(written, names, "{lang}");
        for (name, bytes) in &expected {
            let path = dir.join(name);
            assert_eq!(&std::fs::read(&path).unwrap(), bytes, "{lang}/{name}");
            let executable = mode(&path) & 0o111 != 0;
            assert_eq!(
                executable,
                name == "start" || name == "test",
                "{lang}/{name} mode {:o}",
                mode(&path)
            );
        }
        assert_eq!(mode(&dir.join("start")) & 0o100, 0o100, "owner may run it");

        let text = stdout_of(&out);
        assert!(
            text.starts_with(&format!("Wrote a {lang} receiver")),
            "{text}"
        );
        for (name, _) in &expected {
            assert!(
                text.contains(&format!("  {name}")),
                "{lang}: {name} not listed\n{text}"
            );
        }
        assert!(
            text.contains(&format!("Next, in wl-webhook-receiver-{lang}:")),
            "{text}"
        );
        assert!(
            text.contains("WL_HOOK_SECRET=your-webhook-key ./start"),
            "{text}"
        );
        assert!(text.contains("  ./test "), "{text}");
    }
}

#[test]
fn a_given_folder_is_created_with_its_parents_and_an_empty_one_is_used() {
    let tmp = tempfile::tempdir().unwrap();
    let nested = tmp.path().join("a/b/receiver");
    wl().args(["init", "--lang", "go"])
        .arg(&nested)
        .assert()
        .success();
    assert!(nested.join("main.go").is_file());

    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    wl().args(["init", "--lang", "php"])
        .arg(&empty)
        .assert()
        .success();
    assert!(empty.join("index.php").is_file());
}

#[test]
fn a_folder_that_is_not_empty_is_refused_without_force_and_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("mine");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("README.md"), "my own readme").unwrap();
    let out = wl()
        .args(["init", "--lang", "node"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("is not empty") && err.contains("--force"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(left.len(), 1, "nothing written");
    assert_eq!(
        std::fs::read_to_string(dir.join("README.md")).unwrap(),
        "my own readme"
    );

    // A hidden file counts too: a .git folder is the usual one.
    let hidden = tmp.path().join("hidden");
    std::fs::create_dir_all(hidden.join(".git")).unwrap();
    wl().args(["init", "--lang", "node"])
        .arg(&hidden)
        .assert()
        .code(2);
}

#[test]
fn force_replaces_the_starters_files_and_keeps_the_others() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("mine");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("README.md"), "my own readme").unwrap();
    std::fs::write(dir.join("notes.txt"), "keep me").unwrap();
    let out = wl()
        .args(["init", "--lang", "python", "--force"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        std::fs::read_to_string(dir.join("notes.txt")).unwrap(),
        "keep me"
    );
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    assert!(readme.starts_with("# A WellnessLiving webhook receiver in Python"));
    let text = stdout_of(&out);
    let readme_line = text.lines().find(|l| l.contains("README.md")).unwrap();
    assert!(readme_line.contains("replaced"), "{text}");
    let app_line = text.lines().find(|l| l.contains("app.py")).unwrap();
    assert!(!app_line.contains("replaced"), "{text}");
}

#[test]
fn a_file_in_the_way_is_refused_even_with_force() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("receiver");
    std::fs::write(&file, "x").unwrap();
    let out = wl()
        .args(["init", "--lang", "go", "--force"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a folder"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
}

#[test]
fn list_names_every_starter_and_what_it_is_built_on() {
    let out = wl().args(["init", "--list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = stdout_of(&out);
    for (lang, stack, file) in [
        ("python", "FastAPI + uvicorn", "requirements.txt"),
        ("node", "Express", "package-lock.json"),
        ("php", "plain PHP", "worker.php"),
        ("go", "net/http", "go.mod"),
    ] {
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("{lang} ")))
            .unwrap_or_else(|| panic!("{lang} not listed:\n{text}"));
        assert!(line.contains(stack) && line.contains(file), "{line}");
    }
    let tmp = tempfile::tempdir().unwrap();
    wl().args(["init", "--list"])
        .current_dir(tmp.path())
        .assert()
        .success();
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        0,
        "--list writes nothing"
    );
}

#[test]
fn a_bad_or_missing_language_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let out = wl()
        .args(["init", "--lang", "rust"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("python") && err.contains("go"),
        "names the choices: {err}"
    );
    wl().arg("init").current_dir(tmp.path()).assert().code(2);
    wl().args(["init", "--list", "--lang", "go"])
        .current_dir(tmp.path())
        .assert()
        .code(2);
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        0,
        "nothing written"
    );
}
