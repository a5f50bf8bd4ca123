//! The files of a product as an admin manages them: every stored version,
//! purging the versions buyers no longer get (their objects are deleted from
//! S3), and removing a file altogether.

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    FromQueryResult, IdenStatic, Iterable, JoinType, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait,
};
use std::collections::HashSet;
use uuid::Uuid;

use crate::catalog::CatalogCache;
use crate::db::begin_write;
use crate::entities::{entitlement, product, product_file};
use crate::storage::{Storage, StorageError};

/// Why a file change failed.
#[derive(Debug, thiserror::Error)]
pub enum FilesError {
    #[error("No such product.")]
    NoSuchProduct,
    #[error("No such file.")]
    NoSuchFile,
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// A stored version of a file and whether buyers get it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileVersion {
    pub file: product_file::Model,
    /// The newest version of its name: the one buyers get.
    pub current: bool,
}

/// The files buyers of product `product_id` get: the newest version of each
/// file name, by name.
pub async fn newest_versions(
    db: &impl ConnectionTrait,
    product_id: i64,
) -> Result<Vec<product_file::Model>, DbErr> {
    newest_versions_of(db, &[product_id]).await
}

/// [`newest_versions`] of several products in one query.
pub async fn newest_versions_of(
    db: &impl ConnectionTrait,
    product_ids: &[i64],
) -> Result<Vec<product_file::Model>, DbErr> {
    product_file::Entity::find()
        .filter(product_file::Column::ProductId.is_in(product_ids.iter().copied()))
        .filter(is_newest_version())
        .order_by_asc(product_file::Column::Filename)
        .all(db)
        .await
}

/// A purchase read for a mint, with a file asked of it: `asked` is None when
/// no file asked is one of its product's, `newest` the version buyers get of
/// the file asked.
#[derive(Debug, FromQueryResult)]
pub struct PurchasedFile {
    pub asked: Option<Uuid>,
    #[sea_orm(nested)]
    pub granted: entitlement::Model,
    #[sea_orm(nested(prefix = "newest_"))]
    pub newest: Option<product_file::Model>,
}

/// The purchases `purchases`, each with the version buyers get of every file
/// in `files` (given by any version of it) that is one of its product's: one
/// query for all. A purchase comes once per such file, or once with none.
pub async fn purchased_files(
    db: &impl ConnectionTrait,
    purchases: Vec<Uuid>,
    files: Vec<Uuid>,
) -> Result<Vec<PurchasedFile>, DbErr> {
    let asked = Alias::new("asked");
    let mut select = entitlement::Entity::find()
        .filter(entitlement::Column::Pid.is_in(purchases))
        .column_as(
            Expr::col((asked.clone(), product_file::Column::Pid)),
            "asked",
        );
    for column in product_file::Column::iter() {
        select = select.column_as(
            Expr::col((product_file::Entity, column)),
            format!("newest_{}", column.as_str()),
        );
    }
    QueryTrait::query(&mut select)
        .join_as(
            JoinType::LeftJoin,
            product_file::Entity,
            asked.clone(),
            Condition::all()
                .add(
                    Expr::col((asked.clone(), product_file::Column::ProductId))
                        .equals((entitlement::Entity, entitlement::Column::ProductId)),
                )
                .add(Expr::col((asked.clone(), product_file::Column::Pid)).is_in(files)),
        )
        .join(
            JoinType::LeftJoin,
            product_file::Entity,
            Condition::all()
                .add(
                    Expr::col((product_file::Entity, product_file::Column::ProductId))
                        .equals((asked.clone(), product_file::Column::ProductId)),
                )
                .add(
                    Expr::col((product_file::Entity, product_file::Column::Filename))
                        .equals((asked, product_file::Column::Filename)),
                )
                .add(is_newest_version()),
        );
    select.into_model::<PurchasedFile>().all(db).await
}

