//! Secure delivery: only the buyer of an entitlement gets its files, through
//! short-lived presigned links, as often as the shop allows. A mint reads the
//! purchase and the file (refusing at once what it may not have), then one
//! task counts and logs it with others in one write transaction: the count is
//! an atomic conditional update (exact under concurrency), and the same buyer
//! minting the same file again within a short window (a resumed download, a
//! double click) is the same delivery and does not count again. Streams play
//! in the page and never count.

mod log;
mod writer;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{DatabaseConnection, DbErr};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};
use types::delivery::{DeliveryKind, MediaKind};
use uuid::Uuid;

pub use log::{LogFilter, LogRow, log_csv};

use crate::batch::Batched;
use crate::clock::Clock;
use crate::entities::{entitlement, product_file, user};
use crate::storage::{Storage, download_lifetime};
use writer::{Delivered, Job, Lately};

/// Minting the same file again within this long does not count again.
pub const REDELIVERY_WINDOW: Duration = Duration::minutes(10);

/// How long a stream link lives: long enough to listen or watch, short
/// enough that it is no way around a download limit (the page mints another).
const STREAM_LIFETIME: std::time::Duration = std::time::Duration::from_secs(30 * 60);

/// Why a file was not delivered, each in words the buyer understands.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    #[error("There is no such file.")]
    NotFound,
    #[error("This purchase belongs to someone else.")]
    NotYours,
    /// The account's address is not proven: what an account opened with
    /// someone else's address holds is not handed to whoever typed its
    /// password (the library shows nothing either).
    #[error("Confirm your email address first: follow the link we mailed you.")]
    Unproven,
    #[error("This purchase was refunded; its files are no longer available.")]
    Refunded,
    #[error("Access to this purchase was withdrawn.")]
    Revoked,
    /// Worded by [`access_ended`]; here with the day in UTC.
    #[error("{}", access_ended(.0.format("%Y-%m-%d")))]
    AccessEnded(DateTime<Utc>),
    #[error("No downloads left: all {0} were used.")]
    NoDownloadsLeft(i32),
    #[error("Only audio and video play in the page.")]
    NotStreamable,
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// The refusal of a purchase whose access window has closed, `day` as the
/// page shows dates (the store's calendar day, where one is known).
pub fn access_ended(day: impl std::fmt::Display) -> String {
    format!("Access to this purchase ended on {day}.")
}

/// Who asks, and from where (for the log).
#[derive(Clone, Debug)]
pub struct Requester<'a> {
    pub user: &'a user::Model,
    pub ip: String,
    pub user_agent: String,
}

/// A minted download.
#[derive(Clone, Debug)]
pub struct Minted {
    pub url: String,
    /// None when unlimited.
    pub downloads_left: Option<i32>,
    /// The purchase's limit; None when unlimited.
    pub download_limit: Option<i32>,
}

/// The delivery service. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Delivery {
    db: DatabaseConnection,
    /// Where the writer counts and logs mints.
    writes: DatabaseConnection,
    storage: Storage,
    clock: Clock,
    window: Duration,
    /// The queue of the one task that counts and logs mints (started by the
    /// first mint).
    writer: Arc<Mutex<Option<mpsc::Sender<Job>>>>,
    /// Downloads counted lately: minting one of them again inside the window
    /// needs no look in the log.
    lately: Arc<Mutex<Lately>>,
    /// Purchases and the newest versions of files asked of them, read many
    /// mints at a time.
    opened: Batched<(Uuid, Uuid), Opened>,
}

/// A purchase, and the version buyers get of a file asked of it (None when
/// its product has no such file).
type Opened = (entitlement::Model, Option<product_file::Model>);

/// Reads the purchases and files of `asked` (purchase and file ids) in one
/// query.
async fn read_purchases(
    db: DatabaseConnection,
    asked: Vec<(Uuid, Uuid)>,
) -> Result<HashMap<(Uuid, Uuid), Opened>, DbErr> {
    let purchases: HashSet<Uuid> = asked.iter().map(|(purchase, _)| *purchase).collect();
    let files: HashSet<Uuid> = asked.iter().map(|(_, file)| *file).collect();
    let found = crate::product_files::purchased_files(
        &db,
        purchases.into_iter().collect(),
        files.into_iter().collect(),
    )
    .await?;
    let mut granted = HashMap::with_capacity(found.len());
    let mut newest = HashMap::with_capacity(found.len());
    for row in found {
        if let (Some(file), Some(version)) = (row.asked, row.newest) {
            newest.insert((row.granted.pid, file), version);
        }
        granted.insert(row.granted.pid, row.granted);
    }
    Ok(asked
        .into_iter()
        .filter_map(|(purchase, file)| {
            let granted = granted.get(&purchase)?.clone();
            Some((
                (purchase, file),
                (granted, newest.remove(&(purchase, file))),
            ))
        })
        .collect())
}

/// Reads purchases and their files, many mints' at a time, on `db`.
fn purchases_loader(db: DatabaseConnection) -> Batched<(Uuid, Uuid), Opened> {
    Batched::new(move |asked| read_purchases(db.clone(), asked))
}

/// Who asked, as the log keeps it.
#[derive(Debug)]
struct Caller {
    user: i64,
    ip: String,
    user_agent: String,
}

impl From<&Requester<'_>> for Caller {
    fn from(who: &Requester<'_>) -> Self {
        Self {
            user: who.user.id,
            ip: who.ip.chars().take(64).collect(),
            user_agent: who.user_agent.chars().take(256).collect(),
        }
    }
}

