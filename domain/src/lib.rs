//! Downlink's business: entities, services and the ports to the outside world
//! (database, object storage, clock). No HTTP and no Leptos live here, so the
//! rules can be tested with `cargo test -p domain` alone.

pub mod accounts;
pub mod admin;
pub mod analytics;
pub mod audit;
pub mod batch;
pub mod carts;
pub mod catalog;
pub mod clock;
pub mod customers;
pub mod dashboard;
pub mod db;
pub mod delivery;
pub mod demo;
pub mod discounts;
pub mod entities;
pub mod exports;
pub mod gallery;
pub mod grants;
pub mod images;
pub mod licenses;
pub mod mail;
pub mod markdown;
pub mod orders;
pub mod page_views;
pub use types::money;
pub mod payments;
pub mod periodic;
pub mod product_files;
pub mod products;
pub mod rate_limit;
pub mod secret;
pub mod sessions;
pub mod storage;
pub mod uploads;
