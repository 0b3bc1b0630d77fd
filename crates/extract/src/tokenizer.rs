//! saring's own HTML tokenizer: one pass over the page's bytes that hands start tags, end tags and text
//! to a [`Sink`], as the WHATWG tokenizer does for everything the extractor reads.
//!
//! It is built for speed: text runs are found with `memchr`, and names, attribute values and text are
//! borrowed from the input unless they need changing (upper-case names, character references, CR
//! normalisation), so most tokens cost no allocation. It follows the standard where the extractor sees
//! the difference: tag and attribute syntax (quotes, `/>`, duplicate attributes, a tag cut by the end of
//! input is dropped), comments (`<!-->`, `--!>`), doctype and bogus comments, character references (named
//! with the legacy no-semicolon forms and their attribute exception, numeric with the C1 and invalid
//! code point replacements), and the raw-text content of `script` (with its `<!--` escapes), `style`,
//! `title`, `textarea` and the like, which the sink asks for after their start tag. It leaves out what
//! only a tree builder or a serialiser needs: parse errors, doctype fields, comment text and CDATA
//! outside foreign content (read as a bogus comment, as with no tree builder).

use std::borrow::Cow;

use memchr::{memchr, memchr2};

use crate::rules::RawText;

/// Longest named character reference, `;` included (`&CounterClockwiseContourIntegral;`).
const MAX_ENTITY_BYTES: usize = 32;

/// One attribute of a tag: the name lowercased, the value with character references decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Attr<'a> {
    /// Name, ASCII-lowercased.
    pub(crate) name: Cow<'a, str>,
    /// Value, character references decoded; empty when the attribute has none.
    pub(crate) value: Cow<'a, str>,
}

/// A start or end tag.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Tag<'a> {
    /// Tag name, ASCII-lowercased.
    pub(crate) name: Cow<'a, str>,
    /// Attributes in source order, the first of duplicate names only.
    pub(crate) attrs: Vec<Attr<'a>>,
    /// The tag ended with `/>`.
    pub(crate) self_closing: bool,
}

/// What the tokenizer hands to its [`Sink`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Token<'t, 'a> {
    /// A start tag.
    Start(&'t Tag<'a>),
    /// An end tag, by name (its attributes are read and dropped).
    End(&'t str),
    /// A run of text, character references decoded. One run of source text may arrive in pieces.
    Text(&'t str),
    /// A comment, doctype or bogus comment (only counted).
    Comment,
}

/// What the sink tells the tokenizer after a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    /// Go on.
    Continue,
    /// Read the content of the element just started as raw text of this kind, up to its end tag.
    Raw(RawText),
    /// Stop: nothing more is read.
    Stop,
}

/// Receives the tokens of a page in order.
pub(crate) trait Sink {
    /// Handles one token and says how to go on.
    fn token(&mut self, token: Token<'_, '_>) -> Flow;

    /// Whether the sink reads attribute `attr` of start tag `tag` (both lowercased). The others are
    /// parsed and dropped: their values are not decoded or stored. Every attribute by default.
    fn wants_attribute(&self, tag: &str, attr: &str) -> bool {
        let _ = (tag, attr);
        true
    }
}

/// Tokenizes `input` into `sink`, until its end or until the sink says [`Flow::Stop`].
pub(crate) fn tokenize(input: &str, sink: &mut impl Sink) {
    let mut lexer = Lexer {
        src: input,
        bytes: input.as_bytes(),
        tag: Tag::default(),
        plain: memchr2(b'\r', 0, input.as_bytes()).is_none(),
        normalised: std::cell::Cell::default(),
    };
    lexer.run(sink);
}

/// Bytes of a search that [`find2`] reads in place before it hands the rest to `memchr2`.
const INLINE_SEARCH_BYTES: usize = 16;

/// `byte` in each of the eight bytes of a word.
const fn splat(byte: u8) -> u64 {
    u64::from_le_bytes([byte; 8])
}

