//! Messages: the template chosen by the comment's language × the respondent's category × the
//! comment's top theme, filled with the respondent's details. The built-in templates are a TOML
//! file compiled in (`templates.toml`, which documents the format); `--templates FILE` replaces
//! any of them, and an unknown table, key or placeholder in it is a usage error naming it.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use crate::error::Error;
use crate::metrics::tally::Category;
use crate::text::Lang;
use crate::themes::lexicon::Lexicon;

/// The built-in templates.
pub const BUILTIN: &str = include_str!("templates.toml");

/// The placeholders a template may use.
const PLACEHOLDERS: [&str; 9] = [
    "greeting",
    "first_name",
    "score",
    "theme",
    "quote",
    "question",
    "company",
    "signature",
    "review_link",
];

/// Characters of the comment quoted in a message, at most (cut at a word).
const QUOTE_CHARS: usize = 100;

/// One template: a subject and a body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Template {
    subject: String,
    body: String,
}

/// Which template: language, category, and `""` (no theme), `themed`, or a theme's key.
type Key = (Lang, &'static str, String);

/// Every template, by language, category and theme.
#[derive(Debug, Clone)]
pub struct Templates {
    all: BTreeMap<Key, Template>,
    /// The template each (language, category, top theme) gets, chosen once: see
    /// [`Templates::slot`].
    chosen: Vec<Template>,
    /// Themes in the lexicon.
    themes: usize,
}

/// The categories, in the order of [`Templates::chosen`].
const CATEGORIES: [Category; 3] = [Category::Detractor, Category::Passive, Category::Promoter];

/// What a message is made from.
pub struct Fill<'a> {
    /// The message's language.
    pub lang: Lang,
    /// The respondent's category.
    pub category: Category,
    /// The comment's top theme (index into the lexicon).
    pub theme: Option<usize>,
    /// The respondent's first name.
    pub first_name: Option<&'a str>,
    /// Their score.
    pub score: u8,
    /// Their comment.
    pub comment: &'a str,
    /// `--company`.
    pub company: Option<&'a str>,
    /// `--sender`.
    pub sender: Option<&'a str>,
    /// `--review-link`.
    pub review_link: Option<&'a str>,
}

fn category_key(c: Category) -> &'static str {
    c.name()
}

impl Templates {
    /// The built-in templates, then `file`'s over them.
    pub fn new(file: Option<&Path>, lexicon: &Lexicon) -> Result<Templates, Error> {
        let mut t = Templates {
            all: BTreeMap::new(),
            chosen: Vec::new(),
            themes: lexicon.themes.len(),
        };
        // The built-in file is tested to load (`builtin_templates_load`).
        t.add(BUILTIN, "the built-in templates", lexicon)?;
        if let Some(path) = file {
            let text = std::fs::read_to_string(path).map_err(|e| {
                Error::usage(format!(
                    "--templates {}: cannot read it ({e}); give a readable TOML file",
                    path.display()
                ))
            })?;
            t.add(&text, &format!("--templates {}", path.display()), lexicon)?;
        }
        let mut chosen = Vec::new();
        for lang in Lang::ALL {
            for category in CATEGORIES {
                for theme in std::iter::once(None).chain((0..t.themes).map(Some)) {
                    chosen.push(t.choose(lang, category, theme, lexicon));
                }
            }
        }
        t.chosen = chosen;
        Ok(t)
    }

    /// Where the template of (`lang`, `category`, `theme`) is in [`Templates::chosen`].
    fn slot(&self, lang: Lang, category: Category, theme: Option<usize>) -> usize {
        let l = Lang::ALL.iter().position(|&x| x == lang).unwrap_or(0);
        let c = CATEGORIES.iter().position(|&x| x == category).unwrap_or(0);
        (l * CATEGORIES.len() + c) * (self.themes + 1) + theme.map_or(0, |t| t + 1)
    }

    /// The subject and the body, each from the most specific template that gives one: the
    /// theme's own, then `themed` (when the comment has a theme), then the category's.
    fn choose(
        &self,
        lang: Lang,
        category: Category,
        theme: Option<usize>,
        lexicon: &Lexicon,
    ) -> Template {
        let cat = category_key(category);
        let candidates: Vec<String> = match theme.map(|i| &lexicon.themes[i]) {
            Some(t) => vec![t.key.clone(), "themed".into(), String::new()],
            None => vec![String::new()],
        };
        let part = |get: fn(&Template) -> &String| {
            candidates
                .iter()
                .filter_map(|k| self.all.get(&(lang, cat, k.clone())))
                .map(get)
                .find(|t| !t.is_empty())
                .cloned()
                .unwrap_or_default()
        };
        Template {
            subject: part(|t| &t.subject),
            body: part(|t| &t.body),
        }
    }

