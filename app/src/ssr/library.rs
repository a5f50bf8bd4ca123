//! The buyer's library: what they own, in words (downloads left, access,
//! activations), the page's player, and the buyer as the delivery log
//! records them.

use domain::delivery::Minted;
use domain::entities::user;
use domain::orders::LibraryEntry;
use types::delivery::MediaKind;

use super::{AppContext, when};
use crate::error::AppError;
use crate::views::{DownloadView, LibraryItemView, LibraryView, PlayerView};

/// The signed-in buyer as the delivery log records them.
pub fn requester(user: &user::Model) -> domain::delivery::Requester<'_> {
    domain::delivery::Requester {
        user,
        ip: super::client_ip().to_string(),
        user_agent: super::user_agent(),
    }
}

/// An entitlement in words: "2 of 5 downloads used · access until 2027-…".
pub(crate) fn access_words(e: &domain::entities::entitlement::Model) -> String {
    if let (Some(_), reason) = (e.revoked_at, &e.revoked_reason) {
        return format!(
            "Access revoked ({})",
            reason.as_deref().unwrap_or("by the store")
        );
    }
    let downloads = match e.download_limit {
        Some(limit) => format!("{} of {limit} downloads used", e.downloads_used),
        None => format!("{} downloads, no limit", e.downloads_used),
    };
    let until = match e.access_until {
        Some(until) => format!("access until {}", super::store_time::day_of(until)),
        None => "access forever".to_owned(),
    };
    format!("{downloads} · {until}")
}

/// "4 of 5 downloads left", "Unlimited downloads".
pub fn downloads_left(limit: Option<i32>, left: Option<i32>) -> String {
    match (limit, left) {
        (Some(limit), Some(left)) => format!("{left} of {limit} downloads left"),
        _ => "Unlimited downloads".to_owned(),
    }
}

/// An app instance a license key is activated on.
pub(crate) fn activation_view(
    a: &domain::entities::license_activation::Model,
) -> crate::views::ActivationView {
    crate::views::ActivationView {
        instance: a.instance.clone(),
        name: a.name.clone(),
        since: when(a.created_at),
    }
}

/// What the buyer owns; refunded purchases listed apart. No player yet.
pub fn library_view(user: &user::Model, entries: &[LibraryEntry]) -> LibraryView {
    LibraryView {
        player: None,
        player_error: None,
        verified: user.email_verified_at.is_some(),
        email: user.email.clone(),
        refunded: entries
            .iter()
            .filter(|entry| entry.entitlement.revoked_at.is_some())
            .map(|entry| entry.product.title.clone())
            .collect(),
        items: entries
            .iter()
            .filter(|entry| entry.entitlement.revoked_at.is_none())
            .map(|entry| {
                let e = &entry.entitlement;
                LibraryItemView {
                    activations: entry.activations.iter().map(activation_view).collect(),
                    activation_limit: entry
                        .keys
                        .first()
                        .and_then(|k| k.activation_limit)
                        .map(|limit| format!("{} of {limit} activations", entry.activations.len())),
                    entitlement: e.pid.to_string(),
                    downloads: downloads_left(
                        e.download_limit,
                        e.download_limit
                            .map(|limit| std::cmp::max(limit - e.downloads_used, 0)),
                    ),
                    files: entry
                        .files
                        .iter()
                        .map(|(file, updated)| crate::views::LibraryFileView {
                            file: file.pid.to_string(),
                            name: file.filename.clone(),
                            format: crate::views::format_name(&file.content_type, &file.filename),
                            size: crate::views::human_size(file.size_bytes),
                            version: file.version,
                            updated: *updated,
                            plays_as: MediaKind::of(&file.content_type),
                        })
                        .collect(),
                    title: entry.product.title.clone(),
                    slug: entry.product.slug.clone(),
                    order_number: entry.order_number.clone(),
                    access: match e.access_until {
                        Some(until) => format!("Access until {}", super::store_time::day_of(until)),
                        None => "Access forever".to_owned(),
                    },
                    keys: entry.keys.iter().map(|k| k.key.clone()).collect(),
                }
            })
            .collect(),
    }
}

/// The player for `file` of `entitlement` (both public ids, from the address
/// bar): a stream link, minted for this page.
pub async fn player(
    ctx: &AppContext,
    user: &user::Model,
    view: &LibraryView,
    entitlement: &str,
    file: &str,
) -> Result<PlayerView, AppError> {
    let (item, shown) = view
        .items
        .iter()
        .find_map(|item| {
            let shown = item.files.iter().find(|f| f.file == file)?;
            (item.entitlement == entitlement).then_some((item, shown))
        })
        .ok_or(AppError::NotFound)?;
    let who = requester(user);
    let url = ctx
        .delivery
        .stream(&who, super::parse_id(entitlement)?, super::parse_id(file)?)
        .await?;
    Ok(PlayerView {
        title: format!("{} — {}", item.title, shown.name),
        url,
        kind: shown.plays_as.unwrap_or(MediaKind::Audio),
    })
}

impl From<Minted> for DownloadView {
    fn from(minted: Minted) -> Self {
        Self {
            downloads: downloads_left(minted.download_limit, minted.downloads_left),
            url: minted.url,
            downloads_left: minted.downloads_left,
        }
    }
}
