//! What the catalog keeps between requests: the tags in use on published
//! products (every catalog page lists them), and the generation that dates
//! everything made from the catalog. The product editor, the gallery, the
//! files service and upload completion invalidate it on every change; another
//! instance's changes show within [`TAGS_TTL`].

use chrono::{DateTime, Duration, Utc};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// How long a tag list is trusted without a local change (changes made
/// through another instance).
pub const TAGS_TTL: Duration = Duration::seconds(30);

/// The catalog's cache, shared by the catalog (which reads it), the services
/// that change products, images and files (which invalidate it) and the
/// server's kept pages (which read its generation). Cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct CatalogCache {
    generation: Arc<AtomicU64>,
    tags: Arc<Mutex<Option<Tags>>>,
}

#[derive(Debug)]
struct Tags {
    generation: u64,
    at: DateTime<Utc>,
    tags: Vec<String>,
}

impl CatalogCache {
    /// Forgets what was cached: a product, image or file changed.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// Counts changes: whatever was made from the catalog under an older
    /// generation is out of date (pages kept by the server, too).
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// The tag list cached now, if still good; else the generation to store a
    /// fresh one under.
    pub(super) fn tags(&self, now: DateTime<Utc>) -> Result<Vec<String>, u64> {
        let generation = self.generation();
        let cached = self.tags.lock().unwrap_or_else(|p| p.into_inner());
        match cached.as_ref() {
            Some(tags) if tags.generation == generation && now - tags.at < TAGS_TTL => {
                Ok(tags.tags.clone())
            }
            _ => Err(generation),
        }
    }

    /// Keeps `tags`, read at `now` under `generation` (dropped if a change
    /// came in meanwhile).
    pub(super) fn keep_tags(&self, generation: u64, now: DateTime<Utc>, tags: &[String]) {
        if self.generation() != generation {
            return;
        }
        *self.tags.lock().unwrap_or_else(|p| p.into_inner()) = Some(Tags {
            generation,
            at: now,
            tags: tags.to_vec(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_kept_until_a_change_or_their_time_runs_out() {
        let cache = CatalogCache::default();
        let now = Utc::now();
        let generation = cache.tags(now).unwrap_err();
        cache.keep_tags(generation, now, &["audio".to_owned()]);
        assert_eq!(
            cache.tags(now + Duration::seconds(5)),
            Ok(vec!["audio".to_owned()])
        );
        assert!(cache.tags(now + TAGS_TTL).is_err(), "too old");
        cache.invalidate();
        assert!(cache.tags(now).is_err(), "a product changed");
        let stale = generation;
        cache.keep_tags(stale, now, &["old".to_owned()]);
        assert!(
            cache.tags(now).is_err(),
            "a list read before the change is not kept"
        );
    }
}
