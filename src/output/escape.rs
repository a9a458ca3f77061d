//! The one place each escaping rule lives (DESIGN.md §5: outputs are safe to open wherever they
//! land). Renderers call the rule of their format on every piece of text they write; commands
//! hand over text as it is and never escape it themselves.
//!
//! Text from a user's file — segment values, column names, question text, and our sentences that
//! quote them — is untrusted. The rules, one function each:
//!
//! - [`terminal`] (tables, stderr): control characters (C0, DEL, C1) are shown as Rust escapes
//!   (`\u{1b}`, `\r`, `\n`), never written raw, so a cell cannot retitle the window, clear the
//!   screen or overwrite its row; and text cannot issue a GitHub Actions workflow command
//!   ([`workflow_commands`]).
//! - [`csv_cell`]: spreadsheet formulas are neutralised with a leading `'`, numbers stay numbers.
//! - [`markdown`]: cells cannot split a table row or carry links, images, HTML or mentions.
//! - [`xml`]: only characters XML 1.0 allows, so a JUnit report always parses.
//! - [`github_data`] and [`github_property`]: GitHub's own workflow-command encoding.
//! - [`json`]: the same values, written so that no terminal or CI runner acts on them.

use std::borrow::Cow;
use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};

/// Control characters shown as Rust escapes (`\u{1b}`, `\t`), except those `keep` lets through.
fn visible(s: &str, keep: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() && !keep(c) {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    out
}

/// Text that a GitHub Actions runner cannot take as a workflow command. The runner reads every
/// line of a step's stdout and stderr; a line whose text after leading whitespace starts with `::`
/// is a command (`::error::`, `::add-mask::`, `::stop-commands::`), and so is the legacy `##[`
/// anywhere in a line (actions/runner, `ActionCommand.TryParseV2` and `TryParse`). Such a line
/// gets a leading `'`; `##[` becomes `##\[`.
pub fn workflow_commands(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    loop {
        // A line's own indent, not the line breaks before it (CRLF is one break, and an empty
        // line is a line: each `::` line gets one mark, where it starts).
        if rest.trim_start_matches([' ', '\t']).starts_with("::") {
            out.push('\'');
        }
        match rest.find(['\n', '\r']) {
            Some(end) => {
                let end = match rest[end..].starts_with("\r\n") {
                    true => end + 1,
                    false => end,
                };
                out.push_str(&rest[..=end]);
                rest = &rest[end + 1..];
            }
            None => {
                out.push_str(rest);
                break;
            }
        }
    }
    if out.contains("##[") {
        out = out.replace("##[", "##\\[");
    }
    out
}

/// Text for a terminal: a table cell, heading or line, or a line on stderr. Bidirectional
/// embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) are shown escaped too: an
/// override reverses what follows on screen, so a comment could make a row read otherwise than
/// it is ("Trojan Source", CVE-2021-42574). Marks that only set a direction (U+200E, U+200F)
/// stay: Arabic and Hebrew text uses them.
pub fn terminal(s: &str) -> String {
    let bidi = |c: char| matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if !s.contains(bidi) {
        return workflow_commands(&visible(s, |_| false));
    }
    let mut shown = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match bidi(c) {
            true => shown.extend(c.escape_unicode()),
            false => shown.push(c),
        }
    }
    workflow_commands(&visible(&shown, |_| false))
}

/// A plain decimal number (`-12.5`, `+5.0`, `1e-3`): a spreadsheet reads it as a number, never
/// as a formula.
fn is_number(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'))
        && s.parse::<f64>().is_ok()
}

/// A CSV cell (header or value). A spreadsheet runs a cell starting with `=`, `+`, `-`, `@`, TAB
/// or CR as a formula (OWASP "CSV injection"), so such a cell gets a leading `'`, which Excel,
/// LibreOffice and Google Sheets hide — unless it is a number, which stays a number: a negative
/// NPS is `-12.5`, not a formula. TAB, CR and LF are kept (RFC 4180 quotes them); other control
/// characters are shown escaped; no line starts a workflow command. nps's own text never starts
/// with these characters except numbers, so in practice this touches text from the user's file.
pub fn csv_cell(s: &str) -> Cow<'_, str> {
    // Most cells hold nothing to escape: no copy, one pass (follow-up lists write millions of
    // them, messages of several lines among them). Without `::` or `##[`, and with no control
    // character but TAB, CR and LF, the escapes below would give the text back unchanged.
    let kept = |c: char| matches!(c, '\t' | '\n' | '\r');
    if !s.starts_with(['=', '+', '-', '@', '\t', '\r']) && plain_cell(s.as_bytes()) {
        return Cow::Borrowed(s);
    }
    let s = workflow_commands(&visible(s, kept));
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) && !is_number(&s) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Owned(s)
    }
}