impl Delivery {
    pub fn new(db: DatabaseConnection, storage: Storage, clock: Clock) -> Self {
        Self {
            opened: purchases_loader(db.clone()),
            writes: db.clone(),
            db,
            storage,
            clock,
            window: REDELIVERY_WINDOW,
            writer: Arc::default(),
            lately: Arc::default(),
        }
    }

    /// Reads mints' purchases on `reads` and counts and logs them on
    /// `writes`, connections of their own ([`crate::db::dedicated`]), not the
    /// pool's.
    pub fn with_connections(self, reads: DatabaseConnection, writes: DatabaseConnection) -> Self {
        Self {
            opened: purchases_loader(reads),
            writes,
            writer: Arc::default(),
            ..self
        }
    }

    /// How long minting the same file again counts as the same delivery.
    pub fn with_window(self, window: Duration) -> Self {
        Self {
            window,
            writer: Arc::default(),
            lately: Arc::default(),
            ..self
        }
    }

    /// Checks that `entitlement` is `user`'s and still gives access, and
    /// finds the newest version of `file` (a version of its product). Reads
    /// only: what is refused here never waits for the writer.
    async fn open(
        &self,
        user: &user::Model,
        entitlement: Uuid,
        file: Uuid,
        now: DateTime<Utc>,
    ) -> Result<(entitlement::Model, product_file::Model), DeliveryError> {
        if !user.is_verified() {
            return Err(DeliveryError::Unproven);
        }
        // The purchase and the version buyers get of the file, read with
        // those other mints ask at the same moment.
        let (granted, file) = self
            .opened
            .get((entitlement, file))
            .await?
            .ok_or(DeliveryError::NotFound)?;
        if granted.user_id != user.id {
            return Err(DeliveryError::NotYours);
        }
        if let Some(ended) = ended(&granted, now) {
            return Err(ended);
        }
        let file = file.ok_or(DeliveryError::NotFound)?;
        Ok((granted, file))
    }

    /// Hands a delivery to the writer and waits for it to be counted (or
    /// not) and logged.
    async fn write(
        &self,
        who: &Requester<'_>,
        granted: entitlement::Model,
        file: product_file::Model,
        kind: DeliveryKind,
    ) -> Result<Delivered, DeliveryError> {
        let (done, answer) = oneshot::channel();
        let job = Job {
            caller: who.into(),
            // The same delivery as one counted a moment ago: nothing to
            // count, nothing to look up.
            counts: kind == DeliveryKind::Download && !self.counted_lately(&granted, &file),
            granted,
            file,
            kind,
            done,
        };
        let writer = self.writer();
        writer.send(job).await.map_err(|_| writer_gone())?;
        answer.await.map_err(|_| writer_gone())?
    }

    /// Mints a download link for the newest version of `file`.
    ///
    /// Mints are counted and logged by one task, many in one write
    /// transaction (a group commit): under load they queue in memory instead
    /// of each waiting for the database's write lock, and each is still
    /// counted and logged exactly as if alone.
    pub async fn mint(
        &self,
        who: &Requester<'_>,
        entitlement: Uuid,
        file: Uuid,
    ) -> Result<Minted, DeliveryError> {
        let (granted, file) = self
            .open(who.user, entitlement, file, self.clock.now())
            .await?;
        let Delivered { granted, file, now } = self
            .write(who, granted, file, DeliveryKind::Download)
            .await?;
        // Never beyond the end of access. Signed here, without a round
        // trip: a counted download always gets its link.
        let lifetime = match granted.access_until {
            Some(until) => {
                download_lifetime(file.size_bytes).min((until - now).to_std().unwrap_or_default())
            }
            None => download_lifetime(file.size_bytes),
        };
        Ok(Minted {
            url: self
                .storage
                .download_url(&file.s3_key, &file.filename, lifetime),
            downloads_left: granted
                .download_limit
                .map(|limit| std::cmp::max(limit - granted.downloads_used, 0)),
            download_limit: granted.download_limit,
        })
    }

    /// A link that plays an audio or video file in the page. Never counts.
    pub async fn stream(
        &self,
        who: &Requester<'_>,
        entitlement: Uuid,
        file: Uuid,
    ) -> Result<String, DeliveryError> {
        let (granted, file) = self
            .open(who.user, entitlement, file, self.clock.now())
            .await?;
        if MediaKind::of(&file.content_type).is_none() {
            return Err(DeliveryError::NotStreamable);
        }
        let Delivered { granted, file, now } =
            self.write(who, granted, file, DeliveryKind::Stream).await?;
        let lifetime = match granted.access_until {
            Some(until) => STREAM_LIFETIME.min((until - now).to_std().unwrap_or_default()),
            None => STREAM_LIFETIME,
        };
        Ok(self
            .storage
            .stream_url(&file.s3_key, &file.filename, &file.content_type, lifetime))
    }
}

/// Why `granted` no longer gives access at `now`; None while it does.
fn ended(granted: &entitlement::Model, now: DateTime<Utc>) -> Option<DeliveryError> {
    if granted.revoked_at.is_some() {
        return Some(match granted.revoked_reason.as_deref() {
            Some("refunded") => DeliveryError::Refunded,
            _ => DeliveryError::Revoked,
        });
    }
    granted
        .access_until
        .filter(|until| *until <= now)
        .map(DeliveryError::AccessEnded)
}

fn writer_gone() -> DeliveryError {
    DeliveryError::Db(DbErr::Custom("the download counter stopped".into()))
}
