//! The parsers of flag values (shares, thresholds, rolling windows, `--where` conditions, days,
//! confidence levels, time zones, delimiters, encodings), the checks a rules file's thresholds
//! share with the flags, and `value_name`, an enum value's command-line spelling.

use clap::ValueEnum;

use super::shared::Where;

/// A share threshold: `20%`, `0.2` or `20` all mean a fifth.
pub fn parse_share(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let (num, percent) = match t.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (t, false),
    };
    let v: f64 = num
        .parse()
        .map_err(|_| format!("{s:?} is not a share; write 20%, 0.2 or 20"))?;
    // 1 reads both as 100% (a fraction) and as 1% (a percentage), and either guess turns a gate
    // into something else (finding F36).
    if !percent && v == 1.0 {
        return Err(format!("{s:?} could mean 1% or 100%; write 1% or 100%"));
    }
    let share = if percent || v > 1.0 { v / 100.0 } else { v };
    if !(0.0..=1.0).contains(&share) {
        return Err(format!(
            "{s:?} is not a share between 0% and 100%; write e.g. 20%, 0.2 or 20"
        ));
    }
    Ok(share)
}

/// A trailing window for `nps trend --rolling`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "unit", content = "size", rename_all = "lowercase")]
pub enum Rolling {
    /// The last N days up to the period's last day.
    Days(u32),
    /// The last N periods, the current one included.
    Periods(u32),
}

pub(super) fn parse_rolling(s: &str) -> Result<Rolling, String> {
    let t = s.trim();
    let (digits, days) = match t.strip_suffix('d') {
        Some(d) => (d, true),
        None => (t, false),
    };
    match digits.parse::<u32>() {
        Ok(n) if n > 0 && days => Ok(Rolling::Days(n)),
        Ok(n) if n > 0 => Ok(Rolling::Periods(n)),
        _ => Err(format!(
            "{s:?} is not a window; write 90d for 90 days or 3 for 3 periods"
        )),
    }
}

/// `--where COL=VALUE` / `COL!=VALUE`: the operator is the first `=` of the text (a `!` just
/// before it makes `!=`), so a value may hold `=` or `!=` (`url=a!=b`). In the column name a
/// backslash takes the next character as it is: `a\=b=1` filters the column `a=b` (finding F46).
pub(super) fn parse_where(s: &str) -> Result<Where, String> {
    let mut column = String::new();
    let mut last_escaped = false;
    let mut chars = s.char_indices();
    let mut operator = None;
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                if let Some((_, next)) = chars.next() {
                    column.push(next);
                    last_escaped = true;
                }
            }
            '=' => {
                let negate = column.ends_with('!') && !last_escaped;
                if negate {
                    column.pop();
                }
                operator = Some((negate, &s[i + 1..]));
                break;
            }
            c => {
                column.push(c);
                last_escaped = false;
            }
        }
    }
    let Some((negate, value)) = operator else {
        return Err(format!(
            "{s:?} has no = or !=; write COL=VALUE or COL!=VALUE (a backslash before = or ! in a column name)"
        ));
    };
    if column.trim().is_empty() {
        return Err(format!("{s:?} names no column; write COL=VALUE"));
    }
    Ok(Where {
        column: column.trim().to_string(),
        negate,
        value: value.trim().to_string(),
    })
}

pub(super) fn parse_day(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{s:?} is not a date; write YYYY-MM-DD"))
}

/// The command-line spelling of an enum value (`adjusted-wald`, `surveymonkey`, `ndjson`), so that
/// outputs name things exactly as the flags do.
pub fn value_name(value: &impl ValueEnum) -> String {
    value
        .to_possible_value()
        .map(|v| v.get_name().to_string())
        .unwrap_or_default()
}

pub(super) fn parse_nps_threshold(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a number; give an NPS from -100 to 100"))?;
    nps_threshold(v)
}

/// An NPS threshold (`--min`, `min =` in a rules file): a number from −100 to 100. NaN and the
/// infinities are refused here, where every source of the value passes (finding F6: a NaN
/// threshold compares false both ways, so a gate on it can never fail).
pub fn nps_threshold(v: f64) -> Result<f64, String> {
    if !(-100.0..=100.0).contains(&v) {
        return Err(format!(
            "{v} is not an NPS from -100 to 100; give a threshold in that range, e.g. 30"
        ));
    }
    Ok(v)
}

