//! The flash a refused form post leaves for its page: what was typed and the
//! error, sealed with the store's key in a short-lived cookie.

use app::forms::FormFlash;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use http::{HeaderMap, HeaderValue, header};
use sha2::Sha256;
use std::sync::Arc;

/// The cookie a refused form's flash travels in.
pub(super) const COOKIE: &str = "downlink_flash";
/// The most a flash's JSON may weigh (its cookie stays under browsers' 4 kB).
pub(super) const MAX_FLASH_LEN: usize = 2_500;
/// A flash older than this is ignored.
pub(super) const FLASH_LIFETIME_SECS: i64 = 300;

/// The key that signs flash cookies (`secrets` row `form_flash`, shared by
/// every instance).
#[derive(Clone)]
pub struct FlashKey(pub Arc<[u8]>);

impl std::fmt::Debug for FlashKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FlashKey([redacted])")
    }
}

/// A flash as signed: when it was made, and what it holds.
#[derive(serde::Serialize, serde::Deserialize)]
struct Sealed {
    at: i64,
    flash: FormFlash,
}

impl FlashKey {
    fn mac(&self, payload: &[u8]) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0)
            .expect("HMAC takes a key of any length");
        mac.update(payload);
        mac
    }

    /// The cookie value for `flash`: its JSON and the JSON's HMAC, both
    /// base64url. Fields are dropped from the end until it fits.
    pub(super) fn seal(&self, mut flash: FormFlash, now: i64) -> Option<String> {
        loop {
            let json = serde_json::to_vec(&Sealed {
                at: now,
                flash: flash.clone(),
            })
            .ok()?;
            if json.len() <= MAX_FLASH_LEN {
                let tag = self.mac(&json).finalize().into_bytes();
                return Some(format!(
                    "{}.{}",
                    URL_SAFE_NO_PAD.encode(&json),
                    URL_SAFE_NO_PAD.encode(tag)
                ));
            }
            flash.fields.pop()?;
        }
    }

    /// The flash in a cookie value, if this store signed it in the last few
    /// minutes.
    pub(super) fn open(&self, value: &str, now: i64) -> Option<FormFlash> {
        let (json, tag) = value.split_once('.')?;
        let (json, tag) = (
            URL_SAFE_NO_PAD.decode(json).ok()?,
            URL_SAFE_NO_PAD.decode(tag).ok()?,
        );
        self.mac(&json).verify_slice(&tag).ok()?;
        let sealed: Sealed = serde_json::from_slice(&json).ok()?;
        (now - sealed.at <= FLASH_LIFETIME_SECS && sealed.at <= now).then_some(sealed.flash)
    }
}

/// The `Set-Cookie` value carrying `value` for `max_age` seconds (0 clears it).
pub(super) fn flash_cookie(value: &str, max_age: i64, https: bool) -> Option<HeaderValue> {
    let secure = if https { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}"
    ))
    .ok()
}

/// The value of cookie `name` in a request's headers.
pub(super) fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(name)?.strip_prefix('='))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> FlashKey {
        FlashKey(Arc::from(&b"a test key of some length"[..]))
    }

    fn flash(fields: usize) -> FormFlash {
        FormFlash {
            message: String::new(),
            path: "/api/sign_in".into(),
            error: "eyJWYWxpZGF0aW9uIjoieCJ9".into(),
            fields: (0..fields)
                .map(|n| (format!("field{n}"), "x".repeat(100)))
                .collect(),
        }
    }

    #[test]
    fn a_sealed_flash_opens_only_unchanged_with_the_same_key_and_only_for_a_while() {
        let sealed = key().seal(flash(2), 1_000).unwrap();
        assert_eq!(key().open(&sealed, 1_060), Some(flash(2)));
        assert_eq!(
            key().open(&sealed, 1_000 + FLASH_LIFETIME_SECS + 1),
            None,
            "too old"
        );
        let other = FlashKey(Arc::from(&b"another key"[..]));
        assert_eq!(other.open(&sealed, 1_060), None, "another store's key");
        let (json, tag) = sealed.split_once('.').unwrap();
        let mut forged = URL_SAFE_NO_PAD.decode(json).unwrap();
        forged[10] ^= 1;
        let forged = format!("{}.{tag}", URL_SAFE_NO_PAD.encode(forged));
        assert_eq!(key().open(&forged, 1_060), None, "tampered");
    }

    #[test]
    fn a_flash_too_big_for_a_cookie_drops_fields_until_it_fits() {
        let sealed = key().seal(flash(100), 1_000).unwrap();
        assert!(sealed.len() < 4_000);
        let opened = key().open(&sealed, 1_000).unwrap();
        assert!(!opened.fields.is_empty() && opened.fields.len() < 100);
    }
}
