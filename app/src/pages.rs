//! One routed page per file. The account pages are left out of the shopper's
//! browser bundle (feature `account`), the admin area's out of both the
//! shopper's and the account bundle (feature `admin`); the cart, checkout's
//! return, receipts and the library are in no bundle (server-rendered plain
//! pages; the admin bundle has the receipt, which its order page shows).

#[cfg(feature = "account")]
pub mod account;
#[cfg(feature = "admin")]
pub mod admin;
#[cfg(feature = "admin")]
pub mod admin_analytics;
#[cfg(feature = "admin")]
pub mod admin_audit;
#[cfg(feature = "admin")]
pub mod admin_customers;
#[cfg(feature = "admin")]
pub mod admin_outbox;
#[cfg(feature = "admin")]
pub mod admin_products;
#[cfg(feature = "admin")]
pub mod admin_sales;
#[cfg(feature = "ssr")]
pub mod cart;
pub mod catalog;
#[cfg(feature = "account")]
pub mod mailed_links;
pub mod not_found;
#[cfg(any(feature = "ssr", feature = "admin"))]
pub mod orders;
pub mod product;
#[cfg(feature = "account")]
pub mod register;
#[cfg(feature = "account")]
pub mod sign_in;