    fn add(&mut self, text: &str, origin: &str, lexicon: &Lexicon) -> Result<(), Error> {
        let bad = |what: String| Error::usage(format!("{origin}: {what}"));
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            // Where: the line and column of the error's first byte.
            let at = e.span().map_or(String::new(), |span| {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
                format!(" (line {line}, column {column})")
            });
            bad(format!(
                "not a valid templates file{at}: {}",
                e.message().trim()
            ))
        })?;
        for (lang_key, categories) in &table {
            let lang = match lang_key.as_str() {
                "en" => Lang::En,
                "fr" => Lang::Fr,
                other => {
                    return Err(bad(format!(
                        "unknown table [{other}]; the languages are en and fr"
                    )))
                }
            };
            let categories = categories
                .as_table()
                .ok_or_else(|| bad(format!("[{lang_key}] must be a table of categories")))?;
            for (cat_key, body) in categories {
                let category = [Category::Detractor, Category::Passive, Category::Promoter]
                    .into_iter()
                    .find(|c| c.name() == cat_key)
                    .ok_or_else(|| {
                        bad(format!(
                            "unknown table [{lang_key}.{cat_key}]; the categories are detractor, passive and promoter"
                        ))
                    })?;
                let at = format!("{lang_key}.{cat_key}");
                let table = body
                    .as_table()
                    .ok_or_else(|| bad(format!("[{at}] must be a table")))?;
                self.add_table(
                    table,
                    (lang, category_key(category), String::new()),
                    &at,
                    &bad,
                    lexicon,
                )?;
            }
        }
        Ok(())
    }

    fn add_table(
        &mut self,
        table: &toml::Table,
        key: Key,
        at: &str,
        bad: &dyn Fn(String) -> Error,
        lexicon: &Lexicon,
    ) -> Result<(), Error> {
        let mut template = self.all.get(&key).cloned().unwrap_or_default();
        for (name, value) in table {
            match (name.as_str(), value) {
                ("subject" | "body", toml::Value::String(text)) => {
                    check_placeholders(text).map_err(|p| {
                        let what = match p {
                            Placeholder::Unknown(p) => format!("unknown placeholder {{{p}}}"),
                            Placeholder::Unclosed(p) => format!(
                                "a {{ is not closed at \"{{{p}\" (write {{{{ for a literal brace)"
                            ),
                        };
                        bad(format!(
                            "[{at}] {name}: {what}; the placeholders are {}",
                            PLACEHOLDERS.map(|p| format!("{{{p}}}")).join(", ")
                        ))
                    })?;
                    match name.as_str() {
                        "subject" => template.subject = text.clone(),
                        _ => template.body = text.clone(),
                    }
                }
                ("subject" | "body", _) => {
                    return Err(bad(format!("[{at}] {name} must be a string")))
                }
                (theme, toml::Value::Table(inner)) if key.2.is_empty() => {
                    let known = theme == "themed" || lexicon.themes.iter().any(|t| t.key == theme);
                    if !known {
                        return Err(bad(format!(
                            "unknown table [{at}.{theme}]: not `themed` nor a theme key ({})",
                            lexicon
                                .themes
                                .iter()
                                .map(|t| t.key.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )));
                    }
                    let inner_key = (key.0, key.1, theme.to_string());
                    self.add_table(inner, inner_key, &format!("{at}.{theme}"), bad, lexicon)?;
                }
                (other, _) => {
                    return Err(bad(format!(
                        "unknown key {other:?} in [{at}]; a template has subject and body"
                    )))
                }
            }
        }
        if template != Template::default() {
            self.all.insert(key, template);
        }
        Ok(())
    }

    /// The subject and body for `fill`.
    pub fn render(&self, fill: &Fill, lexicon: &Lexicon) -> (String, String) {
        let theme = fill.theme.map(|i| &lexicon.themes[i]);
        let template = &self.chosen[self.slot(fill.lang, fill.category, fill.theme)];
        let values = values(fill, theme);
        let mut body = substitute(&template.body, &values);
        if let Some(link) = fill.review_link {
            if !template.body.contains("{review_link}") {
                body.push_str(&match fill.lang {
                    Lang::En => format!("\n\nIf you have a moment, you can also share your experience publicly: {link}"),
                    Lang::Fr => format!("\n\nSi vous avez un moment, vous pouvez aussi partager votre avis publiquement : {link}"),
                });
            }
        }
        (substitute(&template.subject, &values), body)
    }
}

/// The placeholders' values for one message, by name. Made for every row written (millions at
/// 10M input rows): an array searched in order, its values borrowed where they can be, rather
/// than a map of nine fresh strings.
struct Values<'f>([(&'static str, Cow<'f, str>); 9]);