/// The bytes of `word` that are zero, as their high bits. Exact up to the first zero byte (a borrow
/// starts only at a zero byte), so its lowest set bit marks the first zero byte.
fn zero_bytes(word: u64) -> u64 {
    word.wrapping_sub(splat(1)) & !word & splat(0x80)
}

/// The offset of the first `a` or `b` in `haystack`, as `memchr2` finds it (pass `a` twice for one
/// byte). Most searches of the tokenizer end within a few bytes (the whitespace between two tags, a
/// short attribute value), where `memchr2`'s dispatch and set-up cost more than the search: the first
/// [`INLINE_SEARCH_BYTES`] are read here, eight at a time, and only the rest goes to `memchr2` (or
/// `memchr`, cheaper, for one byte).
fn find2(a: u8, b: u8, haystack: &[u8]) -> Option<usize> {
    let mut at = 0;
    while at < INLINE_SEARCH_BYTES {
        let Some(word) = haystack.get(at..at + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()) else {
            break;
        };
        let word = u64::from_le_bytes(word);
        let found = zero_bytes(word ^ splat(a)) | zero_bytes(word ^ splat(b));
        if found != 0 {
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    let rest = haystack.get(at..)?;
    if a == b {
        memchr(a, rest)
    } else {
        memchr2(a, b, rest)
    }
    .map(|found| at + found)
}

/// Whether `b` is HTML whitespace (CR included: it is normalised to LF anyway).
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// Whether `b` ends a tag name after `</script` and the like.
fn ends_name(b: Option<u8>) -> bool {
    b.is_some_and(|b| is_space(b) || b == b'/' || b == b'>')
}

/// `s` ASCII-lowercased when `upper` (it has an upper-case letter), else borrowed.
fn lowercase(s: &str, upper: bool) -> Cow<'_, str> {
    if upper {
        Cow::Owned(s.to_ascii_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

/// The state of one tokenization.
struct Lexer<'a> {
    /// The page.
    src: &'a str,
    /// The page's bytes.
    bytes: &'a [u8],
    /// The tag being read, reused so that its attribute vector is allocated once.
    tag: Tag<'a>,
    /// The page has no CR and no NUL (most pages): its text runs need no normalising, and one search
    /// over the page spares one per text run.
    plain: bool,
    /// The buffer text runs with CR or NUL are normalised into, reused from run to run.
    normalised: std::cell::Cell<String>,
}

/// Where a tag's reading ended.
enum TagEnd {
    /// At this byte offset, after its `>`.
    At(usize),
    /// The input ended inside the tag: it is dropped.
    Eof,
}

impl<'a> Lexer<'a> {
    /// The byte at `i`, if any.
    fn byte(&self, i: usize) -> Option<u8> {
        self.bytes.get(i).copied()
    }

    /// The input from byte `from` to byte `to` (empty when out of range; every offset used is next to
    /// an ASCII byte, so on a character boundary).
    fn slice(&self, from: usize, to: usize) -> &'a str {
        self.src.get(from..to).unwrap_or_default()
    }

    /// The bytes from `from` on.
    fn rest(&self, from: usize) -> &'a [u8] {
        self.bytes.get(from..).unwrap_or_default()
    }

    /// Whether the bytes at `at` are `word`, ASCII case ignored.
    fn matches_at(&self, at: usize, word: &[u8]) -> bool {
        self.bytes
            .get(at..at.saturating_add(word.len()))
            .is_some_and(|b| b.eq_ignore_ascii_case(word))
    }

    /// The data state: text, character references and markup, to the end of input.
    fn run(&mut self, sink: &mut impl Sink) {
        let len = self.bytes.len();
        let mut text_start = 0;
        let mut scan = 0;
        while scan < len {
            let Some(found) = find2(b'<', b'&', self.rest(scan)) else {
                break;
            };
            let at = scan + found;
            if self.byte(at) == Some(b'&') {
                match self.char_ref(at, false) {
                    Some((chars, used)) => {
                        if self.text(sink, text_start, at, true) == Flow::Stop
                            || emit_chars(sink, chars) == Flow::Stop
                        {
                            return;
                        }
                        text_start = at + used;
                        scan = text_start;
                    }
                    None => scan = at + 1,
                }
                continue;
            }
            let next = self.byte(at + 1);
            let markup = match next {
                Some(b) if b.is_ascii_alphabetic() => true,
                Some(b'/') => self.byte(at + 2).is_some(),
                Some(b'!' | b'?') => true,
                _ => false,
            };
            if !markup {
                scan = at + 1;
                continue;
            }
            if self.text(sink, text_start, at, true) == Flow::Stop {
                return;
            }
            let Some(after) = self.markup(sink, at) else {
                return;
            };
            text_start = after;
            scan = after;
        }
        let _ = self.text(sink, text_start, len, true);
    }

    /// Markup at `at` (a `<` that opens a tag, an end tag, a comment or a doctype); returns where the
    /// data state goes on, or `None` when the input ended or the sink stopped.
    fn markup(&mut self, sink: &mut impl Sink, at: usize) -> Option<usize> {
        match self.byte(at + 1) {
            Some(b'/') => {
                if self.byte(at + 2).is_some_and(|b| b.is_ascii_alphabetic()) {
                    let TagEnd::At(after) = self.read_tag(at + 2, &*sink, false) else {
                        return None;
                    };
                    (sink.token(Token::End(&self.tag.name)) != Flow::Stop).then_some(after)
                } else if self.byte(at + 2) == Some(b'>') {
                    Some(at + 3)
                } else {
                    self.bogus_comment(sink, at + 2)
                }
            }
            Some(b'!') => {
                if self.matches_at(at + 2, b"--") {
                    self.comment(sink, at + 4)
                } else {
                    self.bogus_comment(sink, at + 2)
                }
            }
            Some(b'?') => self.bogus_comment(sink, at + 1),
            _ => {
                let TagEnd::At(after) = self.read_tag(at + 1, &*sink, true) else {
                    return None;
                };
                match sink.token(Token::Start(&self.tag)) {
                    Flow::Continue => Some(after),
                    Flow::Stop => None,
                    Flow::Raw(kind) => self.raw_text(sink, after, kind),
                }
            }
        }
    }

    /// A comment whose text starts at `from` (after `<!--`); returns the offset after it.
    fn comment(&self, sink: &mut impl Sink, from: usize) -> Option<usize> {
        let end = if self.byte(from) == Some(b'>') {
            Some(from + 1)
        } else if self.matches_at(from, b"->") {
            Some(from + 2)
        } else {
            let mut scan = from;
            loop {
                let Some(found) = memchr(b'>', self.rest(scan)) else {
                    break None;
                };
                let gt = scan + found;
                let closes = (gt >= from + 2 && self.matches_at(gt - 2, b"--"))
                    || (gt >= from + 3 && self.matches_at(gt - 3, b"--!"));
                if closes {
                    break Some(gt + 1);
                }
                scan = gt + 1;
            }
        };
        (sink.token(Token::Comment) != Flow::Stop).then_some(end?)
    }

    /// A doctype or bogus comment from `from` to the next `>`; returns the offset after it.
    fn bogus_comment(&self, sink: &mut impl Sink, from: usize) -> Option<usize> {
        let end = memchr(b'>', self.rest(from)).map(|found| from + found + 1);
        (sink.token(Token::Comment) != Flow::Stop).then_some(end?)
    }

    /// Reads a tag whose name starts at `from` into `self.tag`, with the attributes `sink` wants
    /// ([`Sink::wants_attribute`]) when `attributes` is set (end tags want none: their attributes are
    /// read and dropped).
    fn read_tag(&mut self, from: usize, sink: &impl Sink, attributes: bool) -> TagEnd {
        let len = self.bytes.len();
        let mut i = from;
        // Upper-case letters are noted on the way: no second pass over the name.
        let mut upper = false;
        while let Some(b) = self.byte(i).filter(|&b| !ends_name(Some(b))) {
            upper |= b.is_ascii_uppercase();
            i += 1;
        }
        if i >= len {
            return TagEnd::Eof;
        }
        self.tag.name = lowercase(self.slice(from, i), upper);
        self.tag.attrs.clear();
        self.tag.self_closing = false;
        loop {
            while self.byte(i).is_some_and(is_space) {
                i += 1;
            }
            match self.byte(i) {
                None => return TagEnd::Eof,
                Some(b'>') => return TagEnd::At(i + 1),
                Some(b'/') => {
                    if self.byte(i + 1) == Some(b'>') {
                        self.tag.self_closing = true;
                        return TagEnd::At(i + 2);
                    }
                    i += 1;
                }
                Some(_) => match self.attribute(i, sink, attributes) {
                    Some(after) => i = after,
                    None => return TagEnd::Eof,
                },
            }
        }
    }

    /// An attribute whose name starts at `from`; adds it to the tag (unless its name is a duplicate or
    /// not wanted) and returns where the tag goes on, or `None` at the end of input.
    fn attribute(&mut self, from: usize, sink: &impl Sink, attributes: bool) -> Option<usize> {
        // The first character may be `=` (a parse error that starts a name).
        let mut i = from + 1;
        let mut upper = self.byte(from).is_some_and(|b| b.is_ascii_uppercase());
        while let Some(b) = self.byte(i) {
            if is_space(b) || matches!(b, b'/' | b'>' | b'=') {
                break;
            }
            upper |= b.is_ascii_uppercase();
            i += 1;
        }
        let name = self.slice(from, i);
        while self.byte(i).is_some_and(is_space) {
            i += 1;
        }
        let mut value = (i, i);
        if self.byte(i) == Some(b'=') {
            i += 1;
            while self.byte(i).is_some_and(is_space) {
                i += 1;
            }
            match self.byte(i)? {
                quote @ (b'"' | b'\'') => {
                    let end = i + 1 + memchr(quote, self.rest(i + 1))?;
                    value = (i + 1, end);
                    i = end + 1;
                }
                b'>' => {}
                _ => {
                    let start = i;
                    while let Some(b) = self.byte(i) {
                        if is_space(b) || b == b'>' {
                            break;
                        }
                        i += 1;
                    }
                    value = (start, i);
                }
            }
        }
        self.byte(i)?;
        if !attributes {
            return Some(i);
        }
        let name = lowercase(name, upper);
        if sink.wants_attribute(&self.tag.name, &name) && !self.tag.attrs.iter().any(|a| a.name == name) {
            let value = self.attribute_value(value.0, value.1);
            self.tag.attrs.push(Attr { name, value });
        }
        Some(i)
    }

    /// The attribute value between `from` and `to`, character references decoded.
    fn attribute_value(&self, from: usize, to: usize) -> Cow<'a, str> {
        let raw = self.slice(from, to);
        if find2(b'&', b'&', raw.as_bytes()).is_none() {
            return Cow::Borrowed(raw);
        }
        let mut out = String::with_capacity(raw.len());
        let rest = self.each_char_ref(from, to, true, |text_from, at, chars| {
            out.push_str(self.slice(text_from, at));
            out.extend(chars.into_iter().flatten());
            true
        });
        out.push_str(self.slice(rest.unwrap_or(to), to));
        Cow::Owned(out)
    }

    /// Walks the character references between `from` and `to`: calls `piece(text_from, at, chars)` for
    /// each, with the text before it from `text_from` to `at`. Returns where the text after the last one
    /// starts, or `None` as soon as `piece` returns `false`.
    fn each_char_ref(
        &self,
        from: usize,
        to: usize,
        in_attribute: bool,
        mut piece: impl FnMut(usize, usize, [Option<char>; 2]) -> bool,
    ) -> Option<usize> {
        let mut text_start = from;
        let mut scan = from;
        while let Some(found) = memchr(b'&', self.bytes.get(scan..to).unwrap_or_default()) {
            let at = scan + found;
            match self.char_ref(at, in_attribute) {
                Some((chars, used)) if at + used <= to => {
                    if !piece(text_start, at, chars) {
                        return None;
                    }
                    text_start = at + used;
                    scan = text_start;
                }
                _ => scan = at + 1,
            }
        }
        Some(text_start)
    }

    /// The character reference at `at` (an `&`): its one or two characters and its length in bytes,
    /// or `None` when it is not one (the `&` is then text).
    fn char_ref(&self, at: usize, in_attribute: bool) -> Option<([Option<char>; 2], usize)> {
        let start = at + 1;
        match self.byte(start)? {
            b'#' => {
                let hex = matches!(self.byte(start + 1), Some(b'x' | b'X'));
                let digits_at = start + 1 + usize::from(hex);
                let radix = if hex { 16 } else { 10 };
                let mut i = digits_at;
                let mut value: u32 = 0;
                while let Some(digit) = self.byte(i).and_then(|b| char::from(b).to_digit(radix)) {
                    value = value.saturating_mul(radix).saturating_add(digit);
                    i += 1;
                }
                if i == digits_at {
                    return None;
                }
                if self.byte(i) == Some(b';') {
                    i += 1;
                }
                Some(([Some(numeric_char(value)), None], i - at))
            }
            b if b.is_ascii_alphanumeric() => {
                let mut end = start;
                while end - start < MAX_ENTITY_BYTES
                    && self.byte(end).is_some_and(|b| b.is_ascii_alphanumeric())
                {
                    end += 1;
                }
                if self.byte(end) == Some(b';') {
                    end += 1;
                }
                let name = self.slice(start, end);
                let (len, (c1, c2)) = (1..=name.len()).rev().find_map(|len| {
                    let found = web_atoms::NAMED_ENTITIES.get(name.get(..len)?)?;
                    (found.0 != 0).then_some((len, *found))
                })?;
                let semicolon = name.as_bytes().get(len - 1) == Some(&b';');
                let next = self.byte(start + len);
                if in_attribute && !semicolon && next.is_some_and(|b| b == b'=' || b.is_ascii_alphanumeric())
                {
                    return None;
                }
                let chars = [char::from_u32(c1), char::from_u32(c2).filter(|_| c2 != 0)];
                Some((chars, 1 + len))
            }
            _ => None,
        }
    }

    /// Hands the text between `from` and `to` to the sink: CR LF and CR become LF; NUL is dropped in
    /// markup (`data`) and replaced by U+FFFD in raw text, as a browser's tree builder does.
    fn text(&self, sink: &mut impl Sink, from: usize, to: usize, data: bool) -> Flow {
        if from >= to {
            return Flow::Continue;
        }
        let raw = self.slice(from, to);
        if self.plain || memchr2(b'\r', 0, raw.as_bytes()).is_none() {
            return sink.token(Token::Text(raw));
        }
        // CR line ends (a page in five) or NUL bytes: one pass into the reused buffer.
        let mut out = self.normalised.take();
        out.clear();
        let mut rest = raw;
        while let Some(at) = memchr2(b'\r', 0, rest.as_bytes()) {
            out.push_str(rest.get(..at).unwrap_or_default());
            let used = match rest.as_bytes().get(at..at + 2) {
                Some(b"\r\n") => 2,
                _ => 1,
            };
            if rest.as_bytes().get(at) == Some(&b'\r') {
                out.push('\n');
            } else if !data {
                out.push('\u{fffd}');
            }
            rest = rest.get(at + used..).unwrap_or_default();
        }
        out.push_str(rest);
        let flow = sink.token(Token::Text(&out));
        self.normalised.set(out);
        flow
    }

    /// The content of the raw-text element just read (`self.tag`) from `from` to its end tag, then the
    /// end tag; returns where the data state goes on.
    fn raw_text(&mut self, sink: &mut impl Sink, from: usize, kind: RawText) -> Option<usize> {
        let end = match kind {
            RawText::Script => self.script_end(from),
            RawText::Raw | RawText::Rcdata => self.raw_end(from, self.tag.name.as_bytes()),
        };
        let to = end.unwrap_or(self.bytes.len());
        let flow = if kind == RawText::Rcdata {
            self.rcdata(sink, from, to)
        } else {
            self.text(sink, from, to, false)
        };
        if flow == Flow::Stop {
            return None;
        }
        self.markup(sink, end?)
    }

    /// RCDATA text (`<title>`, `<textarea>`): text with character references and no markup.
    fn rcdata(&self, sink: &mut impl Sink, from: usize, to: usize) -> Flow {
        let rest = self.each_char_ref(from, to, false, |text_from, at, chars| {
            self.text(sink, text_from, at, false) != Flow::Stop && emit_chars(sink, chars) != Flow::Stop
        });
        match rest {
            Some(rest) => self.text(sink, rest, to, false),
            None => Flow::Stop,
        }
    }

    /// The offset of the `</name` (followed by a space, `/` or `>`) that ends raw text from `from`.
    fn raw_end(&self, from: usize, name: &[u8]) -> Option<usize> {
        let mut scan = from;
        loop {
            let lt = scan + memchr(b'<', self.rest(scan))?;
            if self.byte(lt + 1) == Some(b'/')
                && self.matches_at(lt + 2, name)
                && ends_name(self.byte(lt + 2 + name.len()))
            {
                return Some(lt);
            }
            scan = lt + 1;
        }
    }

    /// The offset of the `</script` that ends script data from `from`, following the standard's
    /// escaped (`<!--`) and double-escaped (`<!-- <script>`) states, in which a `</script>` inside a
    /// commented-out script does not end the outer one.
    fn script_end(&self, from: usize) -> Option<usize> {
        /// Script data states.
        #[derive(PartialEq)]
        enum State {
            /// Plain script data.
            Plain,
            /// After `<!--`; `-->` ends it; `--` counts from the offset.
            Escaped(usize),
            /// After `<!-- … <script`; `</script` goes back to escaped, `-->` to plain.
            DoubleEscaped(usize),
        }
        let mut state = State::Plain;
        let mut scan = from;
        loop {
            let rest = self.rest(scan);
            let at = scan
                + if state == State::Plain {
                    memchr(b'<', rest)?
                } else {
                    memchr2(b'<', b'>', rest)?
                };
            scan = at + 1;
            let closes_comment = |dashes_from: usize| at >= dashes_from + 2 && self.matches_at(at - 2, b"--");
            let end_tag = self.byte(at + 1) == Some(b'/')
                && self.matches_at(at + 2, b"script")
                && ends_name(self.byte(at + 8));
            state = match (state, self.byte(at)) {
                (State::Plain, _) if end_tag => return Some(at),
                (State::Plain, _) if self.matches_at(at + 1, b"!--") => {
                    scan = at + 4;
                    State::Escaped(at + 2)
                }
                (State::Escaped(_), Some(b'<')) if end_tag => return Some(at),
                (State::Escaped(_), Some(b'<'))
                    if self.matches_at(at + 1, b"script") && ends_name(self.byte(at + 7)) =>
                {
                    State::DoubleEscaped(at + 7)
                }
                (State::Escaped(d) | State::DoubleEscaped(d), Some(b'>')) if closes_comment(d) => {
                    State::Plain
                }
                (State::DoubleEscaped(_), Some(b'<')) if end_tag => State::Escaped(at + 8),
                (state, _) => state,
            };
        }
    }
}

