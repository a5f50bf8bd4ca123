//! Server functions: thin adapters mounted under `/api/<endpoint>`. Each parses
//! its input, makes one domain call and returns a view.

pub mod accounts;
pub mod admin;
pub mod cart;
pub mod catalog;
pub mod customers;
pub mod mailed_links;
pub mod media;
pub mod products;
pub mod sales;
pub mod uploads;

pub use accounts::*;
pub use admin::*;
pub use cart::*;
pub use catalog::*;
pub use customers::*;
pub use mailed_links::*;
pub use media::*;
pub use products::*;
pub use sales::*;
pub use uploads::*;
