//! JSON Lines (`.jsonl`, `.json`, `.ndjson`, optionally gzip- or zstd-compressed): one object per line.
//!
//! The reader is the inverse of the JSONL writer: `text_field` → `text`, `id_field` → `id`, `url_field` →
//! `url`; inside a `metadata` object, `language`, `date` and `signals` go back to their own fields and the
//! rest to `metadata`; every other top-level field also goes to `metadata` (a nested entry wins over a
//! top-level one of the same name). A line the input's buffer holds whole is parsed where it lies; the others
//! (across two buffers, or over `max_record_bytes`) are copied into a line buffer bounded by that limit.

use std::collections::BTreeMap;
use std::io::{self, BufRead};
use std::path::{Path, PathBuf};

use saring_core::{Document, Provenance, stable_id};
use serde::de;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::{DocReader, ReadError, ReadErrorKind, ReaderConfig};
use crate::{ByteCounter, open_decompressed};

/// A streaming reader of one JSONL file.
pub(crate) struct JsonlDocs {
    input: Box<dyn BufRead + Send>,
    counter: ByteCounter,
    parser: LineParser,
    max_record_bytes: u64,
    /// A line the input's buffer did not hold whole, without its newline; never longer than
    /// `max_record_bytes`.
    line: Vec<u8>,
    /// 0-based number of the next line.
    line_number: u64,
    /// Decompressed byte offset of the next line.
    offset: u64,
    done: bool,
    skipped: BTreeMap<String, u64>,
}

/// Turns a line into a document: the file's names and the config's field names.
struct LineParser {
    path: PathBuf,
    /// The path as shown in ids, provenance and errors.
    shown: String,
    text_field: String,
    id_field: String,
    url_field: String,
}

/// What reading one line found.
struct LineRead {
    /// Bytes of the line, without its newline.
    len: u64,
    /// The line is longer than `max_record_bytes`; only its start is in the buffer.
    too_long: bool,
}

impl JsonlDocs {
    /// Opens `path`; fails if it is missing, unreadable or empty.
    pub(crate) fn open(path: &Path, config: &ReaderConfig) -> Result<JsonlDocs, ReadError> {
        let (input, counter) = open_decompressed(path)?;
        Ok(JsonlDocs {
            input,
            counter,
            parser: LineParser {
                path: path.to_path_buf(),
                shown: path.display().to_string(),
                text_field: config.text_field.clone(),
                id_field: config.id_field.clone(),
                url_field: config.url_field.clone(),
            },
            max_record_bytes: config.max_record_bytes,
            line: Vec::new(),
            line_number: 0,
            offset: 0,
            done: false,
            skipped: BTreeMap::new(),
        })
    }

    /// Reads the next line into `self.line`, keeping at most `max_record_bytes` of it; `None` at the end.
    fn read_line(&mut self) -> io::Result<Option<LineRead>> {
        self.line.clear();
        let mut len = 0u64;
        let mut too_long = false;
        let mut any = false;
        loop {
            let available = match self.input.fill_buf() {
                Ok(available) => available,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                break;
            }
            any = true;
            let newline = memchr::memchr(b'\n', available);
            let chunk_len = newline.unwrap_or(available.len());
            let (chunk, _) = available.split_at_checked(chunk_len).unwrap_or((available, &[]));
            len += chunk.len() as u64;
            if len > self.max_record_bytes {
                too_long = true;
                self.line.clear();
            } else {
                self.line.extend_from_slice(chunk);
            }
            let consumed = chunk_len + usize::from(newline.is_some());
            self.input.consume(consumed);
            self.offset += consumed as u64;
            if newline.is_some() {
                break;
            }
        }
        Ok(any.then_some(LineRead { len, too_long }))
    }

