//! A skimmer for the common NDJSON line: a flat object of plain strings, integers, booleans and
//! nulls. It reads such a line in one pass over its bytes, borrowing the judged strings, and gives
//! up (`None`) on anything else: escapes in keys or judged strings, `\u` escapes anywhere, control
//! bytes in strings, floats and exponents, long numbers, arrays, objects, unknown keys, any syntax
//! error. serde_json then reads the line and defines what it means, so the skimmer has one duty:
//! when it answers, answer exactly what serde_json answers.
//!
//! Strings are scanned eight bytes at a time and keys compared in words (see `string_stop` and
//! `same_short`): values are a few bytes long, so per-call setup and mispredicted loop ends, not
//! bandwidth, are what a line costs.

use std::borrow::Cow;

use super::Keys;

/// Number tokens longer than this are left to serde_json, which turns a long integer into a
/// float and fails on one beyond `f64`'s range.
const MAX_NUMBER: usize = 32;

/// Read the object on `line` into `cells` (indexed by judged slot, all `None` on entry), or give
/// up with `None`, leaving `cells` partly written. `order` is the key order learned from the
/// previous lines (see [`key`]).
pub(super) fn skim<'l>(
    line: &'l str,
    keys: &Keys,
    order: &mut Vec<usize>,
    cells: &mut [Option<Cow<'l, str>>],
) -> Option<()> {
    let bytes = line.as_bytes();
    let mut at = skip_space(bytes, 0);
    at = expect(bytes, at, b'{')?;
    at = skip_space(bytes, at);
    if bytes.get(at) == Some(&b'}') {
        return only_space_after(bytes, at + 1);
    }
    for position in 0.. {
        at = expect(bytes, at, b'"')?;
        let (column, close) = key(keys, order, position, line, at)?;
        at = skip_space(bytes, close + 1);
        at = expect(bytes, at, b':')?;
        at = skip_space(bytes, at);
        at = match keys.slots.get(column).copied().flatten() {
            Some(slot) => {
                let (cell, after) = judged_value(line, at)?;
                // A repeated key overwrites, as serde_json's `visit_map` does.
                *cells.get_mut(slot)? = Some(cell);
                after
            }
            None => skipped_value(bytes, at)?,
        };
        at = skip_space(bytes, at);
        match bytes.get(at) {
            Some(b',') => at = skip_space(bytes, at + 1),
            Some(b'}') => return only_space_after(bytes, at + 1),
            _ => return None,
        }
    }
    None
}

/// The column of the `position`th key of `line`, whose text starts at `at`, and the offset of
/// its closing quote. `order` holds the columns of the previous lines' keys in their order,
/// which most lines repeat (the layout's order is not the file's: the record pass sorts keys):
/// the key is first compared with the one found at `position` before, and a miss asks the map
/// and learns the new order. Comparing raw bytes with a name is exact: `order` only learns
/// columns of keys read without escapes, whose names therefore need none.
fn key(
    keys: &Keys,
    order: &mut Vec<usize>,
    position: usize,
    line: &str,
    at: usize,
) -> Option<(usize, usize)> {
    let bytes = line.as_bytes();
    let rest = bytes.get(at..)?;
    if let Some(&column) = order.get(position) {
        if let Some(name) = keys.names.get(column).map(|n| n.as_bytes()) {
            if starts_with(rest, name) && rest.get(name.len()) == Some(&b'"') {
                return Some((column, at + name.len()));
            }
        }
    }
    let close = plain_string_end(bytes, at)?;
    let column = *keys.columns.get(line.get(at..close)?)?;
    match order.get_mut(position) {
        Some(known) => *known = column,
        None => order.push(column),
    }
    Some((column, close))
}

/// `text.starts_with(prefix)` for the few bytes of a key, compared a word at a time: a call to
/// libc's `memcmp`, or a loop per byte whose end is mispredicted, costs more than the comparison.
fn starts_with(text: &[u8], prefix: &[u8]) -> bool {
    text.get(..prefix.len())
        .is_some_and(|start| same_short(start, prefix))
}

