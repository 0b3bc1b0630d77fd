//! Header fields as written: ordered, with case-insensitive look-up.

/// The header fields of a WARC record or an HTTP message, in the order they were written.
///
/// Names keep their spelling; [`Headers::get`] compares them ASCII-case-insensitively, so `WARC-Type` and
/// `warc-type` find the same field. Values are trimmed of surrounding whitespace; continuation lines are
/// joined to their field with one space. Bytes that are not UTF-8 become U+FFFD.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers {
    fields: Vec<(String, String)>,
}

impl Headers {
    /// No fields.
    pub fn new() -> Headers {
        Headers::default()
    }

    /// The value of the first field called `name` (any case), if present.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The values of every field called `name` (any case), in order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.fields
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// All fields as `(name, value)`, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.fields.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// How many fields there are.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Whether there are no fields.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// Appends a field (used by the parsers, and handy for building records in tests).
    pub fn push(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.fields.push((name.into(), value.into()));
    }

    /// Parses one header line (without caring whether it ends in CRLF, LF or nothing) and appends it.
    ///
    /// A line starting with a space or tab continues the previous field. Returns a description of the
    /// problem when the line has no colon, has an empty name, or continues nothing.
    pub(crate) fn push_line(&mut self, line: &[u8]) -> Result<(), &'static str> {
        let line = trim_eol(line);
        if matches!(line.first(), Some(b' ' | b'\t')) {
            let Some((_, value)) = self.fields.last_mut() else {
                return Err("continuation line before any header field");
            };
            let more = line.trim_ascii();
            if !more.is_empty() {
                if !value.is_empty() {
                    value.push(' ');
                }
                value.push_str(&String::from_utf8_lossy(more));
            }
            return Ok(());
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            return Err("header field without a colon");
        };
        let (name, value) = line.split_at(colon);
        let name = name.trim_ascii();
        if name.is_empty() {
            return Err("header field with an empty name");
        }
        let value = value.get(1..).unwrap_or_default().trim_ascii();
        self.fields.push((
            String::from_utf8_lossy(name).into_owned(),
            String::from_utf8_lossy(value).into_owned(),
        ));
        Ok(())
    }
}

impl<N: Into<String>, V: Into<String>> FromIterator<(N, V)> for Headers {
    fn from_iter<I: IntoIterator<Item = (N, V)>>(iter: I) -> Headers {
        Headers {
            fields: iter.into_iter().map(|(n, v)| (n.into(), v.into())).collect(),
        }
    }
}

/// The line without its trailing `\n` or `\r\n`.
pub(crate) fn trim_eol(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Whether the line holds nothing but whitespace (the blank line that ends a header block).
pub(crate) fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|b| matches!(b, b'\r' | b'\n' | b' ' | b'\t'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_is_case_insensitive_and_ordered() {
        let mut h = Headers::new();
        h.push_line(b"WARC-Type: response\r\n").unwrap();
        h.push_line(b"warc-type: request\n").unwrap();
        h.push_line(b"X-Long:  first\r\n").unwrap();
        h.push_line(b"   second  \r\n").unwrap();
        assert_eq!(h.get("warc-TYPE"), Some("response"));
        assert_eq!(
            h.get_all("WARC-Type").collect::<Vec<_>>(),
            ["response", "request"]
        );
        assert_eq!(h.get("x-long"), Some("first second"));
        assert_eq!(h.len(), 3);
        assert_eq!(h.get("missing"), None);
    }

    #[test]
    fn bad_lines_are_refused() {
        let mut h = Headers::new();
        assert!(h.push_line(b" orphan continuation\n").is_err());
        assert!(h.push_line(b"no colon here\n").is_err());
        assert!(h.push_line(b": empty name\n").is_err());
        assert!(h.push_line(b"Empty-Value:\n").is_ok());
        assert_eq!(h.get("empty-value"), Some(""));
    }
}
