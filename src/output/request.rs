//! Printing a signed request without sending it: header lines, a curl command, a raw HTTP/1.1
//! request, or a capture document. Each form carries the exact body bytes.

use std::io::{self, Write};

use crate::capture::{Capture, HeaderBytes};

/// A request as it would go on the wire.
#[derive(Debug, Clone)]
pub struct PrintedRequest<'a> {
    pub url: &'a reqwest::Url,
    pub headers: &'a [(String, String)],
    /// The exact bytes of the header values that are not UTF-8 (a captured request's), by
    /// index in `headers`: the curl, HTTP and JSON forms carry them exactly.
    pub header_bytes: Option<&'a HeaderBytes>,
    pub body: &'a [u8],
}

/// The longest quoted body a curl command takes as an argument (Linux allows 128 KiB).
const LONGEST_ARGUMENT: usize = 100 * 1024;

impl PrintedRequest<'_> {
    /// Header `i`'s value that is not UTF-8, exactly; `None` for a value that is text.
    fn exact(&self, i: usize) -> Option<&[u8]> {
        self.header_bytes.and_then(|b| b.get(i))
    }

    /// The header pairs with their exact values.
    fn exact_headers(&self) -> impl Iterator<Item = (&str, &[u8])> {
        static NONE: HeaderBytes = HeaderBytes::none();
        self.header_bytes.unwrap_or(&NONE).pairs(self.headers)
    }

    fn path_and_query(&self) -> String {
        match self.url.query() {
            Some(q) => format!("{}?{q}", self.url.path()),
            None => self.url.path().to_string(),
        }
    }

    fn host(&self) -> String {
        let host = self.url.host_str().unwrap_or_default();
        match self.url.port() {
            Some(p) => format!("{host}:{p}"),
            None => host.to_string(),
        }
    }

    /// The blank line between two requests printed as text.
    pub fn write_separator(out: &mut impl Write) -> io::Result<()> {
        writeln!(out)
    }

    /// `name: value` lines, a blank line, the body.
    pub fn write_headers(&self, out: &mut impl Write) -> io::Result<()> {
        writeln!(out, "POST {}", self.url)?;
        for (n, v) in self.headers {
            writeln!(out, "{n}: {v}")?;
        }
        writeln!(out)?;
        out.write_all(self.body)?;
        if !self.body.ends_with(b"\n") {
            writeln!(out)?;
        }
        Ok(())
    }

    /// A POSIX-shell curl command that sends exactly these headers and bytes.
    ///
    /// A body whose quoted text is over [`LONGEST_ARGUMENT`] is piped in by printf.
    pub fn write_curl(&self, out: &mut impl Write) -> io::Result<()> {
        let text = std::str::from_utf8(self.body)
            .ok()
            .filter(|t| !t.contains('\0') && !t.starts_with('@'))
            .map(shell_quote);
        // Linux refuses one argument over 128 KiB (MAX_ARG_STRLEN): a longer body goes to
        // curl's stdin from printf, which the shell runs itself.
        let (inline, piped) = match text {
            Some(quoted) if quoted.len() > LONGEST_ARGUMENT => (None, Some(quoted)),
            other => (other, None),
        };
        if let Some(quoted) = &piped {
            write!(out, "printf '%s' {quoted} | ")?;
        } else if inline.is_none() {
            // Bytes a shell argument cannot carry go through printf's octal escapes.
            write!(out, "printf '")?;
            for b in self.body {
                if b.is_ascii_alphanumeric() || b" {}[]\":,.-_".contains(b) {
                    out.write_all(&[*b])?;
                } else {
                    write!(out, "\\{b:03o}")?;
                }
            }
            write!(out, "' | ")?;
        }
        write!(out, "curl -sS {}", shell_quote(self.url.as_str()))?;
        for (i, (n, v)) in self.headers.iter().enumerate() {
            match self.exact(i) {
                Some(bytes) => {
                    // Bytes that are not UTF-8 go through printf's octal escapes too.
                    write!(out, " \\\n  -H \"$(printf '{n}: ")?;
                    for b in bytes {
                        if b.is_ascii_alphanumeric() || b" .-_".contains(b) {
                            out.write_all(&[*b])?;
                        } else {
                            write!(out, "\\{b:03o}")?;
                        }
                    }
                    write!(out, "')\"")?;
                }
                None => write!(out, " \\\n  -H {}", shell_quote(&format!("{n}: {v}")))?,
            }
        }
        // curl would otherwise add "Expect: 100-continue" to large bodies.
        write!(out, " \\\n  -H 'Expect:'")?;
        match inline {
            Some(quoted) => writeln!(out, " \\\n  --data-binary {quoted}"),
            None => writeln!(out, " \\\n  --data-binary @-"),
        }
    }

    /// A raw HTTP/1.1 request, CRLF line ends, with Host and Content-Length.
    pub fn write_http(&self, out: &mut impl Write) -> io::Result<()> {
        write!(out, "POST {} HTTP/1.1\r\n", self.path_and_query())?;
        write!(out, "host: {}\r\n", self.host())?;
        for (n, v) in self.exact_headers() {
            write!(out, "{n}: ")?;
            out.write_all(v)?;
            write!(out, "\r\n")?;
        }
        write!(out, "content-length: {}\r\n\r\n", self.body.len())?;
        out.write_all(self.body)
    }

    /// The capture document of this request, as one line of JSON.
    pub fn write_json(&self, out: &mut impl Write) -> io::Result<()> {
        let mut c = Capture::from_exact(
            "POST",
            &self.path_and_query(),
            self.exact_headers(),
            self.body,
        );
        c.url = Some(self.url.to_string());
        serde_json::to_writer(&mut *out, &c)?;
        writeln!(out)
    }
}