/// Hands one or two decoded characters to the sink as text.
fn emit_chars(sink: &mut impl Sink, chars: [Option<char>; 2]) -> Flow {
    let mut buf = [0u8; 8];
    let mut len = 0;
    for c in chars.into_iter().flatten() {
        let Some(slot) = buf.get_mut(len..) else { break };
        len += c.encode_utf8(slot).len();
    }
    let text = std::str::from_utf8(buf.get(..len).unwrap_or_default()).unwrap_or_default();
    sink.token(Token::Text(text))
}

/// The character a numeric reference stands for, with the standard's replacements: U+FFFD for zero,
/// surrogates and values past U+10FFFF; windows-1252's characters for 0x80–0x9F.
fn numeric_char(value: u32) -> char {
    match value {
        0x80..=0x9F => web_atoms::C1_REPLACEMENTS
            .get((value - 0x80) as usize)
            .copied()
            .flatten()
            .or_else(|| char::from_u32(value))
            .unwrap_or('\u{fffd}'),
        _ => char::from_u32(value).filter(|&c| c != '\0').unwrap_or('\u{fffd}'),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records tokens as strings; asks for raw text after the elements the extractor reads raw.
    #[derive(Default)]
    struct Log(Vec<String>);

    impl Sink for Log {
        fn token(&mut self, token: Token<'_, '_>) -> Flow {
            match token {
                Token::Start(tag) => {
                    let attrs: Vec<String> = tag
                        .attrs
                        .iter()
                        .map(|a| format!(" {}={:?}", a.name, a.value))
                        .collect();
                    let slash = if tag.self_closing { "/" } else { "" };
                    self.0.push(format!("<{}{}{slash}>", tag.name, attrs.concat()));
                    return crate::rules::raw_text(&tag.name).map_or(Flow::Continue, Flow::Raw);
                }
                Token::End(name) => self.0.push(format!("</{name}>")),
                Token::Text(text) => match self.0.last_mut() {
                    Some(last) if last.starts_with('"') => {
                        last.pop();
                        last.push_str(text);
                        last.push('"');
                    }
                    _ => self.0.push(format!("\"{text}\"")),
                },
                Token::Comment => self.0.push("#".to_owned()),
            }
            Flow::Continue
        }
    }

    /// A [`Log`] that wants only the `class` attributes of `div`s.
    #[derive(Default)]
    struct DivClasses(Log);

    impl Sink for DivClasses {
        fn token(&mut self, token: Token<'_, '_>) -> Flow {
            self.0.token(token)
        }

        fn wants_attribute(&self, tag: &str, attr: &str) -> bool {
            tag == "div" && attr == "class"
        }
    }

    #[test]
    fn unwanted_attributes_are_dropped() {
        let mut sink = DivClasses::default();
        tokenize(
            r#"<DIV id=x CLASS="a&amp;b" class=dup data-x='1>2'><p class=c>t</p></div class=z>"#,
            &mut sink,
        );
        assert_eq!(sink.0.0.join(" "), r#"<div class="a&b"> <p> "t" </p> </div>"#);
        let mut sink = DivClasses::default();
        tokenize(r#"<div data-x="1" class="a"#, &mut sink);
        assert!(sink.0.0.is_empty());
    }

    fn tokens(html: &str) -> String {
        let mut log = Log::default();
        tokenize(html, &mut log);
        log.0.join(" ")
    }

    #[test]
    fn tags_attributes_and_text() {
        assert_eq!(
            tokens(r#"<DIV Class="a b" id=x data-x='1>2' hidden CLASS=dup>Hi</Div>"#),
            r#"<div class="a b" id="x" data-x="1>2" hidden=""> "Hi" </div>"#
        );
        assert_eq!(
            tokens("<br/><img src=a.png />x"),
            r#"<br/> <img src="a.png"/> "x""#
        );
        assert_eq!(tokens("<p =x a = 'b'>"), r#"<p =x="" a="b">"#);
        assert_eq!(tokens("a < b <3 </ c> d"), r#""a < b <3 " # " d""#);
        assert_eq!(tokens("x</>y"), r#""xy""#);
        assert_eq!(tokens("x<p class=\"a"), r#""x""#);
        assert_eq!(tokens("x<div"), r#""x""#);
        assert_eq!(tokens("x</"), r#""x</""#);
    }

    #[test]
    fn comments_and_doctype() {
        assert_eq!(
            tokens("<!DOCTYPE html><!-- a -- b -->x<!-->y<!--->z<!-- c --!>w<?php q ?>v<![CDATA[u]]>t"),
            r#"# # "x" # "y" # "z" # "w" # "v" # "t""#
        );
        assert_eq!(tokens("a<!-- never closed <p>"), r#""a" #"#);
    }

    #[test]
    fn character_references() {
        assert_eq!(
            tokens("&amp;&lt&notit;&#65;&#x42&#0;&#x80;&#xD800;&#;&bogus;&CounterClockwiseContourIntegral;"),
            "\"&<¬it;AB\u{fffd}€\u{fffd}&#;&bogus;∳\""
        );
        assert_eq!(
            tokens(r#"<a href="?a=1&copy=2&amp;b&lt=3&gt;&notin;">"#),
            r#"<a href="?a=1&copy=2&b&lt=3>∉">"#
        );
        assert_eq!(tokens("&nbsp"), "\"\u{a0}\"");
        assert_eq!(tokens("a\r\nb\rc\0d"), "\"a\nb\ncd\"");
    }

    #[test]
    fn cr_and_nul_are_normalised_in_one_pass() {
        assert_eq!(tokens("a\r\r\nb\r"), "\"a\n\nb\n\"");
        assert_eq!(tokens("x\0\ry\r\0\nz"), "\"x\ny\n\nz\"");
        assert_eq!(
            tokens("<p>a\r\n</p>\r<script>s\0t\r\nu</script>"),
            "<p> \"a\n\" </p> \"\n\" <script> \"s\u{fffd}t\nu\" </script>"
        );
    }

    #[test]
    fn raw_text_elements() {
        assert_eq!(
            tokens("<script>if (a<b) x='</p>';</SCRIPT >y"),
            r#"<script> "if (a<b) x='</p>';" </script> "y""#
        );
        assert_eq!(
            tokens("<script><!-- <script>x</script> --></script>z"),
            r#"<script> "<!-- <script>x</script> -->" </script> "z""#
        );
        assert_eq!(
            tokens("<script><!--x</script>z"),
            r#"<script> "<!--x" </script> "z""#
        );
        assert_eq!(
            tokens("<title>a &amp; <b></title><style>p{}</style  x>"),
            r#"<title> "a & <b>" </title> <style> "p{}" </style>"#
        );
        assert_eq!(tokens("<textarea>never ended"), r#"<textarea> "never ended""#);
    }

    #[test]
    fn find2_finds_what_memchr2_finds() {
        for (haystack, found) in [
            ("", None),
            ("<", Some(0)),
            ("abcdefg&", Some(7)),
            ("abcdefgh<", Some(8)),
            ("abcdefghijklmnopq<&", Some(17)),
            ("\u{80}\u{100}\0\x01<", Some(6)),
            ("abcdefghijklmnop", None),
        ] {
            assert_eq!(find2(b'<', b'&', haystack.as_bytes()), found, "{haystack:?}");
        }
        assert_eq!(find2(b'"', b'"', b"a'b\"c"), Some(3));
    }

    proptest::proptest! {
        /// On bytes of every kind (the needles one time in eight, so that many searches go past the
        /// inline words), `find2` answers as `memchr2` and `memchr` do.
        #[test]
        fn find2_equals_memchr2(picks in proptest::collection::vec(0usize..16, 0..48)) {
            let alphabet = [b'<', b'&', 0, 1, 0x7f, 0x80, 0xff, b'a', b' ', b'\n', b'"', b'=', b'>', b'/', 0x3b, 0x26 ^ 0x80, b'\'', b'#'];
            let haystack: Vec<u8> = picks.iter().filter_map(|&i| alphabet.get(i).copied()).collect();
            proptest::prop_assert_eq!(find2(b'<', b'&', &haystack), memchr2(b'<', b'&', &haystack));
            proptest::prop_assert_eq!(find2(b'&', b'&', &haystack), memchr(b'&', &haystack));
            proptest::prop_assert_eq!(find2(b'"', b'"', &haystack), memchr(b'"', &haystack));
        }
    }

    #[test]
    fn stop_ends_the_work() {
        struct Two(u32);
        impl Sink for Two {
            fn token(&mut self, _: Token<'_, '_>) -> Flow {
                self.0 += 1;
                if self.0 >= 2 { Flow::Stop } else { Flow::Continue }
            }
        }
        let mut sink = Two(0);
        tokenize("<p>a</p><p>b</p>", &mut sink);
        assert_eq!(sink.0, 2);
    }
}
