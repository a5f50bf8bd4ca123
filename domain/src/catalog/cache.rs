//! What the catalog keeps between requests: the tags in use on published
//! products (every catalog page lists them), the pages of results searches
//! found (the catalog's front page is one) and the products their pages show,
//! and the generation that dates everything made from the catalog. The
//! product editor, the gallery, the files service and upload completion
//! invalidate it on every change; another instance's changes show within
//! [`TAGS_TTL`].

use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::{Details, SearchQuery, SearchResults};

/// How long a tag list is trusted without a local change (changes made
/// through another instance).
pub const TAGS_TTL: Duration = Duration::seconds(30);

/// The most searches (or products) whose results are kept (past it, all are
/// forgotten).
const KEPT: usize = 256;

/// The catalog's cache, shared by the catalog (which reads it), the services
/// that change products, images and files (which invalidate it) and the
/// server's kept pages (which read its generation). Cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct CatalogCache {
    generation: Arc<AtomicU64>,
    tags: Arc<Mutex<Option<Tags>>>,
    searches: Arc<Mutex<Kept<SearchQuery, SearchResults>>>,
    /// Published products by slug.
    products: Arc<Mutex<Kept<String, Details>>>,
}

/// What was found for each question, under one generation, each for
/// [`TAGS_TTL`]. Handed out shared: a page reads what it shows from it,
/// nothing is copied per visitor.
#[derive(Debug)]
struct Kept<K, V> {
    generation: u64,
    found: HashMap<K, (DateTime<Utc>, Arc<V>)>,
}

impl<K, V> Default for Kept<K, V> {
    fn default() -> Self {
        Self {
            generation: 0,
            found: HashMap::new(),
        }
    }
}

impl<K: Hash + Eq, V> Kept<K, V> {
    fn get(&self, key: &K, generation: u64, now: DateTime<Utc>) -> Option<Arc<V>> {
        match self.found.get(key) {
            Some((at, value)) if self.generation == generation && now - *at < TAGS_TTL => {
                Some(value.clone())
            }
            _ => None,
        }
    }

    fn keep(&mut self, generation: u64, now: DateTime<Utc>, key: K, value: Arc<V>) {
        if self.generation != generation || self.found.len() >= KEPT {
            self.generation = generation;
            self.found.clear();
        }
        self.found.insert(key, (now, value));
    }
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

impl CatalogCache {
    /// What a search found, kept (for [`TAGS_TTL`], until a change) or
    /// found now by `find` and kept for the next visitor who asks the same.
    /// Its links stay valid for a window after they were made, far longer
    /// than they are kept.
    pub(super) async fn search<E>(
        &self,
        query: &SearchQuery,
        now: DateTime<Utc>,
        find: impl Future<Output = Result<SearchResults, E>>,
    ) -> Result<Arc<SearchResults>, E> {
        self.kept_or_found(&self.searches, query.clone(), now, find)
            .await
    }

    /// A published product by slug, as [`Self::search`].
    pub(super) async fn product<E>(
        &self,
        slug: &str,
        now: DateTime<Utc>,
        find: impl Future<Output = Result<Details, E>>,
    ) -> Result<Arc<Details>, E> {
        self.kept_or_found(&self.products, slug.to_owned(), now, find)
            .await
    }

    /// What `kept` holds for `key` if still good; else what `find` answers,
    /// kept unless a change came in while it was found.
    async fn kept_or_found<K: Hash + Eq, V, E>(
        &self,
        kept: &Mutex<Kept<K, V>>,
        key: K,
        now: DateTime<Utc>,
        find: impl Future<Output = Result<V, E>>,
    ) -> Result<Arc<V>, E> {
        let generation = self.generation();
        let held = kept
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&key, generation, now);
        if let Some(value) = held {
            return Ok(value);
        }
        let value = Arc::new(find.await?);
        let mut kept = kept.lock().unwrap_or_else(|p| p.into_inner());
        if self.generation() == generation {
            kept.keep(generation, now, key, Arc::clone(&value));
        }
        Ok(value)
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

    #[tokio::test]
    async fn search_results_are_kept_per_query_until_a_change_or_their_time_runs_out() {
        let cache = CatalogCache::default();
        let now = Utc::now();
        let front = SearchQuery::new("", None, "", 1);
        let audio = SearchQuery::new("audio", None, "", 1);
        let found = |total| async move {
            Ok::<_, ()>(SearchResults {
                listings: Vec::new(),
                total,
                page: 1,
                pages: 1,
                tags: Vec::new(),
            })
        };
        let total = |asked: Result<Arc<SearchResults>, ()>| asked.unwrap().total;
        assert_eq!(total(cache.search(&front, now, found(7)).await), 7);
        let later = now + Duration::seconds(5);
        assert_eq!(total(cache.search(&front, later, found(1)).await), 7);
        assert_eq!(
            total(cache.search(&audio, now, found(2)).await),
            2,
            "another query"
        );
        assert_eq!(
            total(cache.search(&front, now + TAGS_TTL, found(3)).await),
            3,
            "too old"
        );
        cache.invalidate();
        assert_eq!(
            total(cache.search(&front, now, found(4)).await),
            4,
            "a product changed"
        );
        let changed_meanwhile = async {
            cache.invalidate();
            found(5).await
        };
        cache.search(&audio, now, changed_meanwhile).await.unwrap();
        assert_eq!(
            total(cache.search(&audio, now, found(6)).await),
            6,
            "results found before the change are not kept"
        );
    }
}
