//! License keys: 120 bits in six groups of four readable characters
//! (Crockford's base32: no I, L, O or U), the last three characters a checksum
//! of the rest, so a mistyped key is caught before any lookup: the first two
//! check characters catch every single wrong character and every swap of two
//! neighbours, the third (from SHA-256) most other mistakes. 105 bits are
//! random.

use password_hash::rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const RANDOM_CHARS: usize = 21;
const CHECK_CHARS: usize = 3;

/// A new key.
pub fn issue() -> String {
    let body = random_chars(RANDOM_CHARS);
    grouped(&format!("{body}{}", checksum(&body)))
}

/// `n` random characters of the same readable alphabet (order numbers).
pub fn random_chars(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    OsRng.fill_bytes(&mut bytes);
    bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(b & 31)]))
        .collect()
}

/// Why a typed key is not a key.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("This is not a license key: check it for typing mistakes.")]
pub struct NotAKey;

/// The key as stored, from a key as typed (any case, with or without dashes
/// and spaces; `O` read as zero, `I` and `L` as one), or [`NotAKey`] when the
/// checksum does not match.
pub fn parse(typed: &str) -> Result<String, NotAKey> {
    let chars: String = typed
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect();
    if chars.len() != RANDOM_CHARS + CHECK_CHARS || !chars.bytes().all(|b| ALPHABET.contains(&b)) {
        return Err(NotAKey);
    }
    let (body, check) = chars.split_at(RANDOM_CHARS);
    if checksum(body) != check {
        return Err(NotAKey);
    }
    Ok(grouped(&chars))
}

fn checksum(body: &str) -> String {
    let values = body
        .bytes()
        .map(|b| ALPHABET.iter().position(|&a| a == b).unwrap_or(0));
    let (sum, weighted) = values.enumerate().fold((0, 0), |(sum, weighted), (i, v)| {
        (sum + v, weighted + (i + 1) * v)
    });
    let digest = Sha256::digest(body.as_bytes());
    [sum % 32, weighted % 32, usize::from(digest[0] & 31)]
        .into_iter()
        .map(|v| char::from(ALPHABET[v]))
        .collect()
}

fn grouped(chars: &str) -> String {
    chars
        .as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_issued_key_reads_back_in_any_spelling() {
        let key = issue();
        assert_eq!(key.len(), 29, "{key}");
        assert_eq!(key.matches('-').count(), 5);
        assert_eq!(parse(&key), Ok(key.clone()));
        assert_eq!(
            parse(&key.to_lowercase().replace('-', " ")),
            Ok(key.clone())
        );
        assert_ne!(issue(), key);
    }

    #[test]
    fn every_single_typo_and_neighbour_swap_is_caught() {
        let key = issue();
        let chars: Vec<u8> = key.bytes().filter(|&b| b != b'-').collect();
        for at in 0..chars.len() {
            for &other in ALPHABET.iter().filter(|&&a| a != chars[at]) {
                let mut typo = chars.clone();
                typo[at] = other;
                assert_eq!(parse(&String::from_utf8(typo).unwrap()), Err(NotAKey));
            }
            if at + 1 < chars.len() && chars[at] != chars[at + 1] {
                let mut swapped = chars.clone();
                swapped.swap(at, at + 1);
                assert_eq!(parse(&String::from_utf8(swapped).unwrap()), Err(NotAKey));
            }
        }
        assert_eq!(parse("not a key"), Err(NotAKey));
        assert_eq!(parse(&key[..20]), Err(NotAKey));
    }
}
