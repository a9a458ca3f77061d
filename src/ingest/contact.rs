//! What a respondent's id and e-mail cells are worth as keys and addresses. Exports fill cells
//! they have no value for with placeholders ("n/a", "none", "-", "[REDACTED]"); taken as ids or
//! e-mails, those merge different people into one respondent (three "n/a" rows became one, and
//! two detractors vanished from a follow-up list) and send tasks to no one. So an id that is a
//! placeholder is no id, an e-mail that is not an address — one `@`, something before it, a
//! domain with a dot after it, no space — is no e-mail, and a phone without five digits is no
//! phone.

/// Cell values that stand for "no value" (compared case-insensitively, trimmed).
const PLACEHOLDERS: [&str; 18] = [
    "n/a",
    "na",
    "n.a.",
    "#n/a",
    "none",
    "null",
    "nil",
    "nan",
    "-",
    "--",
    "?",
    "unknown",
    "anonymous",
    "anon",
    "redacted",
    "[redacted]",
    "<redacted>",
    "not provided",
];

/// Whether `cell` stands for "no value".
pub fn placeholder(cell: &str) -> bool {
    let cell = cell.trim();
    PLACEHOLDERS.iter().any(|p| cell.eq_ignore_ascii_case(p))
}

/// The id in `cell`: `None` when blank or a placeholder.
pub fn id(cell: &str) -> Option<&str> {
    Some(cell).filter(|c| !c.is_empty() && !placeholder(c))
}

/// The e-mail address in `cell`: `None` when blank or not an address. (Read for every row of a
/// follow-up list, millions on a large file: bytes, not characters, unless the cell has others
/// than ASCII.)
pub fn address(cell: &str) -> Option<&str> {
    let cell = cell.trim();
    let bytes = cell.as_bytes();
    let at = memchr::memchr(b'@', bytes)?;
    let domain = &bytes[at + 1..];
    let spaced = match cell.is_ascii() {
        true => bytes.iter().any(u8::is_ascii_whitespace),
        false => cell.contains(char::is_whitespace),
    };
    let shaped = at > 0
        && memchr::memchr(b'@', domain).is_none()
        && memchr::memchr(b'.', domain).is_some()
        && domain.first() != Some(&b'.')
        && domain.last() != Some(&b'.')
        && !spaced;
    shaped.then_some(cell)
}

/// An address as respondents are keyed and compared by it: lower-cased (borrowed when it has no
/// capitals: millions of addresses on a large file).
pub fn address_key(address: &str) -> std::borrow::Cow<'_, str> {
    match address.chars().any(char::is_uppercase) {
        true => address.to_lowercase().into(),
        false => address.into(),
    }
}

/// The phone number in `cell`: `None` when it holds fewer than five digits ("n/a", "-", "none").
pub fn phone(cell: &str) -> Option<&str> {
    let cell = cell.trim();
    (cell.bytes().filter(u8::is_ascii_digit).count() >= 5).then_some(cell)
}

/// The channel a survey came through, read from a channel cell ("Email", "SMS", "in-app",
/// "WhatsApp", "téléphone"…): `email`, `sms`, `whatsapp`, `phone` or `in-app`; `None` for anything
/// else (a sales channel, a hosting plan such as Formbricks' "cloud", a campaign's name).
pub fn channel(cell: &str) -> Option<&'static str> {
    let c = cell.trim().to_lowercase();
    let c = c.as_str();
    if c.contains("mail") || c.contains("courriel") {
        Some("email")
    } else if c.contains("whatsapp") {
        Some("whatsapp")
    } else if c.contains("sms") || c == "text" || c.contains("texto") {
        Some("sms")
    } else if [
        "phone",
        "call",
        "voice",
        "ivr",
        "tel",
        "telephone",
        "téléphone",
        "appel",
    ]
    .iter()
    .any(|w| {
        c.strip_prefix(w)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
    }) {
        Some("phone")
    } else if [
        "in-app", "in app", "inapp", "app", "web", "website", "link", "widget", "intercom",
    ]
    .contains(&c)
    {
        Some("in-app")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_no_id_and_non_addresses_no_email() {
        for cell in ["n/a", "N/A", "none", "-", "[REDACTED]", "Unknown", "#N/A"] {
            assert_eq!(id(cell), None, "{cell}");
        }
        for cell in ["C1", "0042", "user-7", "n/a-1"] {
            assert_eq!(id(cell), Some(cell), "{cell}");
        }
        for cell in ["ann@example.com", "a.b+tag@mail.example.co.uk", "X2@x.com"] {
            assert_eq!(address(cell), Some(cell), "{cell}");
        }
        for cell in [
            "",
            "n/a",
            "none",
            "-",
            "[REDACTED]",
            "john at x.com",
            "a@b",
            "@x.com",
            "a@@x.com",
            "a b@x.com",
            "a@.com",
            "a@x.",
        ] {
            assert_eq!(address(cell), None, "{cell}");
        }
        assert_eq!(phone("+44 7700 900123"), Some("+44 7700 900123"));
        for cell in ["", "n/a", "-", "none", "1234"] {
            assert_eq!(phone(cell), None, "{cell}");
        }
    }

    #[test]
    fn channels_are_named_in_english_and_french() {
        for (cell, kind) in [
            ("Email", "email"),
            ("e-mail", "email"),
            ("Courriel", "email"),
            ("SMS", "sms"),
            ("texto", "sms"),
            ("WhatsApp", "whatsapp"),
            ("phone call", "phone"),
            ("Téléphone", "phone"),
            ("IVR", "phone"),
            (" In-App ", "in-app"),
            ("web", "in-app"),
            ("Intercom", "in-app"),
        ] {
            assert_eq!(channel(cell), Some(kind), "{cell}");
        }
        // A sales channel, a hosting plan, a word that only starts like one.
        for cell in [
            "",
            "retail",
            "cloud",
            "self-hosted",
            "telegram",
            "application form",
        ] {
            assert_eq!(channel(cell), None, "{cell}");
        }
    }
}
