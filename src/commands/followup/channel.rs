//! The channel to reply on: the survey's own when the respondent can be reached on it, else
//! e-mail, else a phone call.

/// The channel to reply on: the survey's channel when the respondent can be reached on it, else
/// e-mail, else a phone call.
pub(super) fn reply_channel(
    channel: Option<&str>,
    email: Option<&str>,
    phone: Option<&str>,
) -> &'static str {
    let c = channel.map(|c| c.to_lowercase()).unwrap_or_default();
    let c = c.trim();
    let has = |x: Option<&str>| x.is_some();
    let survey = if c.contains("mail") || c.contains("courriel") {
        "email"
    } else if c.contains("whatsapp") {
        "whatsapp"
    } else if c.contains("sms") || c == "text" || c.contains("texto") {
        "sms"
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
        "phone"
    } else if [
        "in-app", "in app", "inapp", "app", "web", "website", "link", "widget", "intercom",
    ]
    .contains(&c)
    {
        "in-app"
    } else {
        ""
    };
    match survey {
        "email" if has(email) => "email",
        "sms" | "whatsapp" | "phone" if has(phone) => survey,
        "in-app" => "in-app",
        _ if has(email) => "email",
        _ => "phone",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reply_goes_back_on_the_survey_channel_when_it_can() {
        let (e, p) = (Some("a@b.c"), Some("+33 6"));
        assert_eq!(reply_channel(Some("Email"), e, p), "email");
        assert_eq!(reply_channel(Some("SMS"), e, p), "sms");
        assert_eq!(reply_channel(Some("sms"), e, None), "email");
        assert_eq!(reply_channel(Some("WhatsApp"), None, p), "whatsapp");
        assert_eq!(reply_channel(Some("phone"), e, p), "phone");
        assert_eq!(reply_channel(Some("in-app"), e, p), "in-app");
        assert_eq!(reply_channel(Some("kiosk"), None, p), "phone");
        assert_eq!(reply_channel(None, e, None), "email");
    }
}