/// Whether `bytes` (UTF-8) hold no control character but TAB, CR and LF, no `::` and no `##[`.
/// The control characters are C0 and DEL (one byte each) and C1 (U+0080–U+009F: `0xC2` then
/// `0x80`–`0x9F`). Eight bytes at a time: a word holding none of the bytes that can start
/// trouble (below 0x20, 0x7F, 0xC2, `:`, `#`) is passed over whole; a word holding one is read
/// byte by byte. (A follow-up list writes gigabytes of cells: byte by byte, this was a tenth of
/// its time.)
fn plain_cell(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    // Some byte of `w` is below `n` (n ≤ 0x80), or is `b`: never a false "no" (a false "yes"
    // only costs a byte-by-byte look).
    let below = |w: u64, n: u8| w.wrapping_sub(ONES * u64::from(n)) & !w & HIGHS != 0;
    let has = |w: u64, b: u8| below(w ^ (ONES * u64::from(b)), 1);
    let next = |i: usize| bytes.get(i + 1).copied().unwrap_or(0);
    let plain_at = |i: usize| match bytes[i] {
        b'\t' | b'\n' | b'\r' => true,
        0..=0x1f | 0x7f => false,
        0xc2 => !(0x80..=0x9f).contains(&next(i)),
        b':' => next(i) != b':',
        b'#' => !(next(i) == b'#' && bytes.get(i + 2) == Some(&b'[')),
        _ => true,
    };
    let words = bytes.chunks_exact(8);
    let tail = bytes.len() - words.remainder().len();
    for (k, word) in words.enumerate() {
        let mut w = [0u8; 8];
        w.copy_from_slice(word);
        let w = u64::from_ne_bytes(w);
        let look = below(w, 0x20) || has(w, 0x7f) || has(w, 0xc2) || has(w, b':') || has(w, b'#');
        if look && !(8 * k..8 * k + 8).all(plain_at) {
            return false;
        }
    }
    (tail..bytes.len()).all(plain_at)
}

/// [`csv_cell`] as the bytes the csv crate writes.
pub fn csv_bytes(s: &str) -> Cow<'_, [u8]> {
    match csv_cell(s) {
        Cow::Borrowed(s) => Cow::Borrowed(s.as_bytes()),
        Cow::Owned(s) => Cow::Owned(s.into_bytes()),
    }
}

/// Text in Markdown (a table cell, a heading, a line). A run of spaces keeps its width (no-break
/// spaces after the first, and for a trailing one). Control characters are shown escaped, so
/// CR and LF cannot split a table row; `|` cannot end a cell; `\`, `` ` ``, `*`, `_`, `~`, `[`,
/// `]`, `<`, `>`, `!` and `&` are backslash-escaped, so text cannot become code, emphasis, a
/// link, an image, raw HTML or an entity; `@` is followed by a zero-width space so that a value
/// like `@org/team` mentions nobody on GitHub (as Renovate does in its pull requests).
pub fn markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // Markdown collapses a run of spaces and drops a trailing one: a sparkline's empty
            // periods would vanish (finding F52). No-break spaces keep each one.
            ' ' if out.ends_with([' ', '\u{a0}']) || chars.peek().is_none() => out.push('\u{a0}'),
            '\\' | '`' | '*' | '_' | '~' | '[' | ']' | '<' | '>' | '!' | '|' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '@' => out.push_str("@&#8203;"),
            c => out.push(c),
        }
    }
    terminal(&out)
}

/// Text in XML (an attribute or element text). XML 1.0 forbids most C0 controls even as
/// character references, and U+FFFE and U+FFFF; a single one makes CI tools reject the whole
/// JUnit report. They and the other control characters are shown escaped, as on a terminal.
/// (The XML writer escapes `&`, `<`, `>` and quotes.)
pub fn xml(s: &str) -> String {
    let s = terminal(s);
    if s.contains(['\u{fffe}', '\u{ffff}']) {
        s.replace('\u{fffe}', "\\u{fffe}")
            .replace('\u{ffff}', "\\u{ffff}")
    } else {
        s
    }
}

