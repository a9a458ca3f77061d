//! The channel to reply on: the survey's own when the respondent can be reached on it, else
//! e-mail, else a phone call.

use crate::ingest::contact;

/// The channel to reply on: the survey's channel when the respondent can be reached on it, else
/// e-mail, else a phone call.
pub(super) fn reply_channel(
    channel: Option<&str>,
    email: Option<&str>,
    phone: Option<&str>,
) -> &'static str {
    let has = |x: Option<&str>| x.is_some();
    match channel.and_then(contact::channel) {
        Some("email") if has(email) => "email",
        Some(survey @ ("sms" | "whatsapp" | "phone")) if has(phone) => survey,
        Some("in-app") => "in-app",
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
