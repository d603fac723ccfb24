//! Printing a signed request without sending it: header lines, a curl command, a raw HTTP/1.1
//! request, or a capture document. Each form carries the exact body bytes.

use std::io::{self, Write};

use crate::capture::Capture;

/// A request as it would go on the wire.
#[derive(Debug, Clone)]
pub struct PrintedRequest<'a> {
    pub url: &'a reqwest::Url,
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
}

impl PrintedRequest<'_> {
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
    pub fn write_curl(&self, out: &mut impl Write) -> io::Result<()> {
        let text = std::str::from_utf8(self.body)
            .ok()
            .filter(|t| !t.contains('\0') && !t.starts_with('@'));
        if text.is_none() {
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
        for (n, v) in self.headers {
            write!(out, " \\\n  -H {}", shell_quote(&format!("{n}: {v}")))?;
        }
        // curl would otherwise add "Expect: 100-continue" to large bodies.
        write!(out, " \\\n  -H 'Expect:'")?;
        match text {
            Some(t) => writeln!(out, " \\\n  --data-binary {}", shell_quote(t)),
            None => writeln!(out, " \\\n  --data-binary @-"),
        }
    }

    /// A raw HTTP/1.1 request, CRLF line ends, with Host and Content-Length.
    pub fn write_http(&self, out: &mut impl Write) -> io::Result<()> {
        write!(out, "POST {} HTTP/1.1\r\n", self.path_and_query())?;
        write!(out, "host: {}\r\n", self.host())?;
        for (n, v) in self.headers {
            write!(out, "{n}: {v}\r\n")?;
        }
        write!(out, "content-length: {}\r\n\r\n", self.body.len())?;
        out.write_all(self.body)
    }

    /// The capture document of this request, as one line of JSON.
    pub fn write_json(&self, out: &mut impl Write) -> io::Result<()> {
        let mut c = Capture::new(
            "POST",
            &self.path_and_query(),
            self.headers.to_vec(),
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
            body: b"{}",
        };
        let mut out = Vec::new();
        r.write_http(&mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "POST /hooks?x=1 HTTP/1.1\r\nhost: 127.0.0.1:3000\r\nx-topic: a.b\r\ncontent-length: 2\r\n\r\n{}"
        );
    }
}