pub(super) fn parse_max_drop(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a number of points; give e.g. 5"))?;
    max_drop(v)
}

/// A `--max-drop` (also `max-drop =` in a rules file): a change in NPS points, from −200 to 200
/// (two NPS differ by at most 200). NaN and the infinities are refused: a drop compared with
/// NaN is never "more than" it, so the gate could never fail (finding F6).
pub fn max_drop(v: f64) -> Result<f64, String> {
    if !(-200.0..=200.0).contains(&v) {
        return Err(format!(
            "{v} is not a number of points from -200 to 200 (two NPS differ by at most 200); give e.g. 5"
        ));
    }
    Ok(v)
}

pub(super) fn parse_na(s: &str) -> Result<crate::ingest::score::Missing, String> {
    crate::ingest::score::Missing::parse(s)
}

pub(super) fn parse_confidence(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let (num, percent) = match t.strip_suffix('%') {
        Some(n) => (n, true),
        None => (t, false),
    };
    let v: f64 = num
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a confidence level; write 0.95, 95 or 95%"))?;
    let level = if percent || v > 1.0 { v / 100.0 } else { v };
    // Below 50% an interval says almost nothing; such a value is a typo (1.5 meant as 0.95?).
    if !(0.5..1.0).contains(&level) {
        return Err(format!(
            "{s:?} is not a confidence level from 50% to just under 100%; write 0.95, 95 or 95%"
        ));
    }
    Ok(level)
}

/// `--tz`: an IANA zone name in any case (`utc`, `europe/paris`; finding F48).
pub(super) fn parse_tz(s: &str) -> Result<chrono_tz::Tz, String> {
    let name = s.trim();
    name.parse()
        .ok()
        .or_else(|| {
            chrono_tz::TZ_VARIANTS
                .iter()
                .find(|tz| tz.name().eq_ignore_ascii_case(name))
                .copied()
        })
        .ok_or_else(|| {
            format!(
                "{s:?} is not an IANA time zone; write e.g. UTC, Europe/Paris or America/New_York"
            )
        })
}

pub(super) fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        _ if s.len() == 1 && s.is_ascii() => Ok(s.as_bytes()[0]),
        _ => Err(format!(
            "{s:?} is not a single ASCII character; write e.g. ';' or 'tab'"
        )),
    }
}

pub(super) fn parse_encoding(s: &str) -> Result<&'static encoding_rs::Encoding, String> {
    encoding_rs::Encoding::for_label(s.trim().as_bytes()).ok_or_else(|| {
        format!("{s:?} is not an encoding label; try utf-8, windows-1252, latin1 or utf-16le")
    })
}

/// `--lang`: `en` or `fr` (or a tag such as `fr-CA`).
pub(super) fn parse_lang(text: &str) -> Result<crate::text::Lang, String> {
    crate::text::Lang::parse(text)
        .ok_or_else(|| format!("{text:?} is not a language nps themes reads; use en or fr"))
}