/// Quote for a POSIX shell: single quotes, with embedded ones as '\''.
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }

    #[test]
    fn http_form() {
        let url = reqwest::Url::parse("http://127.0.0.1:3000/hooks?x=1").unwrap();
        let headers = vec![("x-topic".to_string(), "a.b".to_string())];
        let r = PrintedRequest {
            url: &url,
            headers: &headers,
            header_bytes: None,
            body: b"{}",
        };
        let mut out = Vec::new();
        r.write_http(&mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "POST /hooks?x=1 HTTP/1.1\r\nhost: 127.0.0.1:3000\r\nx-topic: a.b\r\ncontent-length: 2\r\n\r\n{}"
        );
    }

    /// A captured value that is not UTF-8 is carried exactly by the curl, HTTP and JSON forms;
    /// the shell's printf gives back the very bytes.
    #[test]
    fn header_bytes_that_are_not_utf8_are_carried_exactly() {
        let url = reqwest::Url::parse("http://127.0.0.1:3000/h").unwrap();
        let exact: [(&str, &[u8]); 2] = [("x-topic", b"a.b"), ("x-note", b"caf\xe9 '%\\n\x80")];
        let (headers, bytes) = HeaderBytes::split(exact);
        let r = PrintedRequest {
            url: &url,
            headers: &headers,
            header_bytes: Some(&bytes),
            body: b"{}",
        };
        let mut out = Vec::new();
        r.write_curl(&mut out).unwrap();
        let curl = String::from_utf8(out).unwrap();
        let want = r#"-H "$(printf 'x-note: caf\351 \047\045\134n\200')""#;
        assert!(curl.contains(want), "{curl}");
        assert!(curl.contains("-H 'x-topic: a.b'"), "{curl}");
        let printed = std::process::Command::new("sh")
            .arg("-c")
            .arg(r"printf 'x-note: caf\351 \047\045\134n\200'")
            .output()
            .unwrap();
        assert_eq!(printed.stdout, b"x-note: caf\xe9 '%\\n\x80");
        let mut out = Vec::new();
        r.write_http(&mut out).unwrap();
        let line = b"\r\nx-note: caf\xe9 '%\\n\x80\r\n";
        assert!(
            out.windows(line.len()).any(|w| w == line),
            "{}",
            String::from_utf8_lossy(&out)
        );
        let mut out = Vec::new();
        r.write_json(&mut out).unwrap();
        let req = crate::capture::parse_input("j", &out).unwrap();
        assert_eq!(req.exact_headers().collect::<Vec<_>>(), exact);
    }
}