/// The message of a GitHub workflow command: GitHub's encoding (`%` → `%25`, CR → `%0D`, LF →
/// `%0A`), so the text stays one command; other control characters shown escaped.
pub fn github_data(s: &str) -> String {
    visible(s, |c| matches!(c, '\r' | '\n'))
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value of a GitHub workflow command (`title=…`): [`github_data`], and `:` and `,`,
/// which would end the property, as `%3A` and `%2C`.
pub fn github_property(s: &str) -> String {
    github_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Characters [`SafeJson`] escapes: serde_json escapes C0 controls but writes DEL and C1 raw
/// (U+009B is a CSI to some terminals).
fn unsafe_in_json(c: char) -> bool {
    (c.is_control() && !c.is_ascii()) || c == '\x7f'
}

/// serde_json's formatter `F` (pretty or compact), writing JSON that no terminal or CI runner
/// acts on without changing a value: DEL and C1 controls as `\u007f`…, and `##[` (a legacy
/// workflow command anywhere in a line) as `##\u005b`. Outside strings JSON text is ASCII without
/// `#`, so both occur only inside strings, where the escapes are the same characters to any
/// parser. Applied to each string as it is written, so a report streams to its destination
/// without being held whole.
pub struct SafeJson<F>(pub F);

impl<F: Formatter> Formatter for SafeJson<F> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        text: &str,
    ) -> io::Result<()> {
        if !text.chars().any(unsafe_in_json) && !text.contains("##[") {
            return w.write_all(text.as_bytes());
        }
        let mut out = String::with_capacity(text.len() + 8);
        for c in text.chars() {
            if unsafe_in_json(c) {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            } else {
                out.push(c);
            }
        }
        w.write_all(out.replace("##[", "##\\u005b").as_bytes())
    }

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }

    fn end_object_key<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_key(w)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// Write `value` to `w` as pretty JSON through [`SafeJson`].
pub fn json_pretty_to<W: Write, T: Serialize + ?Sized>(w: W, value: &T) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(w, SafeJson(PrettyFormatter::new()));
    value.serialize(&mut ser).map_err(io::Error::from)
}

