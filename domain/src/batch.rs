//! Reads that many requests make at once, made together: while one load
//! runs, the keys asked meanwhile queue, and the next load reads all of them
//! in one query. Nothing is stale: each key is read by a query that started
//! after it was asked. Under load, one query answers many requests instead of
//! one each (on SQLite every query is a round trip to its connection's
//! thread); alone, a request waits only for its own query.

use futures_util::future::BoxFuture;
use sea_orm::DbErr;
use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};

/// The most keys one load reads.
const MAX_KEYS: usize = 256;

/// Turns of the scheduler a load waits for more keys before it reads.
const TURNS: usize = 2;

type Load<K, V> = dyn Fn(Vec<K>) -> BoxFuture<'static, Result<HashMap<K, V>, DbErr>> + Send + Sync;
type Answer<V> = oneshot::Sender<Result<Option<V>, DbErr>>;
/// A key asked, and where its value goes.
type Asked<K, V> = (K, Answer<V>);
/// The loading task's queue, once started.
type Queue<K, V> = Arc<Mutex<Option<mpsc::Sender<Asked<K, V>>>>>;

/// Loads values by key, many keys per query. Cheap to clone; clones share
/// their queue.
pub struct Batched<K, V> {
    load: Arc<Load<K, V>>,
    /// The queue of the task that loads, started on first use (and again if
    /// it ever stopped).
    queue: Queue<K, V>,
}

impl<K, V> Clone for Batched<K, V> {
    fn clone(&self) -> Self {
        Self {
            load: Arc::clone(&self.load),
            queue: Arc::clone(&self.queue),
        }
    }
}

impl<K, V> std::fmt::Debug for Batched<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batched").finish_non_exhaustive()
    }
}