impl Values<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_ref())
    }
}

/// The placeholders' values for one message.
fn values<'f>(fill: &Fill<'f>, theme: Option<&'f crate::themes::lexicon::Theme>) -> Values<'f> {
    let en = fill.lang == Lang::En;
    let first = fill.first_name.map(str::trim).filter(|n| !n.is_empty());
    let greeting = match (en, first) {
        (true, Some(n)) => format!("Hi {n},"),
        (true, None) => "Hello,".to_string(),
        (false, Some(n)) => format!("Bonjour {n},"),
        (false, None) => "Bonjour,".to_string(),
    };
    let question = theme
        .and_then(|t| t.question.get(&fill.lang))
        .map_or(generic_question(fill.lang, fill.category), String::as_str);
    let label = theme
        .map(|t| lower_first(t.label(fill.lang)))
        .unwrap_or_default();
    let company = fill.company.map(str::trim).filter(|c| !c.is_empty());
    let sender = fill.sender.map(str::trim).filter(|s| !s.is_empty());
    let signature = match (sender, company, en) {
        (Some(s), Some(c), _) => format!("{s}, {c}"),
        (Some(s), None, _) => s.to_string(),
        (None, Some(c), true) => format!("The {c} team"),
        (None, Some(c), false) => format!("L'équipe {c}"),
        (None, None, true) => "The team".to_string(),
        (None, None, false) => "L'équipe".to_string(),
    };
    Values([
        ("greeting", greeting.into()),
        ("first_name", first.unwrap_or_default().into()),
        ("score", fill.score.to_string().into()),
        ("theme", label.into()),
        ("quote", quote(fill.comment).into()),
        ("question", question.into()),
        ("company", company.unwrap_or_default().into()),
        ("signature", signature.into()),
        ("review_link", fill.review_link.unwrap_or_default().into()),
    ])
}

/// The question asked when the comment has no theme.
fn generic_question(lang: Lang, category: Category) -> &'static str {
    match (lang, category) {
        (Lang::En, Category::Detractor) => "What is the one thing we should fix first?",
        (Lang::En, Category::Passive) => "What would it take for you to give us one more point?",
        (Lang::En, Category::Promoter) => "What do you value most in what we do?",
        (Lang::Fr, Category::Detractor) => {
            "Quelle est la première chose que nous devrions corriger ?"
        }
        (Lang::Fr, Category::Passive) => {
            "Que faudrait-il pour que vous nous donniez un point de plus ?"
        }
        (Lang::Fr, Category::Promoter) => "Qu'appréciez-vous le plus dans ce que nous faisons ?",
    }
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The start of a comment on one line: at most [`QUOTE_CHARS`] characters, cut at a word, with
/// an ellipsis when cut.
pub fn quote(comment: &str) -> String {
    let one_line = comment.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= QUOTE_CHARS {
        return one_line;
    }
    let cut: String = one_line.chars().take(QUOTE_CHARS).collect();
    let at_word = match cut.rfind(' ') {
        Some(i) if i > QUOTE_CHARS / 2 => &cut[..i],
        _ => &cut,
    };
    format!("{}…", at_word.trim_end_matches([',', ';', ':', '.', ' ']))
}

/// The first placeholder of `text` that is not one of [`PLACEHOLDERS`], as `Err`; an unclosed
/// `{` counts as one.
/// What is wrong with a template's braces.
enum Placeholder {
    /// `{name}` with a name not in [`PLACEHOLDERS`].
    Unknown(String),
    /// A `{` whose name does not end in `}` (the first 20 characters after it).
    Unclosed(String),
}

fn check_placeholders(text: &str) -> Result<(), Placeholder> {
    let mut rest = text.replace("{{", "").replace("}}", "");
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let name_len = after
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        if !after[name_len..].starts_with('}') {
            return Err(Placeholder::Unclosed(after.chars().take(20).collect()));
        }
        let name = &after[..name_len];
        if !PLACEHOLDERS.contains(&name) {
            return Err(Placeholder::Unknown(name.to_string()));
        }
        rest = after[name_len + 1..].to_string();
    }
    Ok(())
}