/// `value` as compact JSON through [`SafeJson`]. Structs of strings, numbers and enums always
/// serialise; anything else gives an empty string.
pub fn json<T: Serialize + ?Sized>(value: &T) -> String {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, SafeJson(CompactFormatter));
    match value.serialize(&mut ser) {
        // serde_json writes only UTF-8.
        Ok(()) => String::from_utf8(out).unwrap_or_default(),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_text_shows_controls_escaped() {
        assert_eq!(
            terminal("evil\x1b]0;pwned\x07\x1b[31mRED\x1b[0m"),
            "evil\\u{1b}]0;pwned\\u{7}\\u{1b}[31mRED\\u{1b}[0m"
        );
        assert_eq!(terminal("cr\rreturn\tx\ny"), "cr\\rreturn\\tx\\ny");
        assert_eq!(terminal("del\x7f c1\u{9b}"), "del\\u{7f} c1\\u{9b}");
        assert_eq!(terminal("café · ü · 日本"), "café · ü · 日本");
    }

    #[test]
    fn no_line_can_start_a_workflow_command() {
        assert_eq!(workflow_commands("::error::x"), "'::error::x");
        assert_eq!(workflow_commands("  ::add-mask::9"), "'  ::add-mask::9");
        assert_eq!(
            workflow_commands("x\n::error::y\r::stop-commands::z"),
            "x\n'::error::y\r'::stop-commands::z"
        );
        assert_eq!(workflow_commands("a ##[error]b"), "a ##\\[error]b");
        assert_eq!(workflow_commands("a::b"), "a::b");
        // One mark per line, where it starts: CRLF is one break, an empty line is a line.
        assert_eq!(
            workflow_commands("line two\r\n::error::x"),
            "line two\r\n'::error::x"
        );
        assert_eq!(workflow_commands("a\n\n::x"), "a\n\n'::x");
        assert_eq!(workflow_commands("a\n\t::x"), "a\n'\t::x");
    }

    #[test]
    fn bidi_overrides_cannot_reorder_a_terminal_line() {
        assert_eq!(terminal("ok \u{202e}lmth.exe"), "ok \\u{202e}lmth.exe");
        assert_eq!(terminal("a\u{2066}b\u{2069}"), "a\\u{2066}b\\u{2069}");
        // Direction marks stay.
        assert_eq!(terminal("שלום\u{200f}"), "שלום\u{200f}");
        assert_eq!(terminal("x\n::error::y"), "x\\n::error::y");
    }

    #[test]
    fn csv_cells_neutralise_formulas_but_not_numbers() {
        for (cell, expected) in [
            (
                "=HYPERLINK(\"http://x/\",\"c\")",
                "'=HYPERLINK(\"http://x/\",\"c\")",
            ),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("@SUM(1+1)", "'@SUM(1+1)"),
            ("-2+3", "'-2+3"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("-inf", "'-inf"),
            ("-", "'-"),
            ("-12.5", "-12.5"),
            ("+5.0", "+5.0"),
            ("-1e-3", "-1e-3"),
            ("normal", "normal"),
            ("a=b", "a=b"),
            ("two\nlines", "two\nlines"),
            ("x\n::error::y", "x\n'::error::y"),
            ("::warning::w", "'::warning::w"),
            ("bell\x07", "bell\\u{7}"),
        ] {
            assert_eq!(csv_cell(cell), expected, "{cell:?}");
        }
    }

    proptest::proptest! {
        /// The byte scan says "plain" exactly when the definition on characters does.
        #[test]
        fn the_plain_cell_scan_agrees_with_the_characters(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "a", "é", ":", "::", "#", "##", "[", "\t", "\n", "\r", "\x07", "\x7f",
                    "\u{80}", "\u{85}", "\u{9f}", "\u{a0}", "\u{c2}", "\u{2028}", "日", " ",
                ]),
                0..40,
            )
        ) {
            let s: String = parts.concat();
            let by_chars = !s.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
                && !s.contains("::")
                && !s.contains("##[");
            proptest::prop_assert_eq!(plain_cell(s.as_bytes()), by_chars, "{:?}", s);
        }
    }

    #[test]
    fn markdown_text_cannot_carry_markup() {
        assert_eq!(markdown("a|b\\|c"), "a\\|b\\\\\\|c");
        assert_eq!(
            markdown("![t](http://e/p.png)"),
            "\\!\\[t\\](http://e/p.png)"
        );
        assert_eq!(
            markdown("<img src=x onerror=alert(1)>"),
            "\\<img src=x onerror=alert(1)\\>"
        );
        assert_eq!(markdown("@org/team"), "@&#8203;org/team");
        assert_eq!(markdown("cr\rreturn\nlf"), "cr\\rreturn\\nlf");
        assert_eq!(
            markdown("*a* _b_ `c` ~d~ &amp;"),
            "\\*a\\* \\_b\\_ \\`c\\` \\~d\\~ \\&amp;"
        );
        assert_eq!(markdown("##[error]x"), "##\\[error\\]x");
        assert_eq!(markdown("promoters (9–10)"), "promoters (9–10)");
        // F52: runs of spaces and a trailing space survive (an empty period in a sparkline).
        assert_eq!(markdown("trend: ▁  █ "), "trend: ▁ \u{a0}█\u{a0}");
    }

    #[test]
    fn xml_text_holds_only_xml_characters() {
        assert_eq!(
            xml("line\x0bbreak\x01\x08\x1b\u{fffe}\u{ffff}"),
            "line\\u{b}break\\u{1}\\u{8}\\u{1b}\\u{fffe}\\u{ffff}"
        );
        assert_eq!(xml("a < b & \"c\""), "a < b & \"c\"");
    }

    #[test]
    fn json_text_keeps_its_values() {
        let value = "del\x7f c1\u{9b} ##[error]x \\##[ esc\x1b é";
        let text = json(value);
        assert_eq!(
            text,
            r#""del\u007f c1\u009b ##\u005berror]x \\##\u005b esc\u001b é""#
        );
        assert_eq!(serde_json::from_str::<String>(&text).unwrap(), value);
        // Keys too, and pretty output the same way.
        let map = std::collections::BTreeMap::from([("k##[", "plain é")]);
        assert_eq!(json(&map), r#"{"k##\u005b":"plain é"}"#);
        let mut pretty = Vec::new();
        json_pretty_to(&mut pretty, &map).unwrap();
        assert_eq!(
            String::from_utf8(pretty).unwrap(),
            "{\n  \"k##\\u005b\": \"plain é\"\n}"
        );
    }

    #[test]
    fn github_escaping() {
        assert_eq!(github_data("50% of a\nb\r"), "50%25 of a%0Ab%0D");
        assert_eq!(github_data("esc\x1b[2J"), "esc\\u{1b}[2J");
        assert_eq!(github_property("scope: a, b"), "scope%3A a%2C b");
    }
}
