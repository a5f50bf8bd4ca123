//! sea-orm entities: one file per table. They never cross the wire; the app maps
//! them to view types.

pub mod login_token;
pub mod mail;
pub mod payment_event;
pub mod product;
pub mod product_file;
pub mod product_image;
pub mod secret;
pub mod session;
pub mod upload;
pub mod user;
