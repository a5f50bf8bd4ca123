//! API tests: the real server on random ports, with a temporary data dir, the
//! embedded S3 endpoint and a fresh database, once on SQLite and once on
//! PostgreSQL.

#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on any unexpected error"
)]

mod helpers;

mod mailed_links;

mod accounts;
mod admin_only;
mod analytics;
mod audit;
mod catalog;
mod checkout;
mod cli;
mod completion;
mod customers;
mod dashboard;
mod delivery;
mod editor;
mod exports;
mod external_s3;
mod forms;
mod health;
mod licenses;
mod media;
mod pages;
mod payments;
mod proxies;
mod search;
mod security;
mod sessions;
mod smtp;
mod storage;
mod store_time;
mod takeover;
mod uploads;
