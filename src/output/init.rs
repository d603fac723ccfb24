//! What `wl-hook init` shows: the files it wrote and the commands to run next, or the starters.

use std::io::{self, Write};

use crate::output::{dim, strong};
use crate::templates::{Template, Written};

/// The files written and the next two commands: run the receiver, test it.
pub fn written(out: &mut impl Write, w: &Written) -> io::Result<()> {
    let dir = w.dir.display();
    writeln!(
        out,
        "Wrote a {} receiver ({}) to {dir}:",
        strong(w.template.lang.name()),
        w.template.stack
    )?;
    for file in w.template.files {
        let mut notes = Vec::new();
        if file.executable {
            notes.push("executable");
        }
        if w.replaced.contains(&file.path) {
            notes.push("replaced");
        }
        if notes.is_empty() {
            writeln!(out, "  {}", file.path)?;
        } else {
            writeln!(out, "  {:<18} {}", file.path, dim(&notes.join(", ")))?;
        }
    }
    writeln!(out)?;
    writeln!(out, "Next, in {dir}:")?;
    writeln!(
        out,
        "  WL_HOOK_SECRET=your-webhook-key ./start   {}",
        dim("# serves POST http://127.0.0.1:3000/webhooks")
    )?;
    writeln!(
        out,
        "  ./test                                    {}",
        dim("# wl-hook check against it, on a free port")
    )?;
    out.flush()
}

/// One line per starter: its `--lang` name, what it is built on, and its files.
pub fn list(out: &mut impl Write, templates: &[Template]) -> io::Result<()> {
    writeln!(out, "{:<8}{:<40}FILES", strong("LANG"), strong("BUILT ON"))?;
    for t in templates {
        let files: Vec<&str> = t.files.iter().map(|f| f.path).collect();
        writeln!(
            out,
            "{:<8}{:<40}{}",
            t.lang.name(),
            t.stack,
            files.join(" ")
        )?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "wl-hook init --lang LANG [DIR] writes one (default DIR wl-webhook-receiver-LANG)."
    )?;
    out.flush()
}