    /// The next line when the input's buffer holds all of it (most lines), parsed in place, without a
    /// copy; `Ok(None)` when it does not (a line across two buffers, the last line without a newline, an
    /// interrupted read), which [`read_line`](Self::read_line) then reads.
    fn next_in_place(&mut self) -> io::Result<Option<Result<Option<Document>, ReadError>>> {
        let available = match self.input.fill_buf() {
            Ok(available) => available,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return Ok(None),
            Err(e) => return Err(e),
        };
        let Some(len) = memchr::memchr(b'\n', available) else {
            return Ok(None);
        };
        if len as u64 > self.max_record_bytes {
            return Ok(None);
        }
        let Some(line) = available.get(..len) else {
            return Ok(None);
        };
        let (record, offset) = (self.line_number, self.offset);
        let parsed = self.parser.parse(line, record, offset);
        self.input.consume(len + 1);
        self.offset += len as u64 + 1;
        self.line_number += 1;
        Ok(Some(parsed))
    }

    /// Ends the reading with the input's read error `e`, met at line number `record`.
    fn read_failed(&mut self, record: u64, e: io::Error) -> Option<Result<Document, ReadError>> {
        self.done = true;
        Some(Err(ReadError::from_io(
            &self.parser.path,
            Some(record),
            Some(self.offset),
            e,
        )))
    }
}

impl LineParser {
    /// Turns `line` (number `record`, starting at byte `offset`, without its newline) into a document.
    fn parse(&self, line: &[u8], record: u64, offset: u64) -> Result<Option<Document>, ReadError> {
        let error =
            |kind, message: String| ReadError::new(&self.path, Some(record), Some(offset), kind, message);
        // The SIMD check first; the standard one only to word the error of a line that fails it.
        let line = simdutf8::basic::from_utf8(line).or_else(|_| {
            std::str::from_utf8(line)
                .map_err(|e| error(ReadErrorKind::InvalidJson, format!("invalid UTF-8: {e}")))
        })?;
        let line = if record == 0 {
            line.trim_start_matches('\u{feff}')
        } else {
            line
        };
        if line.trim().is_empty() {
            return Ok(None);
        }
        let seed = FieldsSeed {
            text: &self.text_field,
            id: &self.id_field,
            url: &self.url_field,
        };
        // Parsed straight into its fields; a line that fails is parsed again as a `Value` only to word the
        // error (not JSON at all, or JSON that is not an object).
        let invalid = || {
            let message = match serde_json::from_str::<Value>(line) {
                Ok(_) => "the line is not a JSON object".to_owned(),
                Err(e) => format!("invalid JSON: {e}"),
            };
            error(ReadErrorKind::InvalidJson, message)
        };
        let mut de = serde_json::Deserializer::from_str(line);
        let parsed =
            de::DeserializeSeed::deserialize(seed, &mut de).and_then(|fields| de.end().map(|()| fields));
        let Ok(fields) = parsed else {
            return Err(invalid());
        };
        let LineFields {
            text,
            id,
            url,
            metadata,
            mut rest,
        } = fields;
        let text = match text.map(|raw| (raw, json_string(raw.get()))) {
            Some((_, Some(Ok(text)))) => text,
            // A string serde_json does not take (a lone surrogate escape): the line is not valid JSON.
            Some((_, Some(Err(_)))) => return Err(invalid()),
            Some((raw, None)) => {
                // The raw value's skip checks less than a parse (number range, nesting depth, surrogates
                // inside arrays): what serde_json does not take is invalid JSON, as before.
                let Ok(other) = serde_json::from_str::<Value>(raw.get()) else {
                    return Err(invalid());
                };
                let message = format!(
                    "field `{}` is {}, not a string. Is your `text_field` correct?",
                    self.text_field,
                    json_type(&other)
                );
                return Err(error(ReadErrorKind::MissingField, message));
            }
            None => {
                for (key, value) in [(&self.id_field, &id), (&self.url_field, &url)] {
                    if value.is_some() {
                        rest.insert(key.clone(), Value::Null);
                    }
                }
                if metadata.is_some() {
                    rest.insert("metadata".to_owned(), Value::Null);
                }
                let keys: Vec<&str> = rest.keys().map(String::as_str).collect();
                let message = format!(
                    "missing field `{}`. Is your `text_field` correct? Available keys: {}",
                    self.text_field,
                    keys.join(", ")
                );
                return Err(error(ReadErrorKind::MissingField, message));
            }
        };
        let id = match id {
            Some(Value::String(id)) => id,
            Some(Value::Number(n)) => n.to_string(),
            _ => stable_id(&self.shown, offset),
        };
        let mut doc = Document::new(id, text);
        match url {
            Some(Value::String(url)) => doc.url = Some(url),
            Some(Value::Null) | None => {}
            Some(other) => {
                doc.metadata.insert(self.url_field.clone(), other);
            }
        }
        match metadata {
            Some(Value::Object(metadata)) => unpack_metadata(metadata, &mut doc),
            Some(Value::Null) | None => {}
            Some(other) => {
                doc.metadata.insert("metadata".to_owned(), other);
            }
        }
        for (key, value) in rest {
            doc.metadata.entry(key).or_insert(value);
        }
        doc.provenance = Provenance {
            path: self.shown.clone(),
            record,
            offset,
        };
        Ok(Some(doc))
    }
}

