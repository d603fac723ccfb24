//! `wl-hook init`: write a starter receiver from the embedded templates into a folder, without
//! mixing it into a folder that already holds something unless asked to.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::cli::{InitArgs, InitLang};
use crate::exit::{input_error, Exit};
use crate::files::write_replace;
use crate::output;
use crate::templates::{Lang, Template, Written, TEMPLATES};

impl From<InitLang> for Lang {
    fn from(lang: InitLang) -> Lang {
        match lang {
            InitLang::Python => Lang::Python,
            InitLang::Node => Lang::Node,
            InitLang::Php => Lang::Php,
            InitLang::Go => Lang::Go,
        }
    }
}

pub fn run(args: &InitArgs) -> Result<Exit> {
    let mut stdout = std::io::stdout().lock();
    if args.list {
        output::init::list(&mut stdout, &TEMPLATES)?;
        return Ok(Exit::Ok);
    }
    let lang = Lang::from(
        args.lang
            .ok_or_else(|| input_error("pass --lang python|node|php|go, or --list"))?,
    );
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| PathBuf::from(lang.default_dir()));
    let written = write(lang.template(), &dir, args.force)?;
    output::init::written(&mut stdout, &written)?;
    Ok(Exit::Ok)
}

/// Write `template` into `dir` (created if missing). A folder with anything in it is refused
/// unless `force`: a starter's `.gitignore` or `README.md` silently replacing the user's own
/// would be a bad surprise.
pub fn write(template: &'static Template, dir: &Path, force: bool) -> Result<Written> {
    check_target(dir, force)?;
    std::fs::create_dir_all(dir)
        .map_err(|e| input_error(format!("cannot create {}: {e}", dir.display())))?;
    let mut replaced = Vec::new();
    for file in template.files {
        let path = dir.join(file.path);
        if path.exists() {
            replaced.push(file.path);
        }
        let cannot =
            |e: std::io::Error| input_error(format!("cannot write {}: {e}", path.display()));
        write_replace(&path, file.contents).map_err(cannot)?;
        if file.executable {
            make_executable(&path).map_err(cannot)?;
        }
    }
    Ok(Written {
        template,
        dir: dir.to_path_buf(),
        replaced,
    })
}

fn check_target(dir: &Path, force: bool) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        return Err(input_error(format!(
            "{} exists and is not a folder; choose another DIR",
            dir.display()
        )));
    }
    let mut entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(input_error(format!("cannot read {}: {e}", dir.display()))),
    };
    if entries.next().is_some() && !force {
        return Err(input_error(format!(
            "{} is not empty; choose another DIR, or pass --force to write into it (files with \
             the starter's names are replaced, others are kept)",
            dir.display()
        )));
    }
    Ok(())
}

/// Executable wherever it is readable (u, g, o), so that the user's umask still decides who may.
#[cfg(unix)]
fn make_executable(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)?.permissions().mode();
    std::fs::set_permissions(
        path,
        std::fs::Permissions::from_mode(mode | ((mode & 0o444) >> 2)),
    )
}

#[cfg(not(unix))]
fn make_executable(_path: &Path) -> std::io::Result<()> {
    Ok(())
}
