//! Account results turned into views: the devices signed in, and which mailed
//! link is which.

use crate::views::{DeviceView, MailedLink};

/// The devices signed in to an account, the one whose session id hashes to
/// `current` marked.
pub fn device_views(
    sessions: Vec<domain::entities::session::Model>,
    current: Option<&str>,
) -> Vec<DeviceView> {
    sessions
        .into_iter()
        .map(|session| DeviceView {
            device: browser_name(session.user_agent.as_deref().unwrap_or_default()),
            ip: session.ip.unwrap_or_else(|| "unknown".to_owned()),
            signed_in: super::when(session.created_at),
            current: current == Some(session.id_hash.as_str()),
        })
        .collect()
}

/// A user agent as people name their browser: `Firefox on Linux`.
pub fn browser_name(agent: &str) -> String {
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Chromium/", "Chromium"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
    ]
    .into_iter()
    .find(|(mark, _)| agent.contains(mark))
    .map(|(_, name)| name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(mark, _)| agent.contains(mark))
    .map(|(_, name)| name);
    match (browser, system) {
        (Some(browser), Some(system)) => format!("{browser} on {system}"),
        (Some(browser), None) => browser.to_owned(),
        (None, Some(system)) => format!("A browser on {system}"),
        (None, None) => "An unknown browser".to_owned(),
    }
}

/// The domain's token purpose for a kind of mailed link.
pub fn token_purpose(link: MailedLink) -> domain::entities::login_token::TokenPurpose {
    use domain::entities::login_token::TokenPurpose;
    match link {
        MailedLink::SignIn => TokenPurpose::MagicLink,
        MailedLink::Reset => TokenPurpose::PasswordReset,
        MailedLink::Confirm => TokenPurpose::VerifyEmail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browsers_are_named_as_people_name_them() {
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";
        assert_eq!(browser_name(firefox), "Firefox on Linux");
        let chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 \
            (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
        assert_eq!(browser_name(chrome), "Chrome on Windows");
        let safari = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 \
            (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1";
        assert_eq!(browser_name(safari), "Safari on iOS");
        assert_eq!(browser_name(""), "An unknown browser");
    }
}
