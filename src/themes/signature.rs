//! A comment's outcome as a short text key, so the passes can count responses per (key, score)
//! like any other carried column, and the metrics can read the key back.
//!
//! Layout: one letter each for the language (`e`, `f`, `u` undetermined, `-` none), the intent
//! (`p`roblem, `r`equest, `g` praise, `n`one, `-` no comment) and the content (`b`lank, `x`
//! empty, `t`ext), then `.theme` for every theme the comment mentions, ascending (indices in the
//! lexicon): `fpt.0.3`. Its variety is the variety of (language, intent, content, theme set):
//! hundreds, bounded by the lexicon, whatever the input's length. (Which terms counted is kept
//! apart, in `themes::evidence`: term sets would make one key per comment on varied text.)

use super::{Content, Intent, Tagged};
use crate::text::Lang;

/// The key of a tagged comment that mentions `themes` (ascending, distinct). With `sets` false
/// the key only says whether there is a theme (`.*`), not which: the passes then count themes
/// apart (`themes::evidence`), and the keys' variety does not grow with the themes' combinations.
pub fn encode(tagged: &Tagged, themes: &[usize], sets: bool) -> String {
    let mut s = String::with_capacity(3 + 5 * tagged.found.len());
    s.push(match tagged.lang {
        Some(Lang::En) => 'e',
        Some(Lang::Fr) => 'f',
        None if tagged.content == Some(Content::Blank) => '-',
        None => 'u',
    });
    s.push(match tagged.intent {
        Some(Intent::Problem) => 'p',
        Some(Intent::Request) => 'r',
        Some(Intent::Praise) => 'g',
        Some(Intent::None) => 'n',
        None => '-',
    });
    s.push(match tagged.content {
        Some(Content::Empty) => 'x',
        Some(Content::Text) => 't',
        _ => 'b',
    });
    if !sets {
        if !themes.is_empty() {
            s.push_str(".*");
        }
        return s;
    }
    for t in themes {
        s.push('.');
        s.push_str(&t.to_string());
    }
    s
}

/// A key read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// `None`: undetermined, or no comment.
    pub lang: Option<Lang>,
    /// `None`: no comment.
    pub intent: Option<Intent>,
    /// Blank, empty of content, or text.
    pub content: Content,
    /// The themes mentioned, ascending (empty when the key only says whether there is one).
    pub themes: Vec<usize>,
    /// Whether the comment mentions a theme.
    pub tagged: bool,
}

/// Read a key written by [`encode`]; `None` for anything else.
pub fn decode(key: &str) -> Option<Signature> {
    let mut parts = key.split('.');
    let head = parts.next()?.as_bytes();
    let [l, i, c] = head else {
        return None;
    };
    let lang = match l {
        b'e' => Some(Lang::En),
        b'f' => Some(Lang::Fr),
        b'u' | b'-' => None,
        _ => return None,
    };
    let intent = match i {
        b'p' => Some(Intent::Problem),
        b'r' => Some(Intent::Request),
        b'g' => Some(Intent::Praise),
        b'n' => Some(Intent::None),
        b'-' => None,
        _ => return None,
    };
    let content = match c {
        b'b' => Content::Blank,
        b'x' => Content::Empty,
        b't' => Content::Text,
        _ => return None,
    };
    let parts: Vec<&str> = parts.collect();
    let (themes, tagged) = if parts == ["*"] {
        (Vec::new(), true)
    } else {
        let themes = parts
            .iter()
            .map(|p| p.parse().ok())
            .collect::<Option<Vec<usize>>>()?;
        let tagged = !themes.is_empty();
        (themes, tagged)
    };
    Some(Signature {
        lang,
        intent,
        content,
        themes,
        tagged,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_back() {
        let tagged = Tagged {
            lang: Some(Lang::Fr),
            intent: Some(Intent::Problem),
            content: Some(Content::Text),
            ..Tagged::default()
        };
        assert_eq!(encode(&tagged, &[0, 3], true), "fpt.0.3");
        assert_eq!(encode(&tagged, &[0, 3], false), "fpt.*");
        let counted = decode("fpt.*").unwrap();
        assert!(counted.tagged && counted.themes.is_empty());
        assert!(!decode("fpt").unwrap().tagged);
        let back = decode("fpt.0.3").unwrap();
        assert_eq!(back.themes, [0, 3]);
        assert_eq!(back.intent, Some(Intent::Problem));
        let blank = Tagged {
            content: Some(Content::Blank),
            ..Tagged::default()
        };
        assert_eq!(encode(&blank, &[], true), "--b");
        assert_eq!(decode("--b").unwrap().content, Content::Blank);
        assert!(decode("zz").is_none() && decode("fpt.x").is_none());
    }
}