/// The rule for the version buyers get, written once: no version of the same
/// product and file name is newer.
fn is_newest_version() -> sea_orm::sea_query::SimpleExpr {
    let newer = Alias::new("newer");
    let newer_version_exists = Query::select()
        .expr(Expr::val(1))
        .from_as(product_file::Entity, newer.clone())
        .and_where(
            Expr::col((newer.clone(), product_file::Column::ProductId))
                .equals((product_file::Entity, product_file::Column::ProductId)),
        )
        .and_where(
            Expr::col((newer.clone(), product_file::Column::Filename))
                .equals((product_file::Entity, product_file::Column::Filename)),
        )
        .and_where(
            Expr::col((newer, product_file::Column::Version)).gt(Expr::col((
                product_file::Entity,
                product_file::Column::Version,
            ))),
        )
        .to_owned();
    Expr::exists(newer_version_exists).not()
}

/// The product-files service. Cheap to clone.
#[derive(Clone, Debug)]
pub struct ProductFiles {
    db: DatabaseConnection,
    storage: Storage,
    /// Invalidated on every change (product pages list the files).
    catalog: CatalogCache,
}

impl ProductFiles {
    pub fn new(db: DatabaseConnection, storage: Storage) -> Self {
        Self {
            db,
            storage,
            catalog: CatalogCache::default(),
        }
    }

    /// The same service, invalidating `catalog` on each change.
    pub fn with_catalog_cache(self, catalog: CatalogCache) -> Self {
        Self { catalog, ..self }
    }

    /// Every stored version of every file of the product with public id
    /// `product`, by name, newest version first, each marked current when it is
    /// the one buyers get ([`newest_versions`]).
    pub async fn versions(&self, product: Uuid) -> Result<Vec<FileVersion>, FilesError> {
        let product = self.product(product).await?;
        let current: HashSet<i64> = newest_versions(&self.db, product.id)
            .await?
            .iter()
            .map(|file| file.id)
            .collect();
        Ok(product_file::Entity::find()
            .filter(product_file::Column::ProductId.eq(product.id))
            .order_by_asc(product_file::Column::Filename)
            .order_by_desc(product_file::Column::Version)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|file| FileVersion {
                current: current.contains(&file.id),
                file,
            })
            .collect())
    }

    /// Deletes every version but the newest of each file, rows and objects.
    /// Returns how many versions were purged.
    pub async fn purge_old_versions(&self, product: Uuid) -> Result<usize, FilesError> {
        let versions = self.versions(product).await?;
        let old: Vec<&product_file::Model> = versions
            .iter()
            .filter(|version| !version.current)
            .map(|version| &version.file)
            .collect();
        self.delete(&old).await?;
        Ok(old.len())
    }

    /// Removes the file named like the file with public id `file`: every
    /// version of it, rows and objects.
    pub async fn remove(&self, file: Uuid) -> Result<(), FilesError> {
        let one = product_file::Entity::find()
            .filter(product_file::Column::Pid.eq(file))
            .one(&self.db)
            .await?
            .ok_or(FilesError::NoSuchFile)?;
        let all = product_file::Entity::find()
            .filter(product_file::Column::ProductId.eq(one.product_id))
            .filter(product_file::Column::Filename.eq(&one.filename))
            .all(&self.db)
            .await?;
        self.delete(&all.iter().collect::<Vec<_>>()).await
    }

    /// Deletes the rows first (buyers stop seeing them at once), then the
    /// objects; an object left behind by a failed delete is harmless.
    async fn delete(&self, files: &[&product_file::Model]) -> Result<(), FilesError> {
        if files.is_empty() {
            return Ok(());
        }
        let txn = begin_write(&self.db).await?;
        product_file::Entity::delete_many()
            .filter(product_file::Column::Id.is_in(files.iter().map(|file| file.id)))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        self.catalog.invalidate();
        for file in files {
            self.storage.delete(&file.s3_key).await?;
        }
        Ok(())
    }

    async fn product(&self, product: Uuid) -> Result<product::Model, FilesError> {
        crate::products::by_pid(&self.db, product)
            .await?
            .ok_or(FilesError::NoSuchProduct)
    }
}
