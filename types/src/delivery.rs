//! How a purchased file reached its buyer, and how a file plays in the
//! library's page: the same values in the database, on the wire and in the
//! admin's delivery log.

use serde::{Deserialize, Serialize};

/// How a file was delivered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(
    feature = "sea-orm",
    derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum),
    sea_orm(
        rs_type = "String",
        db_type = "String(sea_orm::sea_query::StringLen::N(16))"
    )
)]
pub enum DeliveryKind {
    /// A download link minted (counted against the purchase's limit unless
    /// it repeats one from a moment ago).
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "download"))]
    Download,
    /// A stream started in the library's player (never counted).
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "stream"))]
    Stream,
}

impl DeliveryKind {
    /// The wire and log name: `download`, `stream`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Download => "download",
            Self::Stream => "stream",
        }
    }
}

/// What plays a file in the page: an audio or a video player.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaKind {
    Audio,
    Video,
}

impl MediaKind {
    /// The player for a file of `content_type` (`audio/mpeg`, `video/mp4`),
    /// if it plays in the page at all.
    pub fn of(content_type: &str) -> Option<Self> {
        let (family, _) = content_type.split_once('/')?;
        match family {
            "audio" => Some(Self::Audio),
            "video" => Some(Self::Video),
            _ => None,
        }
    }

    /// The wire name: `audio`, `video`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Audio => "audio",
            Self::Video => "video",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_travel_under_their_names() {
        for kind in [DeliveryKind::Download, DeliveryKind::Stream] {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
            assert_eq!(serde_json::from_str::<DeliveryKind>(&json).unwrap(), kind);
        }
        for kind in [MediaKind::Audio, MediaKind::Video] {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
        assert!(serde_json::from_str::<DeliveryKind>("\"email\"").is_err());
    }

    #[test]
    fn only_audio_and_video_play_in_the_page() {
        assert_eq!(MediaKind::of("audio/mpeg"), Some(MediaKind::Audio));
        assert_eq!(MediaKind::of("video/mp4"), Some(MediaKind::Video));
        assert_eq!(MediaKind::of("application/pdf"), None);
        assert_eq!(MediaKind::of("audio"), None, "no subtype");
        assert_eq!(MediaKind::of("audiobook/x"), None);
    }
}
