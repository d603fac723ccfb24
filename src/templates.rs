//! The starter receivers `wl-hook init` writes, embedded in the binary from `templates/` so that an
//! installed wl-hook writes them from any folder. Each passes `wl-hook check` (`.ci/starters`).

/// A language a starter receiver is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Python,
    Node,
    Php,
    Go,
}

/// One file of a starter, at a path relative to the folder it is written into.
#[derive(Debug)]
pub struct File {
    pub path: &'static str,
    pub contents: &'static [u8],
    /// Scripts the user runs (`./start`, `./test`) get their executable bits.
    pub executable: bool,
}

/// A starter receiver: its language, what it is built on, and its files.
#[derive(Debug)]
pub struct Template {
    pub lang: Lang,
    /// What it is built on, in a few words.
    pub stack: &'static str,
    pub files: &'static [File],
}

/// A file under `templates/`, embedded at build time.
macro_rules! file {
    ($dir:literal, $name:literal) => {
        File {
            path: $name,
            contents: include_bytes!(concat!("../templates/", $dir, "/", $name)),
            executable: false,
        }
    };
}

/// A script under `templates/`, written executable.
macro_rules! script {
    ($dir:literal, $name:literal) => {
        File {
            executable: true,
            ..file!($dir, $name)
        }
    };
}

/// The same `./test` serves every starter: it starts `./start` on a free port and runs
/// `wl-hook check` against the URL the server logs.
const TEST_SCRIPT: File = File {
    path: "test",
    contents: include_bytes!("../templates/test"),
    executable: true,
};

/// Every starter, in the order `init --list` shows them.
pub static TEMPLATES: [Template; 4] = [
    Template {
        lang: Lang::Python,
        stack: "FastAPI + uvicorn",
        files: &[
            file!("python", "README.md"),
            file!("python", "app.py"),
            file!("python", "requirements.txt"),
            file!("python", ".gitignore"),
            script!("python", "start"),
            TEST_SCRIPT,
        ],
    },
    Template {
        lang: Lang::Node,
        stack: "Express",
        files: &[
            file!("node", "README.md"),
            file!("node", "server.js"),
            file!("node", "package.json"),
            file!("node", "package-lock.json"),
            file!("node", ".gitignore"),
            script!("node", "start"),
            TEST_SCRIPT,
        ],
    },
    Template {
        lang: Lang::Php,
        stack: "plain PHP, for php -S and any PHP host",
        files: &[
            file!("php", "README.md"),
            file!("php", "index.php"),
            file!("php", "store.php"),
            file!("php", "worker.php"),
            file!("php", ".gitignore"),
            script!("php", "start"),
            TEST_SCRIPT,
        ],
    },
    Template {
        lang: Lang::Go,
        stack: "net/http from the standard library",
        files: &[
            file!("go", "README.md"),
            file!("go", "main.go"),
            file!("go", "go.mod"),
            file!("go", ".gitignore"),
            script!("go", "start"),
            TEST_SCRIPT,
        ],
    },
];

/// A starter written into a folder: what `init` reports.
#[derive(Debug)]
pub struct Written {
    pub template: &'static Template,
    pub dir: std::path::PathBuf,
    /// Files that were there before and were replaced (only with `--force`).
    pub replaced: Vec<&'static str>,
}

impl Lang {
    /// The name `--lang` takes and folder names use.
    pub fn name(self) -> &'static str {
        match self {
            Lang::Python => "python",
            Lang::Node => "node",
            Lang::Php => "php",
            Lang::Go => "go",
        }
    }

    /// This language's starter.
    pub fn template(self) -> &'static Template {
        match self {
            Lang::Python => &TEMPLATES[0],
            Lang::Node => &TEMPLATES[1],
            Lang::Php => &TEMPLATES[2],
            Lang::Go => &TEMPLATES[3],
        }
    }

    /// The folder `init` writes into when none is given.
    pub fn default_dir(self) -> String {
        format!("wl-webhook-receiver-{}", self.name())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use super::*;

    #[test]
    fn each_template_is_its_language() {
        for t in &TEMPLATES {
            assert!(std::ptr::eq(t.lang.template(), t), "{:?}", t.lang);
        }
        assert_eq!(Lang::Node.default_dir(), "wl-webhook-receiver-node");
    }

    /// A file added under templates/LANG but not listed here would silently be left out of what
    /// `init` writes.
    #[test]
    fn every_file_under_templates_is_embedded() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        for t in &TEMPLATES {
            let on_disk: BTreeSet<String> = std::fs::read_dir(root.join(t.lang.name()))
                .expect("templates/LANG exists")
                .map(|e| {
                    e.expect("readable")
                        .file_name()
                        .to_string_lossy()
                        .into_owned()
                })
                .filter(|name| !is_local_artefact(name))
                .chain(["test".to_string()])
                .collect();
            let embedded: BTreeSet<String> = t.files.iter().map(|f| f.path.to_string()).collect();
            assert_eq!(embedded, on_disk, "{:?}", t.lang);
        }
    }

    /// What running a starter in place leaves behind (ignored by its .gitignore).
    fn is_local_artefact(name: &str) -> bool {
        matches!(
            name,
            ".venv" | "__pycache__" | "node_modules" | "bin" | "var"
        )
    }

    #[test]
    fn every_starter_can_be_run_and_tested_as_its_readme_says() {
        for t in &TEMPLATES {
            let file = |name: &str| {
                t.files
                    .iter()
                    .find(|f| f.path == name)
                    .unwrap_or_else(|| panic!("{:?} has no {name}", t.lang))
            };
            for script in ["start", "test"] {
                let f = file(script);
                assert!(f.executable, "{:?} {script}", t.lang);
                assert!(f.contents.starts_with(b"#!/usr/bin/env bash\n"));
            }
            let readme = String::from_utf8_lossy(file("README.md").contents);
            assert!(readme.contains("WL_HOOK_SECRET=your-webhook-key ./start"));
            assert!(readme.contains("./test "));
            assert!(readme.contains(&format!("wl-hook init --lang {}", t.lang.name())));
            let only_scripts_run = t
                .files
                .iter()
                .all(|f| f.executable == matches!(f.path, "start" | "test"));
            assert!(only_scripts_run, "{:?}", t.lang);
        }
    }
}