/// `--margin`: a positive number of NPS points, at most 200.
pub(super) fn parse_margin(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(m) if m.is_finite() && m > 0.0 && m <= 200.0 => Ok(m),
        _ => Err(format!(
            "{s:?} is not a margin: give NPS points, more than 0 and at most 200 (5 for ±5)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_zones_in_any_case() {
        assert_eq!(parse_tz("utc"), Ok(chrono_tz::UTC));
        assert_eq!(parse_tz(" europe/paris "), Ok(chrono_tz::Europe::Paris));
        assert_eq!(parse_tz("Europe/Paris"), Ok(chrono_tz::Europe::Paris));
        assert!(parse_tz("Mars/Olympus").is_err());
    }

    #[test]
    fn thresholds_accept_negatives_and_reject_out_of_range() {
        assert_eq!(parse_nps_threshold("-20"), Ok(-20.0));
        assert_eq!(parse_nps_threshold("100"), Ok(100.0));
        assert!(parse_nps_threshold("101").is_err());
        assert!(parse_nps_threshold("-100.5").is_err());
        assert!(parse_nps_threshold("thirty").is_err());
        assert_eq!(parse_max_drop("-5"), Ok(-5.0));
        assert_eq!(parse_max_drop("200"), Ok(200.0));
        assert!(parse_max_drop("200.5").is_err());
    }

    /// Finding F6: NaN and ±∞ (also spelt `1e309`) are refused by every threshold.
    #[test]
    fn thresholds_refuse_nan_and_infinities() {
        for v in ["NaN", "nan", "inf", "-inf", "infinity", "1e309"] {
            assert!(parse_nps_threshold(v).is_err(), "{v}");
            assert!(parse_max_drop(v).is_err(), "{v}");
            assert!(parse_share(v).is_err(), "{v}");
            assert!(parse_confidence(v).is_err(), "{v}");
        }
    }

    #[test]
    fn confidence_accepts_fraction_percent_and_plain_percent() {
        assert_eq!(parse_confidence("0.9"), Ok(0.9));
        assert_eq!(parse_confidence("90"), Ok(0.9));
        assert_eq!(parse_confidence("90%"), Ok(0.9));
        assert!(parse_confidence("0").is_err());
        assert!(parse_confidence("100").is_err());
        assert!(parse_confidence("1").is_err());
        assert!(parse_confidence("1.5").is_err());
        assert_eq!(parse_confidence("0.5"), Ok(0.5));
    }

    #[test]
    fn where_conditions() {
        let w = parse_where("plan=pro").unwrap();
        assert_eq!(
            (w.column.as_str(), w.negate, w.value.as_str()),
            ("plan", false, "pro")
        );
        let w = parse_where("plan!=free").unwrap();
        assert_eq!((w.negate, w.value.as_str()), (true, "free"));
        assert_eq!(parse_where("plan=").unwrap().value, "");
        assert_eq!(parse_where("url=a=b").unwrap().value, "a=b");
        assert!(parse_where("plan").is_err());
        assert!(parse_where("=pro").is_err());
        assert_eq!(w.to_string(), "--where plan!=free");
        // F46: the first = is the operator; a backslash escapes = and ! in a column name.
        let w = parse_where("url=a!=b").unwrap();
        assert_eq!(
            (w.column.as_str(), w.negate, w.value.as_str()),
            ("url", false, "a!=b")
        );
        let w = parse_where(r"a\=b=1").unwrap();
        assert_eq!(
            (w.column.as_str(), w.negate, w.value.as_str()),
            ("a=b", false, "1")
        );
        let w = parse_where(r"x\!\=y!=2").unwrap();
        assert_eq!(
            (w.column.as_str(), w.negate, w.value.as_str()),
            ("x!=y", true, "2")
        );
        let w = parse_where(r"wow\!=3").unwrap();
        assert_eq!((w.column.as_str(), w.negate), ("wow!", false));
        assert_eq!(w.to_string(), r"--where wow\!=3", "written as it is read");
    }

    #[test]
    fn shares_as_percent_fraction_or_number() {
        assert_eq!(parse_share("20%"), Ok(0.2));
        assert_eq!(parse_share("0.2"), Ok(0.2));
        assert_eq!(parse_share("20"), Ok(0.2));
        assert_eq!(parse_share("100%"), Ok(1.0));
        assert!(parse_share("120%").is_err());
        assert!(parse_share("-5%").is_err());
        assert!(parse_share("lots").is_err());
        // Finding F36: 1 could be 1% or 100%.
        for ambiguous in ["1", "1.0", " 1 "] {
            let e = parse_share(ambiguous).unwrap_err();
            assert!(e.contains("could mean 1% or 100%"), "{e}");
        }
        assert_eq!(parse_share("1%"), Ok(0.01));
        assert_eq!(parse_share("0.01"), Ok(0.01));
    }

    #[test]
    fn rolling_windows_in_days_or_periods() {
        assert_eq!(parse_rolling("90d"), Ok(Rolling::Days(90)));
        assert_eq!(parse_rolling("3"), Ok(Rolling::Periods(3)));
        assert!(parse_rolling("0").is_err());
        assert!(parse_rolling("3w").is_err());
    }

    #[test]
    fn delimiter_and_encoding_labels() {
        assert_eq!(parse_delimiter("tab"), Ok(b'\t'));
        assert_eq!(parse_delimiter(";"), Ok(b';'));
        assert!(parse_delimiter(";;").is_err());
        assert_eq!(parse_encoding("latin1").unwrap().name(), "windows-1252");
        assert!(parse_encoding("klingon").is_err());
    }
}