impl<K, V> Batched<K, V>
where
    K: Eq + Hash + Clone + Send + 'static,
    V: Clone + Send + 'static,
{
    /// `load` reads the values of the keys it is given (each key once) and
    /// answers those it found.
    pub fn new<F, Fut>(load: F) -> Self
    where
        F: Fn(Vec<K>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<HashMap<K, V>, DbErr>> + Send + 'static,
    {
        Self {
            load: Arc::new(move |keys| Box::pin(load(keys))),
            queue: Arc::default(),
        }
    }

    /// The value of `key`, None when the load did not find it.
    pub async fn get(&self, key: K) -> Result<Option<V>, DbErr> {
        let (answer, answered) = oneshot::channel();
        self.queue()
            .send((key, answer))
            .await
            .map_err(|_| stopped())?;
        answered.await.map_err(|_| stopped())?
    }

    fn queue(&self) -> mpsc::Sender<Asked<K, V>> {
        let mut kept = self.queue.lock().unwrap_or_else(|p| p.into_inner());
        match kept.as_ref() {
            Some(queue) if !queue.is_closed() => queue.clone(),
            _ => {
                let (queue, asked) = mpsc::channel(4 * MAX_KEYS);
                tokio::spawn(run(Arc::clone(&self.load), asked));
                *kept = Some(queue.clone());
                queue
            }
        }
    }
}

/// The loading task: takes what is asked, up to [`MAX_KEYS`], loads it in
/// one go, answers each, and goes on while anyone can still ask.
async fn run<K, V>(load: Arc<Load<K, V>>, mut asked: mpsc::Receiver<Asked<K, V>>)
where
    K: Eq + Hash + Clone,
    V: Clone,
{
    let mut batch = Vec::with_capacity(MAX_KEYS);
    while asked.recv_many(&mut batch, MAX_KEYS).await > 0 {
        more_of(&mut asked, &mut batch, MAX_KEYS).await;
        // A caller who gave up waiting needs nothing read.
        batch.retain(|(_, answer): &Asked<K, V>| !answer.is_closed());
        if batch.is_empty() {
            continue;
        }
        let keys: Vec<K> = batch
            .iter()
            .map(|(key, _)| key.clone())
            .collect::<HashSet<K>>()
            .into_iter()
            .collect();
        // A read can be made again: one that failed (its connection dropped
        // by a database restart, say) is tried once more before its callers
        // hear of it, on a connection opened anew.
        let loaded = match load(keys.clone()).await {
            Ok(found) => Ok(found),
            Err(err) => {
                tracing::warn!(error = %err, keys = batch.len(), "a batched read failed; trying it again");
                load(keys).await
            }
        };
        match loaded {
            Ok(found) => {
                for (key, answer) in batch.drain(..) {
                    let _ = answer.send(Ok(found.get(&key).cloned()));
                }
            }
            Err(err) => {
                tracing::warn!(error = %err, keys = batch.len(), "a batched read failed");
                let message = err.to_string();
                for (_, answer) in batch.drain(..) {
                    let _ = answer.send(Err(DbErr::Custom(message.clone())));
                }
            }
        }
    }
}

/// Lets the tasks ready to run go first, twice, then takes what they queued
/// meanwhile (up to `max` in all): under load, the requests being handled
/// at this moment ask the same question a moment later, and one load answers
/// them too. Each turn of the scheduler also reads the sockets, so the second
/// lets the requests that arrived during the first join as well (fewer, larger
/// loads: fewer wake-ups of the database's threads). Alone, it costs two turns
/// of the scheduler.
pub(crate) async fn more_of<T>(queue: &mut mpsc::Receiver<T>, batch: &mut Vec<T>, max: usize) {
    for _ in 0..TURNS {
        tokio::task::yield_now().await;
    }
    while batch.len() < max {
        match queue.try_recv() {
            Ok(more) => batch.push(more),
            Err(_) => break,
        }
    }
}

fn stopped() -> DbErr {
    DbErr::Custom("a batched read stopped".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Doubles numbers, refusing 13; counts its loads and the keys they read.
    fn doubling(loads: Arc<AtomicUsize>, keys_read: Arc<AtomicUsize>) -> Batched<u32, u32> {
        Batched::new(move |keys: Vec<u32>| {
            let (loads, keys_read) = (Arc::clone(&loads), Arc::clone(&keys_read));
            async move {
                loads.fetch_add(1, Ordering::SeqCst);
                keys_read.fetch_add(keys.len(), Ordering::SeqCst);
                // Long enough that callers pile up behind the first load.
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                Ok(keys
                    .into_iter()
                    .filter(|key| *key != 13)
                    .map(|key| (key, key * 2))
                    .collect())
            }
        })
    }

    #[tokio::test]
    async fn each_caller_gets_its_own_answer_from_few_loads() {
        let (loads, keys_read) = (Arc::default(), Arc::default());
        let batched = doubling(Arc::clone(&loads), Arc::clone(&keys_read));
        let asks = (0..100u32).map(|n| {
            let batched = batched.clone();
            // Every key asked twice: each distinct key is read once a load.
            tokio::spawn(async move { (n, batched.get(n / 2).await) })
        });
        for ask in futures_util::future::join_all(asks).await {
            let (n, answer) = ask.unwrap();
            let expected = (n / 2 != 13).then_some(n / 2 * 2);
            assert_eq!(answer.unwrap(), expected, "asked {}", n / 2);
        }
        let loads = loads.load(Ordering::SeqCst);
        assert!(loads <= 3, "100 asks took {loads} loads");
        assert!(keys_read.load(Ordering::SeqCst) <= 50 + loads);
    }

    /// Adds one to numbers; its next `failures` loads fail.
    fn failing(failures: Arc<AtomicUsize>) -> Batched<u32, u32> {
        Batched::new(move |keys: Vec<u32>| {
            // Loads run one at a time: no other load comes between.
            let fail = failures.load(Ordering::SeqCst) > 0;
            if fail {
                failures.fetch_sub(1, Ordering::SeqCst);
            }
            async move {
                if fail {
                    return Err(DbErr::Custom("the disk is on fire".into()));
                }
                Ok(keys.into_iter().map(|key| (key, key + 1)).collect())
            }
        })
    }

    #[tokio::test]
    async fn a_load_that_fails_once_is_made_again_for_its_callers() {
        let failures = Arc::new(AtomicUsize::new(1));
        let batched = failing(Arc::clone(&failures));
        assert_eq!(batched.get(1).await.unwrap(), Some(2));
        assert_eq!(
            failures.load(Ordering::SeqCst),
            0,
            "the failed load was made"
        );
    }

    #[tokio::test]
    async fn a_load_that_fails_twice_fails_its_callers_and_the_next_load_runs() {
        let batched = failing(Arc::new(AtomicUsize::new(2)));
        let err = batched.get(1).await.unwrap_err();
        assert!(err.to_string().contains("the disk is on fire"), "{err}");
        assert_eq!(batched.get(1).await.unwrap(), Some(2));
    }
}
