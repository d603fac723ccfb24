//! wl-hook.toml: settings by long flag name, command sections and profiles, with the precedence
//! flag > environment > profile > file > built-in, relative paths from the file's folder, and
//! errors that name the file, line and key.

use predicates::prelude::*;

use crate::common::*;

const FILE: &str = r#"# the project's defaults
secret-file = "keys/wl.key"
url = "http://127.0.0.1:9/from-file"

[listen]
port = 9100

[profiles.staging]
url = "http://127.0.0.1:9/from-profile"

[profiles.broken.listen]
port = "abc"
"#;

/// A project folder with wl-hook.toml and its key file, and a subfolder to run from.
fn project() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("wl-hook.toml"), FILE).unwrap();
    std::fs::create_dir_all(dir.path().join("keys")).unwrap();
    std::fs::write(dir.path().join("keys/wl.key"), "file-key\n").unwrap();
    let sub = dir.path().join("src/deep");
    std::fs::create_dir_all(&sub).unwrap();
    (dir, sub)
}

/// The URL and body `sign` prints, and the signature it made.
fn signed(cmd: &mut assert_cmd::Command, typed: &[&str]) -> (String, String, String) {
    let out = cmd
        .args(["sign", "client.created", "--format", "json", "--seed", "1"])
        .args(typed)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let signature = doc["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h[0] == "x-signature-256")
        .unwrap()[1]
        .as_str()
        .unwrap()
        .to_string();
    (
        doc["url"].as_str().unwrap().to_string(),
        doc["body"].as_str().unwrap().to_string(),
        signature,
    )
}

#[test]
fn precedence_is_flag_then_environment_then_profile_then_file_then_built_in() {
    let (_dir, sub) = project();
    // The file, found from a subfolder; its key file is relative to the file.
    let (url, body, signature) = signed(wl().current_dir(&sub), &[]);
    assert_eq!(url, "http://127.0.0.1:9/from-file");
    assert_eq!(signature, openssl_hmac(b"file-key", body.as_bytes()));
    // A profile beats the file, by flag or by WL_HOOK_PROFILE.
    let (url, ..) = signed(wl().current_dir(&sub).args(["--profile", "staging"]), &[]);
    assert_eq!(url, "http://127.0.0.1:9/from-profile");
    let (url, ..) = signed(
        wl().current_dir(&sub).env("WL_HOOK_PROFILE", "staging"),
        &[],
    );
    assert_eq!(url, "http://127.0.0.1:9/from-profile");
    // The environment beats the profile, the key file included.
    let (url, body, signature) = signed(
        wl().current_dir(&sub)
            .args(["--profile", "staging"])
            .env("WL_HOOK_URL", "http://127.0.0.1:9/from-env")
            .env("WL_HOOK_SECRET", "env-key"),
        &[],
    );
    assert_eq!(url, "http://127.0.0.1:9/from-env");
    assert_eq!(signature, openssl_hmac(b"env-key", body.as_bytes()));
    // A typed flag beats everything.
    let (url, body, signature) = signed(
        wl().current_dir(&sub)
            .env("WL_HOOK_URL", "http://127.0.0.1:9/from-env"),
        &["--url", "http://127.0.0.1:9/typed", "--secret", "typed-key"],
    );
    assert_eq!(url, "http://127.0.0.1:9/typed");
    assert_eq!(signature, openssl_hmac(b"typed-key", body.as_bytes()));
    // Outside the project: the built-in default.
    let elsewhere = tempfile::tempdir().unwrap();
    let (url, ..) = signed(wl().current_dir(elsewhere.path()), &[]);
    assert_eq!(url, "http://127.0.0.1:9000/webhooks");
}

#[test]
fn the_user_file_is_read_and_the_project_file_wins() {
    let (dir, sub) = project();
    let home = dir.path().join("xdg");
    std::fs::create_dir_all(home.join("wl-hook")).unwrap();
    std::fs::write(
        home.join("wl-hook/config.toml"),
        "url = \"http://127.0.0.1:9/from-user\"\n[replay]\nschedule = \"svix\"\n",
    )
    .unwrap();
    let out = wl()
        .current_dir(&sub)
        .env("XDG_CONFIG_HOME", &home)
        .args(["config", "show", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let lines: Vec<serde_json::Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["type"], "config");
    assert_eq!(lines[0]["files"].as_array().unwrap().len(), 2);
    let setting = |key: &str| {
        lines
            .iter()
            .find(|l| l["key"] == key)
            .unwrap_or_else(|| panic!("no {key} in {lines:?}"))
            .clone()
    };
    assert_eq!(setting("url")["value"], "http://127.0.0.1:9/from-file");
    assert_eq!(setting("replay.schedule")["value"], "svix");
    assert!(setting("replay.schedule")["from"]
        .as_str()
        .unwrap()
        .ends_with("config.toml:3 [replay]"));
    assert_eq!(setting("listen.port")["value"], "9100");
    assert_eq!(setting("listen.host")["from"], "built-in");
}

#[test]
fn config_show_says_where_each_setting_comes_from_and_never_shows_a_key() {
    let (_dir, sub) = project();
    wl().current_dir(&sub)
        .args(["config", "show"])
        .env("WL_HOOK_PORT", "9300")
        .env("WL_HOOK_SECRET", "very-secret-value")
        .assert()
        .success()
        .stdout(predicate::str::contains("wl-hook.toml:3"))
        .stdout(
            predicate::str::is_match(
                r"listen\.port +9300 +WL_HOOK_PORT \(over .*wl-hook\.toml:6 \[listen\]\)",
            )
            .unwrap(),
        )
        .stdout(predicate::str::is_match(r"key +\(hidden\) +WL_HOOK_SECRET").unwrap())
        .stdout(predicate::str::contains("very-secret-value").not());
    wl().current_dir(&sub)
        .args(["config", "show"])
        .assert()
        .success()
        .stdout(predicate::str::contains("read from"))
        .stdout(predicate::str::contains("file-key").not());
}

#[test]
fn a_bad_file_or_value_names_the_file_line_and_key() {
    let (dir, sub) = project();
    // A value clap refuses, from a profile.
    wl().current_dir(&sub)
        .args(["--profile", "broken", "listen"])
        .assert()
        .code(2)
        .stderr(predicate::str::is_match(
            r"^wl-hook: error: .*wl-hook\.toml:12 \[profiles\.broken\.listen\]: invalid value 'abc' for '--port <PORT>'",
        ).unwrap());
    // An unknown profile.
    wl().current_dir(&sub)
        .args(["--profile", "prod", "send"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no profile 'prod'"));
    // A value the command's own parser refuses.
    std::fs::write(
        dir.path().join("wl-hook.toml"),
        "[replay]\nschedule = \"weekly\"\n",
    )
    .unwrap();
    wl().current_dir(&sub)
        .args(["replay", "x.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::is_match(
            r"^wl-hook: error: .*wl-hook\.toml:2 \[replay\]: --schedule: unknown schedule 'weekly'",
        ).unwrap());
    // An unknown key, with a suggestion; a key in the file is refused.
    std::fs::write(
        dir.path().join("wl-hook.toml"),
        "url = \"http://127.0.0.1:9/\"\nurll = 1\n",
    )
    .unwrap();
    wl().current_dir(&sub).arg("send").assert().code(2).stderr(
        predicate::str::is_match(r"wl-hook\.toml:2: unknown key 'urll'.*did you mean 'url'\?")
            .unwrap(),
    );
    std::fs::write(dir.path().join("wl-hook.toml"), "secret = \"k\"\n").unwrap();
    wl().current_dir(&sub)
        .arg("send")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "a key does not belong in a config file",
        ));
    // Not TOML at all: file and line. Help still works.
    std::fs::write(dir.path().join("wl-hook.toml"), "url = \"a\"\n[listen\n").unwrap();
    wl().current_dir(&sub)
        .arg("send")
        .assert()
        .code(2)
        .stderr(predicate::str::is_match(r"wl-hook\.toml:2: ").unwrap());
    wl().current_dir(&sub)
        .args(["send", "--help"])
        .assert()
        .success();
}

/// The README's example file is valid and means what the README says.
#[test]
fn the_readme_example_file_loads() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let from = readme.find("```toml\n").expect("a toml block") + "```toml\n".len();
    let example = &readme[from..from + readme[from..].find("```").unwrap()];
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("wl-hook.toml"), example).unwrap();
    std::fs::create_dir_all(dir.path().join("wl-fixtures")).unwrap();
    let out = wl()
        .current_dir(dir.path())
        .args(["--profile", "staging", "config", "show"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("https://staging.example.com/webhooks"),
        "{text}"
    );
    assert!(
        regex::Regex::new(r"replay\.schedule +svix")
            .unwrap()
            .is_match(&text),
        "{text}"
    );
    assert!(
        regex::Regex::new(r"signature-encoding +base64 +.*wl-hook\.toml:\d+ \[profiles\.staging\]")
            .unwrap()
            .is_match(&text),
        "{text}"
    );
    assert!(
        regex::Regex::new(r"listen\.port +9100")
            .unwrap()
            .is_match(&text),
        "{text}"
    );
}
