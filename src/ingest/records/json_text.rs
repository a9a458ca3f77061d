//! JSON text as the other JSON readers take it (finding F47): serde_json rejects two things
//! that JavaScript, Python and most exporters accept, and with them the whole file —
//! - a number beyond the range of a double (`1e400`): kept as the text it was written as, so
//!   a score cell reads `1e400` and is one invalid answer, set aside and counted, not a
//!   rejected file;
//! - an escaped lone surrogate (`"\ud800"`, half of a UTF-16 pair, which JavaScript strings
//!   may hold): replaced by U+FFFD, as any UTF-8 encoder must.
//!
//! Each repair re-parses the text, so at most [`MAX_REPAIRS`] are made; past that the file's
//! own error stands.

use serde_json::Value;

/// Repairs per parse (per NDJSON line, or per JSON array).
const MAX_REPAIRS: usize = 64;

/// `text` parsed as one JSON value, with the repairs above.
pub(crate) fn parse(text: &str) -> Result<Value, serde_json::Error> {
    match serde_json::from_str(text) {
        Ok(value) => Ok(value),
        Err(e) => serde_json::from_str(&repair_all(text, e)?),
    }
}

/// `text` with every repair [`parse`] would make, if it needed any and they succeed.
pub(crate) fn repaired(text: &str) -> Option<String> {
    let e = serde_json::from_str::<Value>(text).err()?;
    repair_all(text, e).ok()
}

/// `text`, whose parse failed with `e`, repaired until it parses; the error that no repair
/// answers (or the last, past [`MAX_REPAIRS`]) otherwise. Checked by parsing into a [`Value`],
/// as the record pass does: `IgnoredAny` lets a lone surrogate through.
fn repair_all(text: &str, mut e: serde_json::Error) -> Result<String, serde_json::Error> {
    let mut current = text.to_string();
    for _ in 0..MAX_REPAIRS {
        current = repair(&current, &e).ok_or(e)?;
        match serde_json::from_str::<Value>(&current) {
            Ok(_) => return Ok(current),
            Err(next) => e = next,
        }
    }
    Err(e)
}

/// `text` with the cause of `e` repaired, if it is one of the two.
fn repair(text: &str, e: &serde_json::Error) -> Option<String> {
    let message = e.to_string();
    let at = offset(text, e.line(), e.column())?;
    if message.starts_with("number out of range") {
        // serde_json stops inside or just after the number: widen to the whole token.
        let is_number = |b: u8| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E');
        let bytes = text.as_bytes();
        let mut start = at.min(bytes.len());
        while start > 0 && is_number(bytes[start - 1]) {
            start -= 1;
        }
        let mut end = start;
        while end < bytes.len() && is_number(bytes[end]) {
            end += 1;
        }
        if end == start {
            return None;
        }
        return Some(format!(
            "{}\"{}\"{}",
            &text[..start],
            &text[start..end],
            &text[end..]
        ));
    }
    if message.contains("surrogate") || message.contains("hex escape") {
        // serde_json says "lone … surrogate" or, for a high half followed by anything but a
        // `\u` escape, "unexpected end of hex escape": the lone half is the last `\u` escape
        // starting before the error position whose value is a surrogate.
        let mut before = &text[..at.min(text.len())];
        while let Some(start) = before.rfind("\\u") {
            let end = start + 6;
            let value = text
                .get(start + 2..end)
                .and_then(|hex| u16::from_str_radix(hex, 16).ok());
            if value.is_some_and(|v| (0xD800..=0xDFFF).contains(&v)) {
                return Some(format!("{}\\ufffd{}", &text[..start], &text[end..]));
            }
            before = &text[..start];
        }
        return None;
    }
    None
}

/// The byte offset of serde_json's 1-based (line, column), the column counted in bytes.
fn offset(text: &str, line: usize, column: usize) -> Option<usize> {
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n').nth(line - 2)?.0 + 1
    };
    let at = line_start + column;
    // A column past a multi-byte character may not be a boundary: step back to one.
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    Some(at)
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn out_of_range_numbers_become_their_text() {
        let v = parse(r#"{"score": 1e400, "plan": "pro"}"#).unwrap();
        assert_eq!(v["score"], "1e400");
        assert_eq!(v["plan"], "pro");
        let v = parse("[{\"score\": -1e999},\n {\"score\": 9}]").unwrap();
        assert_eq!(v[0]["score"], "-1e999");
        assert_eq!(v[1]["score"], 9);
    }

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        let v = parse(r#"{"comment": "bad \ud800 text", "score": 3}"#).unwrap();
        assert_eq!(v["comment"], "bad \u{fffd} text");
        let v = parse(r#"{"comment": "\udc00\ud800x"}"#).unwrap();
        assert_eq!(v["comment"], "\u{fffd}\u{fffd}x");
        // A proper pair is left alone.
        let v = parse(r#"{"comment": "\ud83d\ude00"}"#).unwrap();
        assert_eq!(v["comment"], "😀");
    }

    #[test]
    fn other_errors_stand() {
        assert!(parse(r#"{"score": 9"#).is_err());
        assert!(parse(r#"{"score": 09}"#).is_err());
    }
}