/// A line's object split into the fields the reader maps to their own places (`None`: absent) and the
/// rest. When a key repeats, its last value counts, as in a parsed `Value`. The text is kept as the JSON
/// of its value, a slice of the line, and decoded by [`json_string`].
#[derive(Default)]
struct LineFields<'a> {
    text: Option<&'a RawValue>,
    id: Option<Value>,
    url: Option<Value>,
    metadata: Option<Value>,
    rest: Map<String, Value>,
}

/// Parses a line's object straight into [`LineFields`]: keys are compared without being copied, and only
/// the other fields' keys become strings. A field name the config gives twice goes to the first of
/// text, id, url, `metadata`, as when they are taken out of a parsed `Value` in that order.
#[derive(Clone, Copy)]
struct FieldsSeed<'a> {
    text: &'a str,
    id: &'a str,
    url: &'a str,
}

/// Which of [`LineFields`] a key is.
enum FieldKey {
    Text,
    Id,
    Url,
    Metadata,
    Other(String),
}

impl FieldsSeed<'_> {
    fn key(&self, key: &str) -> FieldKey {
        if key == self.text {
            FieldKey::Text
        } else if key == self.id {
            FieldKey::Id
        } else if key == self.url {
            FieldKey::Url
        } else if key == "metadata" {
            FieldKey::Metadata
        } else {
            FieldKey::Other(key.to_owned())
        }
    }
}

impl<'de> de::DeserializeSeed<'de> for FieldsSeed<'_> {
    type Value = LineFields<'de>;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<LineFields<'de>, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> de::Visitor<'de> for FieldsSeed<'_> {
    type Value = LineFields<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<LineFields<'de>, A::Error> {
        let mut fields = LineFields::default();
        while let Some(key) = map.next_key_seed(&self)? {
            match key {
                FieldKey::Text => fields.text = Some(map.next_value()?),
                FieldKey::Id => fields.id = Some(map.next_value()?),
                FieldKey::Url => fields.url = Some(map.next_value()?),
                FieldKey::Metadata => fields.metadata = Some(map.next_value()?),
                FieldKey::Other(key) => {
                    fields.rest.insert(key, map.next_value()?);
                }
            }
        }
        Ok(fields)
    }
}