/// `a == b` for slices of the same length, in (overlapping) words.
fn same_short(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word = |s: &[u8], at: usize| -> Option<u64> {
        Some(u64::from_ne_bytes(s.get(at..at + 8)?.try_into().ok()?))
    };
    let half = |s: &[u8], at: usize| -> Option<u32> {
        Some(u32::from_ne_bytes(s.get(at..at + 4)?.try_into().ok()?))
    };
    match n {
        0..4 => a == b,
        4..8 => half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4),
        _ => {
            let mut at = 0;
            while at + 8 < n {
                if word(a, at) != word(b, at) {
                    return false;
                }
                at += 8;
            }
            word(a, n - 8) == word(b, n - 8)
        }
    }
}

/// The offset after JSON whitespace at `at`.
fn skip_space(bytes: &[u8], mut at: usize) -> usize {
    while matches!(bytes.get(at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        at += 1;
    }
    at
}

/// The offset after `byte`, if it is at `at`.
fn expect(bytes: &[u8], at: usize, byte: u8) -> Option<usize> {
    (bytes.get(at) == Some(&byte)).then_some(at + 1)
}

/// `Some` when only whitespace follows `at`, as `serde_json::Deserializer::end` requires.
fn only_space_after(bytes: &[u8], at: usize) -> Option<()> {
    (skip_space(bytes, at) == bytes.len()).then_some(())
}

/// The offset of the first byte from `at` that ends a string's plain run: a quote, a backslash,
/// or a control byte (serde_json rejects those raw in a string). Eight bytes at a time: JSON
/// strings are short, `memchr2`'s setup would cost more than the search.
fn string_stop(bytes: &[u8], at: usize) -> Option<usize> {
    let rest = bytes.get(at..)?;
    let mut words = rest.chunks_exact(8);
    let mut offset = at;
    for word in &mut words {
        let word = u64::from_le_bytes(word.try_into().ok()?);
        let found = has_byte(word, b'"') | has_byte(word, b'\\') | has_below(word, 0x20);
        if found != 0 {
            return Some(offset + found.trailing_zeros() as usize / 8);
        }
        offset += 8;
    }
    let tail = words
        .remainder()
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20);
    tail.map(|k| offset + k)
}

const ONES: u64 = u64::from_ne_bytes([1; 8]);

/// The high bit of each byte of `word` that equals `byte`, and maybe of bytes after the first
/// such (the borrow of the subtraction propagates upwards): the lowest set bit is exact.
fn has_byte(word: u64, byte: u8) -> u64 {
    let x = word ^ (ONES * u64::from(byte));
    x.wrapping_sub(ONES) & !x & (ONES << 7)
}

/// The high bit of each byte of `word` below `limit` (at most 0x80), and maybe of bytes after
/// the first such: the lowest set bit is exact.
fn has_below(word: u64, limit: u8) -> u64 {
    word.wrapping_sub(ONES * u64::from(limit)) & !word & (ONES << 7)
}

/// The offset of the quote closing a string whose text starts at `at`, if no backslash or
/// control byte comes first: the text is then the string's value as it is.
fn plain_string_end(bytes: &[u8], at: usize) -> Option<usize> {
    let k = string_stop(bytes, at)?;
    (bytes.get(k) == Some(&b'"')).then_some(k)
}

/// The offset of the quote closing a string whose text starts at `at`, past escapes that need
/// no checking (`\u` needs surrogate pairs checked: serde_json does that), if no control byte
/// comes first.
fn string_end(bytes: &[u8], mut at: usize) -> Option<usize> {
    loop {
        at = string_stop(bytes, at)?;
        match bytes.get(at)? {
            b'"' => return Some(at),
            b'\\' => {}
            _ => return None,
        }
        match bytes.get(at + 1)? {
            b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => at += 2,
            _ => return None,
        }
    }
}

/// The offset after `literal` (`true`, `false`, `null`), if it is at `at`.
fn literal(bytes: &[u8], at: usize, literal: &[u8]) -> Option<usize> {
    bytes
        .get(at..)?
        .starts_with(literal)
        .then_some(at + literal.len())
}

/// The offset after the digits from `at`.
fn digits_end(bytes: &[u8], at: usize) -> usize {
    at + bytes
        .get(at..)
        .map_or(0, |b| b.iter().take_while(|c| c.is_ascii_digit()).count())
}

