//! Checking that a webhook event comes from the provider: Stripe's
//! `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]`, an HMAC-SHA256 of
//! `"<t>.<raw body>"` under the endpoint's secret, compared in constant time,
//! at most five minutes off. Several `v1` values are accepted (secret rotation).

use crate::secret::Secret;
use hmac::{KeyInit, Mac};
use serde::Deserialize;

/// How far the signature's time may be from now.
pub const TOLERANCE_SECS: i64 = 300;

/// An event whose signature checked out.
#[derive(Clone, Debug, Deserialize)]
pub struct Event {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub created: i64,
    pub data: EventData,
}

impl Event {
    /// The payment intent of the event's object: its `payment_intent` field,
    /// or its own id when it is one.
    pub fn payment_intent(&self) -> Option<&str> {
        let object = &self.data.object;
        match object["object"].as_str() {
            Some("payment_intent") => object["id"].as_str(),
            _ => object["payment_intent"].as_str(),
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
pub struct EventData {
    pub object: serde_json::Value,
}

/// Why an event was not believed.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("no Stripe-Signature header")]
    Missing,
    #[error("the Stripe-Signature header has no timestamp or no v1 signature")]
    Malformed,
    #[error("the signature's timestamp is more than {TOLERANCE_SECS} s from now")]
    Stale,
    #[error("no signature matches the payload")]
    Mismatch,
    #[error("the payload is not an event")]
    NotAnEvent,
}

/// Checks `header` against `payload` and reads the event.
pub fn verify(
    secret: &Secret,
    header: Option<&str>,
    payload: &[u8],
    now: i64,
) -> Result<Event, SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) if timestamp.is_none() => timestamp = value.parse::<i64>().ok(),
            Some(("v1", value)) => signatures.extend(hex::decode(value).ok()),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if (now - timestamp).abs() > TOLERANCE_SECS {
        return Err(SignatureError::Stale);
    }
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.expose().as_bytes())
        .map_err(|_| SignatureError::Mismatch)?;
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(payload);
    if !signatures
        .iter()
        .any(|signature| mac.clone().verify_slice(signature).is_ok())
    {
        return Err(SignatureError::Mismatch);
    }
    serde_json::from_slice(payload).map_err(|_| SignatureError::NotAnEvent)
}

/// The header the provider would send for `payload` at `timestamp` (tests,
/// and the sandbox's equivalent on the other side of the wire).
pub fn sign(secret: &Secret, timestamp: i64, payload: &[u8]) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.expose().as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(payload);
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVENT: &[u8] =
        br#"{"id":"evt_1","type":"checkout.session.completed","created":1700000000,"data":{"object":{"id":"cs_1"}}}"#;
    const NOW: i64 = 1_700_000_100;

    fn secret() -> Secret {
        Secret::new("whsec_test")
    }

    #[test]
    fn a_signed_event_is_read() {
        let header = sign(&secret(), NOW, EVENT);
        let event = verify(&secret(), Some(&header), EVENT, NOW + 299).unwrap();
        assert_eq!(event.id, "evt_1");
        assert_eq!(event.kind, "checkout.session.completed");
        assert_eq!(event.data.object["id"], "cs_1");
    }

    #[test]
    fn any_of_several_signatures_may_match() {
        let good = sign(&secret(), NOW, EVENT);
        let v1 = good.split_once("v1=").unwrap().1;
        let header = format!("t={NOW},v1={},v1={v1},v0=ignored", "00".repeat(32));
        assert!(verify(&secret(), Some(&header), EVENT, NOW).is_ok());
    }

    #[test]
    fn unsigned_forged_stale_and_tampered_events_are_refused() {
        let header = sign(&secret(), NOW, EVENT);
        assert_eq!(
            verify(&secret(), None, EVENT, NOW).unwrap_err(),
            SignatureError::Missing
        );
        assert_eq!(
            verify(&secret(), Some("v1=abcd"), EVENT, NOW).unwrap_err(),
            SignatureError::Malformed
        );
        let forged = sign(&Secret::new("whsec_other"), NOW, EVENT);
        assert_eq!(
            verify(&secret(), Some(&forged), EVENT, NOW).unwrap_err(),
            SignatureError::Mismatch
        );
        assert_eq!(
            verify(&secret(), Some(&header), EVENT, NOW + 301).unwrap_err(),
            SignatureError::Stale
        );
        let tampered = String::from_utf8(EVENT.to_vec())
            .unwrap()
            .replace("cs_1", "cs_2");
        assert_eq!(
            verify(&secret(), Some(&header), tampered.as_bytes(), NOW).unwrap_err(),
            SignatureError::Mismatch
        );
    }
}
