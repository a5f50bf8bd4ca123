//! Checks on what an uploader declares and sends: part sizes, file names,
//! content types, and whether a file's first bytes match its declared type.

use super::{MAX_PARTS, MIN_PART_SIZE};

/// The part size for a file of `size` bytes: at least [`MIN_PART_SIZE`], and
/// large enough to stay within [`MAX_PARTS`].
pub fn part_size_for(size: u64) -> u64 {
    size.div_ceil(MAX_PARTS).max(MIN_PART_SIZE)
}

pub(super) fn valid_filename(name: &str) -> bool {
    !name.trim().is_empty()
        && name.chars().count() <= 255
        && !name
            .chars()
            .any(|c| c == '/' || c == '\\' || c.is_control())
        && name != "."
        && name != ".."
}

pub(super) fn valid_content_type(value: &str) -> bool {
    value.len() <= 127
        && value.split_once('/').is_some_and(|(kind, sub)| {
            let token = |s: &str| {
                !s.is_empty()
                    && s.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
            };
            token(kind) && token(sub)
        })
}

/// The types whose files the store can check by their first bytes
/// ([`format_matches`]).
pub const CHECKED_TYPES: [&str; 16] = [
    "application/pdf",
    "application/zip",
    "application/epub+zip",
    "application/x-zip-compressed",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "audio/wav",
    "audio/x-wav",
    "audio/flac",
    "video/webm",
    "audio/webm",
    "video/mp4",
    "audio/mp4",
    "audio/mpeg",
];

/// The type a file is stored and delivered as: the declared one when the
/// store can check it, else `application/octet-stream`. So nothing uploaded
/// (HTML, SVG, scripts) is ever sent with a type a browser would render or
/// run, whatever the uploader declared.
pub fn stored_type(declared: &str) -> &str {
    if CHECKED_TYPES.contains(&declared) {
        declared
    } else {
        "application/octet-stream"
    }
}

/// False when `head` (a file's first bytes) shows it is not `content_type`.
/// Types without a known signature are taken as declared.
pub fn format_matches(content_type: &str, head: &[u8]) -> bool {
    let starts = |magic: &[u8]| head.starts_with(magic);
    match content_type {
        "application/pdf" => starts(b"%PDF-"),
        "application/zip" | "application/epub+zip" | "application/x-zip-compressed" => {
            starts(b"PK\x03\x04") || starts(b"PK\x05\x06")
        }
        "image/png" => starts(b"\x89PNG\r\n\x1a\n"),
        "image/jpeg" => starts(b"\xff\xd8\xff"),
        "image/gif" => starts(b"GIF87a") || starts(b"GIF89a"),
        "image/webp" => starts(b"RIFF") && head.get(8..12) == Some(b"WEBP"),
        "audio/wav" | "audio/x-wav" => starts(b"RIFF") && head.get(8..12) == Some(b"WAVE"),
        "audio/flac" => starts(b"fLaC"),
        "video/webm" | "audio/webm" => starts(b"\x1a\x45\xdf\xa3"),
        "video/mp4" | "audio/mp4" => head.get(4..8) == Some(b"ftyp"),
        // An MP3 starts with an ID3 tag or an MPEG frame sync.
        "audio/mpeg" => {
            starts(b"ID3")
                || head.first() == Some(&0xff) && head.get(1).is_some_and(|b| b & 0xe0 == 0xe0)
        }
        _ => true,
    }
}

/// A first description for an image: its file name without the extension.
pub(super) fn alt_from_filename(filename: &str) -> String {
    let stem = filename.rsplit_once('.').map_or(filename, |(stem, _)| stem);
    stem.replace(['_', '-'], " ").chars().take(300).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_at_least_8_mib_and_at_most_ten_thousand() {
        assert_eq!(part_size_for(1), MIN_PART_SIZE);
        assert_eq!(part_size_for(1 << 30), MIN_PART_SIZE);
        let huge = 200 * 1024 * 1024 * 1024u64;
        assert!(huge.div_ceil(part_size_for(huge)) <= MAX_PARTS);
    }

    #[test]
    fn known_formats_are_recognized_by_their_first_bytes() {
        assert!(format_matches("application/pdf", b"%PDF-1.7\n"));
        assert!(!format_matches("application/pdf", b"PK\x03\x04"));
        assert!(format_matches("application/zip", b"PK\x03\x04rest"));
        assert!(format_matches("audio/wav", b"RIFF\x00\x00\x00\x00WAVEfmt "));
        assert!(!format_matches("image/png", b"GIF89a"));
        assert!(format_matches("application/octet-stream", b"anything"));
    }

    #[test]
    fn types_the_store_cannot_check_are_stored_as_plain_bytes() {
        assert_eq!(stored_type("application/pdf"), "application/pdf");
        assert_eq!(stored_type("text/html"), "application/octet-stream");
        assert_eq!(stored_type("image/svg+xml"), "application/octet-stream");
        assert_eq!(
            stored_type("application/x-font-otf"),
            "application/octet-stream"
        );
        assert!(format_matches("audio/mpeg", b"ID3\x04"));
        assert!(!format_matches("audio/mpeg", b"%PDF-"));
    }

    #[test]
    fn an_image_is_first_described_by_its_file_name() {
        assert_eq!(
            alt_from_filename("night-rain_cover.png"),
            "night rain cover"
        );
        assert_eq!(alt_from_filename("cover"), "cover");
    }

    #[test]
    fn file_names_and_types_are_checked() {
        assert!(valid_filename("Field Guide (2nd ed.).pdf"));
        for bad in ["", "  ", "../etc/passwd", "a/b", "a\\b", "new\nline", ".."] {
            assert!(!valid_filename(bad), "{bad:?}");
        }
        assert!(valid_content_type("application/pdf"));
        assert!(valid_content_type("application/vnd.ms-excel"));
        for bad in [
            "pdf",
            "text/",
            "/plain",
            "text/html; charset=utf-8",
            "a b/c",
        ] {
            assert!(!valid_content_type(bad), "{bad:?}");
        }
    }
}
