//! Presigned GETs signed here, in a few microseconds: AWS Signature Version 4
//! in the query string ("Authenticating Requests: Using Query Parameters"),
//! which every S3-compatible service checks. The SDK's presigner builds a whole
//! request pipeline per link; a download is minted on every click and a page of
//! images asks for dozens, so the links browsers get are signed by this instead.
//! Only `host` is signed and the payload is `UNSIGNED-PAYLOAD`, as for any
//! presigned GET. The signing key changes once a day and is kept for that day.

use chrono::{DateTime, Datelike, Timelike, Utc};
use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Duration;

use crate::secret::Secret;

type HmacSha256 = hmac::Hmac<Sha256>;

/// The longest a SigV4 presigned link may live.
const MAX_LIFETIME: Duration = Duration::from_secs(7 * 24 * 3600);

/// Signs GET links for one bucket at one endpoint.
#[derive(Debug)]
pub(crate) struct Presigner {
    /// `http://host:port`, what links start with.
    origin: String,
    /// The `host` header a browser sends for `origin`.
    host: String,
    /// The path before the key: the endpoint's own path, and `/bucket` when
    /// path-style.
    prefix: String,
    region: String,
    access_key: String,
    secret: Secret,
    /// The day's signing key, by day (`YYYYMMDD`).
    day_key: Mutex<Option<(String, [u8; 32])>>,
}

/// A GET to sign: the key, and the `response-*` overrides S3 answers with.
#[derive(Debug, Default)]
pub(crate) struct Get<'a> {
    pub key: &'a str,
    pub cache_control: Option<&'a str>,
    pub content_disposition: Option<&'a str>,
    pub content_type: Option<&'a str>,
}

impl Presigner {
    /// For `endpoint` (`http://host:port`, optionally with a path), `bucket`
    /// addressed path-style (`endpoint/bucket/key`) or as a subdomain.
    pub(crate) fn new(
        endpoint: &str,
        bucket: &str,
        path_style: bool,
        region: &str,
        access_key: &str,
        secret: &Secret,
    ) -> Self {
        let endpoint = endpoint.trim_end_matches('/');
        let (scheme, rest) = endpoint.split_once("://").unwrap_or(("https", endpoint));
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        // A browser leaves the default port out of `host`.
        let default_port = if scheme == "http" { ":80" } else { ":443" };
        // Host names are case-insensitive; browsers send them in lower case.
        let authority = authority.to_ascii_lowercase();
        let authority = authority
            .strip_suffix(default_port)
            .unwrap_or(&authority)
            .to_owned();
        let host = if path_style {
            authority
        } else {
            format!("{}.{authority}", bucket.to_ascii_lowercase())
        };
        let mut prefix = String::new();
        for segment in path.split('/').filter(|s| !s.is_empty()) {
            prefix.push('/');
            encode_into(&mut prefix, segment, false);
        }
        if path_style {
            prefix.push('/');
            encode_into(&mut prefix, bucket, false);
        }
        Self {
            origin: format!("{scheme}://{host}"),
            host,
            prefix,
            region: region.to_owned(),
            access_key: access_key.to_owned(),
            secret: secret.clone(),
            day_key: Mutex::new(None),
        }
    }

    /// A link to `get`, valid from `start` for `lifetime` (at most 7 days).
    pub(crate) fn sign(&self, get: &Get<'_>, start: DateTime<Utc>, lifetime: Duration) -> String {
        // `YYYYMMDDTHHMMSSZ`; the day is its first eight characters.
        let (date, time) = (start.date_naive(), start.time());
        let amz_date = format!(
            "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
            date.year(),
            date.month(),
            date.day(),
            time.hour(),
            time.minute(),
            time.second()
        );
        let day = &amz_date[..8];
        let expires = lifetime
            .clamp(Duration::from_secs(1), MAX_LIFETIME)
            .as_secs();

        // The link itself: origin, path, query; the signature goes last.
        let mut url = String::with_capacity(1024);
        url.push_str(&self.origin);
        let path_at = url.len();
        url.push_str(&self.prefix);
        url.push('/');
        encode_into(&mut url, get.key, true);
        let query_at = url.len() + 1;
        url.push('?');

        // Parameters in byte order of their names: `X-Amz-*` sort before
        // the lower-case `response-*`.
        url.push_str("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=");
        encode_into(&mut url, &self.access_key, false);
        for part in [day, &self.region, "s3", "aws4_request"] {
            url.push_str("%2F");
            encode_into(&mut url, part, false);
        }
        let _ = write!(
            url,
            "&X-Amz-Date={amz_date}&X-Amz-Expires={expires}&X-Amz-SignedHeaders=host"
        );
        for (name, value) in [
            ("response-cache-control", get.cache_control),
            ("response-content-disposition", get.content_disposition),
            ("response-content-type", get.content_type),
        ] {
            if let Some(value) = value {
                url.push('&');
                url.push_str(name);
                url.push('=');
                encode_into(&mut url, value, false);
            }
        }

        // The canonical request, hashed as it is read from the link's parts.
        let mut canonical = Sha256::new();
        for part in [
            "GET\n",
            &url[path_at..query_at - 1],
            "\n",
            &url[query_at..],
            "\nhost:",
            &self.host,
            "\n\nhost\nUNSIGNED-PAYLOAD",
        ] {
            canonical.update(part.as_bytes());
        }
        let mut mac = HmacSha256::new_from_slice(&self.signing_key(day))
            .expect("HMAC takes a key of any length");
        for part in [
            "AWS4-HMAC-SHA256\n",
            &amz_date,
            "\n",
            day,
            "/",
            &self.region,
            "/s3/aws4_request\n",
        ] {
            mac.update(part.as_bytes());
        }
        mac.update(hex_into(&mut String::with_capacity(64), &canonical.finalize()).as_bytes());
        url.push_str("&X-Amz-Signature=");
        hex_into(&mut url, &mac.finalize().into_bytes());
        url
    }

