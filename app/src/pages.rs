//! One routed page per file.

pub mod account;
pub mod admin;
pub mod admin_outbox;
pub mod admin_products;
pub mod catalog;
pub mod mailed_links;
pub mod not_found;
pub mod product;
pub mod register;
pub mod sign_in;