/// The offset after the integer `-?(0|[1-9][0-9]*)` at `at`. What follows is checked by the
/// caller: `01` or `1.5` read as an integer leave a digit or a dot that is no separator.
fn integer_end(bytes: &[u8], at: usize) -> Option<usize> {
    let digits = if bytes.get(at) == Some(&b'-') {
        at + 1
    } else {
        at
    };
    match bytes.get(digits)? {
        b'0' => Some(digits + 1),
        b'1'..=b'9' => Some(digits_end(bytes, digits + 1)),
        _ => None,
    }
}

/// The offset after the number `-?(0|[1-9][0-9]*)(\.[0-9]+)?` at `at` (an exponent is left for
/// the caller to reject), if it is short enough to be sure serde_json reads it.
fn number_end(bytes: &[u8], at: usize) -> Option<usize> {
    let mut end = integer_end(bytes, at)?;
    if bytes.get(end) == Some(&b'.') {
        let fraction = digits_end(bytes, end + 1);
        if fraction == end + 1 {
            return None;
        }
        end = fraction;
    }
    (end - at <= MAX_NUMBER).then_some(end)
}

/// The value at `at` of a column nobody judges: checked as serde_json would read it, not kept.
fn skipped_value(bytes: &[u8], at: usize) -> Option<usize> {
    match bytes.get(at)? {
        b'"' => string_end(bytes, at + 1).map(|close| close + 1),
        b't' => literal(bytes, at, b"true"),
        b'f' => literal(bytes, at, b"false"),
        b'n' => literal(bytes, at, b"null"),
        b'-' | b'0'..=b'9' => number_end(bytes, at),
        // Arrays and objects: serde_json skips arrays and declines objects.
        _ => None,
    }
}

/// The value at `at` of a judged column as the serde path's `Scalar` writes it, and the offset
/// after it. Only what needs no formatting: plain strings, booleans, null, and integers, which
/// `serde_json::Number` prints as written when they fit `i64` (`-0` is the float `-0.0`).
fn judged_value<'l>(line: &'l str, at: usize) -> Option<(Cow<'l, str>, usize)> {
    let bytes = line.as_bytes();
    let (text, end) = match bytes.get(at)? {
        b'"' => {
            let close = plain_string_end(bytes, at + 1)?;
            (line.get(at + 1..close)?, close + 1)
        }
        b't' => ("true", literal(bytes, at, b"true")?),
        b'f' => ("false", literal(bytes, at, b"false")?),
        b'n' => ("", literal(bytes, at, b"null")?),
        b'-' | b'0'..=b'9' => {
            let end = integer_end(bytes, at)?;
            let token = line.get(at..end)?;
            // Up to 18 characters, an integer is below 10^18 < 2^63: no need to parse it.
            if token == "-0" || (token.len() > 18 && token.parse::<i64>().is_err()) {
                return None;
            }
            (token, end)
        }
        _ => return None,
    };
    Some((Cow::Borrowed(text), end))
}

#[cfg(test)]
mod tests {
    use super::{same_short, string_stop};

    #[test]
    fn word_comparison_sees_every_byte() {
        for n in 0..=24 {
            let a: Vec<u8> = (0..n).map(|i| b'a' + i as u8).collect();
            assert!(same_short(&a, &a.clone()), "{n}");
            for at in 0..n {
                let mut b = a.clone();
                b[at] ^= 0x20;
                assert!(!same_short(&a, &b), "{n}: byte {at}");
            }
            assert!(!same_short(&a, &a[..n.saturating_sub(1)]) || n == 0);
        }
    }

    #[test]
    fn word_search_finds_the_first_quote_backslash_or_control_byte() {
        // Fillers next to the stops, and with their high bit set.
        let fillers = [
            b'x', b' ', 0x21, 0x23, 0x5b, 0x5d, 0x7f, 0x80, 0xa0, 0xa2, 0xdc, 0xff,
        ];
        let stops = [b'"', b'\\', 0, b'\n', 0x1f];
        for (n, filler) in (0..=24).flat_map(|n| fillers.map(|f| (n, f))) {
            for at in 0..n {
                for (first, second) in stops.iter().zip(stops.iter().rev()) {
                    let mut text = vec![filler; n];
                    text[at] = *first;
                    if at + 1 < n {
                        text[at + 1..].iter_mut().for_each(|b| *b = *second);
                    }
                    for from in 0..=at {
                        assert_eq!(string_stop(&text, from), Some(at), "{n} {at} {from}");
                    }
                }
            }
            assert_eq!(string_stop(&vec![filler; n], 0), None);
        }
    }
}
