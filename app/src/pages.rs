//! One routed page per file. The account pages are left out of the shopper's
//! browser bundle (feature `account`), the admin area's out of both the
//! shopper's and the account bundle (feature `admin`).

#[cfg(feature = "account")]
pub mod account;
#[cfg(feature = "admin")]
pub mod admin;
#[cfg(feature = "admin")]
pub mod admin_outbox;
#[cfg(feature = "admin")]
pub mod admin_products;
pub mod catalog;
#[cfg(feature = "account")]
pub mod mailed_links;
pub mod not_found;
pub mod product;
#[cfg(feature = "account")]
pub mod register;
#[cfg(feature = "account")]
pub mod sign_in;