/// The string the JSON value `raw` stands for, when it is a string: `None` when it is another value,
/// an error when serde_json would not take it. Decoded straight into a string of its final size (a text
/// parsed by serde_json grows its scratch buffer by doubling at every escape, then is copied out of it);
/// a string with a `\u` escape, rarer, is left to serde_json, so every value is serde_json's.
fn json_string(raw: &str) -> Option<serde_json::Result<String>> {
    let body = raw.strip_prefix('"')?.strip_suffix('"')?;
    let by_serde_json = || Some(serde_json::from_str(raw));
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = memchr::memchr(b'\\', rest.as_bytes()) {
        // A backslash and the byte after it are ASCII: both ends are character boundaries.
        let (Some(before), Some(after)) = (rest.get(..at), rest.get(at + 2..)) else {
            return by_serde_json();
        };
        out.push_str(before);
        out.push(match rest.as_bytes().get(at + 1) {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            _ => return by_serde_json(),
        });
        rest = after;
    }
    out.push_str(rest);
    Some(Ok(out))
}

/// Keys are read through the seed too: compared in place, copied only when kept.
impl<'de> de::DeserializeSeed<'de> for &FieldsSeed<'_> {
    type Value = FieldKey;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<FieldKey, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> de::Visitor<'de> for &FieldsSeed<'_> {
    type Value = FieldKey;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<FieldKey, E> {
        Ok(self.key(key))
    }
}

/// Moves a `metadata` object's entries into `doc`: `language`, `date` (strings) and `signals` (an object
/// of numbers) to their fields, everything else to `doc.metadata`.
fn unpack_metadata(metadata: Map<String, Value>, doc: &mut Document) {
    for (key, value) in metadata {
        match (key.as_str(), value) {
            ("language", Value::String(language)) => doc.language = Some(language),
            ("date", Value::String(date)) => doc.date = Some(date),
            ("signals", Value::Object(signals)) if signals.values().all(|v| v.is_number() || v.is_null()) => {
                // The writer writes a non-finite signal as `null`; there is no number to restore.
                doc.signals = signals
                    .into_iter()
                    .filter_map(|(k, v)| Some((k, v.as_f64()?)))
                    .collect();
            }
            (_, value) => {
                doc.metadata.insert(key, value);
            }
        }
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl Iterator for JsonlDocs {
    type Item = Result<Document, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            let parsed = match self.next_in_place() {
                Ok(Some(parsed)) => parsed,
                Err(e) => return self.read_failed(self.line_number, e),
                Ok(None) => {
                    let (record, offset) = (self.line_number, self.offset);
                    let line = match self.read_line() {
                        Ok(Some(line)) => line,
                        Ok(None) => {
                            self.done = true;
                            return None;
                        }
                        Err(e) => return self.read_failed(record, e),
                    };
                    self.line_number += 1;
                    if line.too_long {
                        let message = format!(
                            "the line is {} bytes, larger than max_record_bytes = {}",
                            line.len, self.max_record_bytes
                        );
                        return Some(Err(ReadError::new(
                            &self.parser.path,
                            Some(record),
                            Some(offset),
                            ReadErrorKind::TooLarge,
                            message,
                        )));
                    }
                    self.parser.parse(&self.line, record, offset)
                }
            };
            match parsed {
                Ok(Some(doc)) => return Some(Ok(doc)),
                Ok(None) => continue,
                Err(e) => return Some(Err(e)),
            }
        }
        None
    }
}

impl DocReader for JsonlDocs {
    fn skipped(&self) -> &BTreeMap<String, u64> {
        &self.skipped
    }