/// `text` with its placeholders replaced (checked beforehand) and `{{`/`}}` made single.
fn substitute(text: &str, values: &Values) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push_str(&tail[..1]);
            rest = &tail[2..];
            continue;
        }
        match (tail.starts_with('{'), tail.find('}')) {
            (true, Some(close)) => {
                out.push_str(values.get(&tail[1..close]).unwrap_or_default());
                rest = &tail[close + 1..];
            }
            _ => {
                out.push_str(&tail[..1]);
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lexicon() -> Lexicon {
        Lexicon::builtin(&crate::text::Stemmers::default())
    }

    fn fill(lang: Lang, category: Category, theme: Option<usize>) -> Fill<'static> {
        Fill {
            lang,
            category,
            theme,
            first_name: Some("Julie"),
            score: 3,
            comment: "Far too expensive for what it does",
            company: Some("Acme"),
            sender: Some("Marc"),
            review_link: None,
        }
    }

    #[test]
    fn builtin_templates_load_and_cover_every_language_and_category() {
        let lexicon = lexicon();
        let t = Templates::new(None, &lexicon).unwrap();
        for lang in [Lang::En, Lang::Fr] {
            for c in [Category::Detractor, Category::Passive, Category::Promoter] {
                for theme in [None, Some(0)] {
                    let (subject, body) = t.render(&fill(lang, c, theme), &lexicon);
                    assert!(!subject.is_empty() && !body.is_empty(), "{lang:?} {c:?}");
                    assert!(!body.contains('{') && !subject.contains('{'), "{body}");
                }
            }
        }
    }

    #[test]
    fn a_detractor_message_carries_the_theme_question_in_the_comment_language() {
        let lexicon = lexicon();
        let t = Templates::new(None, &lexicon).unwrap();
        let price = lexicon
            .themes
            .iter()
            .position(|t| t.key == "price")
            .unwrap();
        let (subject, body) = t.render(&fill(Lang::Fr, Category::Detractor, Some(price)), &lexicon);
        let question = &lexicon.themes[price].question[&Lang::Fr];
        assert!(body.contains(question.as_str()), "{body}");
        assert!(body.starts_with("Bonjour Julie,"), "{body}");
        assert!(
            body.contains("« Far too expensive for what it does »"),
            "{body}"
        );
        assert!(body.ends_with("Marc, Acme"), "{body}");
        assert_eq!(
            subject,
            "Votre avis (prix) : nous voulons arranger les choses"
        );
    }

    #[test]
    fn the_review_link_goes_to_every_category_alike() {
        let lexicon = lexicon();
        let t = Templates::new(None, &lexicon).unwrap();
        for c in [Category::Detractor, Category::Passive, Category::Promoter] {
            let mut f = fill(Lang::En, c, None);
            f.review_link = Some("https://example.com/review");
            let (_, body) = t.render(&f, &lexicon);
            assert!(
                body.ends_with("publicly: https://example.com/review"),
                "{body}"
            );
        }
    }

    #[test]
    fn unknown_placeholders_keys_and_tables_are_refused_by_name() {
        let lexicon = lexicon();
        let dir = std::env::temp_dir().join(format!("nps-templates-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let cases = [
            ("[en.detractor]\nbody = \"Hi {nam}\"\n", "{nam}"),
            ("[en.detractor]\ntitle = \"x\"\n", "\"title\""),
            ("[de.detractor]\nbody = \"x\"\n", "[de]"),
            ("[en.critic]\nbody = \"x\"\n", "[en.critic]"),
            (
                "[en.detractor.pricing]\nbody = \"x\"\n",
                "[en.detractor.pricing]",
            ),
            // An unclosed brace is named as such, with what follows it.
            (
                "[en.detractor]\nsubject = \"Hi {first_name, thanks\"\n",
                "a { is not closed at \"{first_name, thanks\"",
            ),
            // A TOML error says where.
            (
                "[en.detractor]\nsubject = \"Hi\nbody = \"x\"\n",
                "line 2, column",
            ),
        ];
        for (text, named) in cases {
            let path = dir.join("t.toml");
            std::fs::write(&path, text).unwrap();
            let e = Templates::new(Some(&path), &lexicon).unwrap_err();
            assert_eq!(e.exit_code(), 2);
            assert!(e.to_string().contains(named), "{e}");
        }
        let path = dir.join("ok.toml");
        std::fs::write(
            &path,
            "[en.detractor.price]\nsubject = \"Price {{really}}\"\n",
        )
        .unwrap();
        let t = Templates::new(Some(&path), &lexicon).unwrap();
        let price = lexicon.themes.iter().position(|t| t.key == "price");
        let (subject, body) = t.render(&fill(Lang::En, Category::Detractor, price), &lexicon);
        assert_eq!(subject, "Price {really}");
        assert!(
            body.contains("I am sorry we let you down on price"),
            "the themed body: {body}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn quotes_are_one_line_and_cut_at_a_word() {
        assert_eq!(quote("  Too slow.\nReally  "), "Too slow. Really");
        let long = "word ".repeat(40);
        let q = quote(&long);
        assert!(
            q.ends_with('…') && q.chars().count() <= QUOTE_CHARS + 1,
            "{q}"
        );
    }
}