    /// The signing key of `day`, derived once per day.
    fn signing_key(&self, day: &str) -> [u8; 32] {
        let mut kept = self.day_key.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((kept_day, key)) = kept.as_ref()
            && kept_day == day
        {
            return *key;
        }
        let secret = format!("AWS4{}", self.secret.expose());
        let key = [self.region.as_str(), "s3", "aws4_request"]
            .iter()
            .fold(hmac(secret.as_bytes(), day.as_bytes()), |key, part| {
                hmac(&key, part.as_bytes())
            });
        *kept = Some((day.to_owned(), key));
        key
    }
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// SigV4's URI encoding: every byte but `A-Z a-z 0-9 - _ . ~` as `%XX`
/// (upper-case hex), and `/` kept when `keep_slash` (an object key's path).
fn encode_into(out: &mut String, value: &str, keep_slash: bool) {
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric()
            || matches!(byte, b'-' | b'_' | b'.' | b'~')
            || (keep_slash && byte == b'/')
        {
            out.push(char::from(byte));
        } else {
            push_escaped(out, byte);
        }
    }
}

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// `%XX`, upper-case hex: percent-encoding's form of one byte.
pub(crate) fn push_escaped(out: &mut String, byte: u8) {
    out.push('%');
    out.push(char::from(HEX_UPPER[usize::from(byte >> 4)]));
    out.push(char::from(HEX_UPPER[usize::from(byte & 0xf)]));
}

/// `bytes` in lower-case hex, appended to `out` (and answered).
fn hex_into<'a>(out: &'a mut String, bytes: &[u8]) -> &'a str {
    const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";
    for byte in bytes {
        out.push(char::from(HEX_LOWER[usize::from(byte >> 4)]));
        out.push(char::from(HEX_LOWER[usize::from(byte & 0xf)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aws_example() -> Presigner {
        Presigner::new(
            "https://s3.amazonaws.com",
            "examplebucket",
            false,
            "us-east-1",
            "AKIAIOSFODNN7EXAMPLE",
            &Secret::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        )
    }

    #[test]
    fn signs_the_example_of_aws_documentation_to_the_same_signature() {
        let start = DateTime::parse_from_rfc3339("2013-05-24T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let url = aws_example().sign(
            &Get {
                key: "test.txt",
                ..Get::default()
            },
            start,
            Duration::from_secs(86_400),
        );
        assert_eq!(
            url,
            "https://examplebucket.s3.amazonaws.com/test.txt\
             ?X-Amz-Algorithm=AWS4-HMAC-SHA256\
             &X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request\
             &X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\
             &X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
        );
    }

    #[test]
    fn path_style_keys_and_overrides_are_encoded_once() {
        let presigner = Presigner::new(
            "http://127.0.0.1:80/s3/",
            "my bucket",
            true,
            "garage",
            "GK1",
            &Secret::new("s"),
        );
        let url = presigner.sign(
            &Get {
                key: "files/a b+é.pdf",
                content_disposition: Some("attachment; filename=\"a b\""),
                ..Get::default()
            },
            Utc::now(),
            Duration::from_secs(300),
        );
        assert!(
            url.starts_with("http://127.0.0.1/s3/my%20bucket/files/a%20b%2B%C3%A9.pdf?"),
            "{url}"
        );
        assert!(
            url.contains("&response-content-disposition=attachment%3B%20filename%3D%22a%20b%22&"),
            "{url}"
        );
    }
}