    fn bytes_read(&self) -> u64 {
        self.counter.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(content: &[u8], config: &ReaderConfig) -> (PathBuf, Vec<Result<Document, ReadError>>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.jsonl");
        std::fs::write(&path, content).unwrap();
        let docs = JsonlDocs::open(&path, config).unwrap().collect();
        (path, docs)
    }

    #[test]
    fn maps_fields_and_metadata() {
        let line = br#"{"id":7,"text":"hi","url":"http://a/","source":"cc","metadata":{"language":"en","date":"2024","signals":{"x.y":0.5},"title":"T"}}"#;
        let (_, docs) = read(line, &ReaderConfig::default());
        let doc = docs.into_iter().next().unwrap().unwrap();
        assert_eq!(doc.id, "7");
        assert_eq!(doc.text, "hi");
        assert_eq!(doc.url.as_deref(), Some("http://a/"));
        assert_eq!(doc.language.as_deref(), Some("en"));
        assert_eq!(doc.date.as_deref(), Some("2024"));
        assert_eq!(doc.signals, BTreeMap::from([("x.y".to_owned(), 0.5)]));
        assert_eq!(doc.metadata["title"], "T");
        assert_eq!(doc.metadata["source"], "cc");
        assert_eq!(doc.metadata.len(), 2);
    }

    #[test]
    fn repeated_and_escaped_keys_read_as_in_a_parsed_value() {
        let lines = concat!(
            r#"{"text":"a","te\u0078t":"b","id":"x\"y","title":"top","metadata":{"title":"nested"}}"#,
            "\n",
            r#"{"url":"u","metadata":{},"z":1,"id":[1]}"#,
            "\n",
            r#"{"url":{"a":1},"text":"c","metadata":3,"z":null}"#,
        );
        let (_, docs) = read(lines.as_bytes(), &ReaderConfig::default());
        let doc = docs[0].as_ref().unwrap();
        assert_eq!((doc.text.as_str(), doc.id.as_str()), ("b", "x\"y"));
        assert_eq!(doc.metadata["title"], "nested", "a nested entry wins");
        let e = docs[1].as_ref().unwrap_err();
        assert_eq!(e.kind, ReadErrorKind::MissingField);
        assert!(
            e.message.ends_with("Available keys: id, metadata, url, z"),
            "{}",
            e.message
        );
        let doc = docs[2].as_ref().unwrap();
        assert_eq!(doc.url, None);
        assert_eq!(doc.metadata["url"]["a"], 1);
        assert_eq!(doc.metadata["metadata"], 3);
        assert_eq!(doc.metadata["z"], Value::Null);
    }

    #[test]
    fn texts_decode_as_serde_json_decodes_them() {
        let literals = [
            r#""""#,
            r#""plain é 中 text""#,
            r#""\"quoted\" \\ \/ \b\f\n\r\t end""#,
            r#""\n""#,
            r#""\\\\""#,
            r#""a\\""#,
            r#""\u00e9t\u00C9 \ud83d\ude00 x""#,
            r#""\u0041\n""#,
            r#""lone \ud83d surrogate""#,
            r#""\udc00""#,
        ];
        for literal in literals {
            let ours = json_string(literal).expect("a string");
            match serde_json::from_str::<String>(literal) {
                Ok(want) => assert_eq!(ours.unwrap(), want, "{literal}"),
                Err(_) => assert!(ours.is_err(), "{literal}"),
            }
        }
        for other in ["3", "null", r#"["a"]"#, r#"{"a":"b"}"#] {
            assert!(json_string(other).is_none(), "{other}");
        }
        // Through the reader: a lone surrogate is invalid JSON, as it was when serde_json parsed the text.
        let lines = concat!(r#"{"text":"x\ud800y"}"#, "\n", r#"{"text":"tab\tquote\"\u00e9"}"#);
        let (_, docs) = read(lines.as_bytes(), &ReaderConfig::default());
        assert_eq!(docs[0].as_ref().unwrap_err().kind, ReadErrorKind::InvalidJson);
        assert_eq!(docs[1].as_ref().unwrap().text, "tab\tquote\"\u{e9}");
    }

    #[test]
    fn a_field_named_twice_in_the_config_goes_to_the_text_first() {
        let config = ReaderConfig {
            text_field: "body".to_owned(),
            id_field: "body".to_owned(),
            url_field: "metadata".to_owned(),
            ..ReaderConfig::default()
        };
        let (path, docs) = read(br#"{"body":"t","metadata":"http://a/"}"#, &config);
        let doc = docs[0].as_ref().unwrap();
        assert_eq!(doc.text, "t");
        assert_eq!(doc.id, stable_id(&path.display().to_string(), 0));
        assert_eq!(doc.url.as_deref(), Some("http://a/"));
    }

    #[test]
    fn default_ids_hash_path_and_line_offset() {
        let (path, docs) = read(
            b"{\"text\":\"a\"}\n\n{\"text\":\"b\"}\n",
            &ReaderConfig::default(),
        );
        let docs: Vec<_> = docs.into_iter().map(Result::unwrap).collect();
        let shown = path.display().to_string();
        assert_eq!(docs[0].id, stable_id(&shown, 0));
        assert_eq!(docs[1].id, stable_id(&shown, 14));
        assert_eq!(docs[1].provenance.record, 2);
        assert_eq!(docs[1].provenance.offset, 14);
    }

    #[test]
    fn lines_across_buffer_ends_read_like_lines_inside_one() {
        // Over 1 MB of lines of varied lengths: most are parsed in place in the decoder's buffer, some
        // cross its end and are gathered first; a bad line and a blank one on the way, no final newline.
        let mut content = Vec::new();
        let mut expected = Vec::new();
        for i in 0..6000usize {
            let offset = content.len() as u64;
            match i % 1000 {
                500 => content.extend_from_slice(b"{oops"),
                700 => {}
                _ => {
                    let text = "x\\ny".repeat(i % 97);
                    content.extend_from_slice(format!(r#"{{"id":"d{i}","text":"{text}"}}"#).as_bytes());
                    expected.push((format!("d{i}"), "x\ny".repeat(i % 97), i as u64, offset));
                }
            }
            if i < 5999 {
                content.push(b'\n');
            }
        }
        assert!(content.len() > 1 << 20);
        let (_, docs) = read(&content, &ReaderConfig::default());
        let errors: Vec<_> = docs.iter().filter_map(|d| d.as_ref().err()).collect();
        assert_eq!(errors.len(), 6);
        assert!(errors[1].to_string().contains("1500"), "{}", errors[1]);
        let got: Vec<_> = docs
            .into_iter()
            .filter_map(Result::ok)
            .map(|d| (d.id, d.text, d.provenance.record, d.provenance.offset))
            .collect();
        assert!(got == expected);
    }

    #[test]
    fn invalid_json_is_an_error_and_reading_goes_on() {
        let (_, docs) = read(
            b"{\"text\":\"a\"}\n{oops\n[1]\n{\"text\":\"b\"}",
            &ReaderConfig::default(),
        );
        assert_eq!(docs.len(), 4);
        let e = docs[1].as_ref().unwrap_err();
        assert_eq!(
            (e.kind, e.record, e.offset),
            (ReadErrorKind::InvalidJson, Some(1), Some(13))
        );
        assert_eq!(docs[2].as_ref().unwrap_err().kind, ReadErrorKind::InvalidJson);
        assert_eq!(docs[3].as_ref().unwrap().text, "b");
    }

    #[test]
    fn a_text_value_serde_json_refuses_is_invalid_json_not_a_wrong_type() {
        // The raw value's skip takes these; a parse does not (out of range, a lone surrogate, too deep).
        let deep = format!("{{\"text\":{}1{}}}\n", "[".repeat(200), "]".repeat(200));
        let lines = [
            "{\"text\":1e400}\n".to_owned(),
            "{\"text\":[\"\\ud800\"]}\n".to_owned(),
            deep,
        ];
        for line in lines {
            let (_, docs) = read(line.as_bytes(), &ReaderConfig::default());
            let e = docs[0].as_ref().unwrap_err();
            assert_eq!(e.kind, ReadErrorKind::InvalidJson, "{line}: {}", e.message);
        }
    }

    #[test]
    fn missing_text_field_names_it_and_lists_keys() {
        let config = ReaderConfig {
            text_field: "content".to_owned(),
            ..ReaderConfig::default()
        };
        let (_, docs) = read(b"{\"text\":\"a\",\"id\":\"1\"}\n{\"content\":3}\n", &config);
        let e = docs[0].as_ref().unwrap_err();
        assert_eq!(e.kind, ReadErrorKind::MissingField);
        assert!(e.message.contains("`content`"), "{}", e.message);
        assert!(e.message.contains("Available keys: id, text"), "{}", e.message);
        let e = docs[1].as_ref().unwrap_err();
        assert_eq!(e.kind, ReadErrorKind::MissingField);
        assert!(e.message.contains("not a string"), "{}", e.message);
    }

    #[test]
    fn too_long_line_is_skipped_without_buffering_it() {
        let config = ReaderConfig {
            max_record_bytes: 20,
            ..ReaderConfig::default()
        };
        let long = format!("{{\"text\":\"{}\"}}", "x".repeat(1_000_000));
        let content = format!("{{\"text\":\"a\"}}\n{long}\n{{\"text\":\"b\"}}\n");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.jsonl");
        std::fs::write(&path, content).unwrap();
        let mut reader = JsonlDocs::open(&path, &config).unwrap();
        assert_eq!(reader.next().unwrap().unwrap().text, "a");
        let e = reader.next().unwrap().unwrap_err();
        assert_eq!(
            (e.kind, e.record, e.offset),
            (ReadErrorKind::TooLarge, Some(1), Some(13))
        );
        assert!(reader.line.capacity() < 1000);
        assert_eq!(reader.next().unwrap().unwrap().text, "b");
        assert!(reader.next().is_none());
    }

    #[test]
    fn invalid_utf8_is_an_error_and_reading_goes_on() {
        let (_, docs) = read(
            b"{\"text\":\"\xff\"}\r\n{\"text\":\"ok\"}\r\n",
            &ReaderConfig::default(),
        );
        let e = docs[0].as_ref().unwrap_err();
        assert_eq!(e.kind, ReadErrorKind::InvalidJson);
        assert!(e.message.contains("invalid UTF-8"));
        assert_eq!(docs[1].as_ref().unwrap().text, "ok");
    }

    #[test]
    fn empty_file_fails_to_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.jsonl");
        std::fs::write(&path, b"").unwrap();
        assert_eq!(
            JsonlDocs::open(&path, &ReaderConfig::default())
                .err()
                .unwrap()
                .kind,
            ReadErrorKind::Empty
        );
    }

    #[test]
    fn truncated_gzip_ends_with_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.jsonl.gz");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut enc, "{\"text\":\"a\"}\n".repeat(1000).as_bytes()).unwrap();
        let bytes = enc.finish().unwrap();
        std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
        let results: Vec<_> = JsonlDocs::open(&path, &ReaderConfig::default())
            .unwrap()
            .collect();
        assert!(results.last().unwrap().is_err());
        assert!(results.iter().rev().skip(1).all(Result::is_ok));
    }

    #[test]
    fn whole_file_gzip_with_a_bad_trailer_ends_with_an_error() {
        // Over the 1 MiB that member-at-a-time decoding takes, so the file is decoded as a stream.
        let lines: String = (0..60_000u64)
            .map(|i| format!("{{\"text\":\"line {i} {}\"}}\n", i * 7919 % 10007))
            .collect();
        assert!(lines.len() > 1 << 20);
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut enc, lines.as_bytes()).unwrap();
        let mut bytes = enc.finish().unwrap();
        let crc = bytes.len() - 8;
        bytes[crc] ^= 0xff;
        let (_, results) = read(&bytes, &ReaderConfig::default());
        let last = results.last().unwrap().as_ref().unwrap_err();
        assert_eq!(last.kind, ReadErrorKind::Truncated, "{last}");
        assert!(results.iter().rev().skip(1).all(Result::is_ok));
    }
}
