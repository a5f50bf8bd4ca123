//! sea-orm entities: one file per table. They never cross the wire; the app maps
//! them to view types.

pub mod audit_entry;
pub mod cart;
pub mod cart_item;
pub mod delivery;
pub mod discount_code;
pub mod entitlement;
pub mod license_activation;
pub mod license_key;
pub mod login_token;
pub mod mail;
pub mod order;
pub mod order_item;
pub mod payment_event;
pub mod product;
pub mod product_file;
pub mod product_image;
pub mod product_view;
pub mod refund;
pub mod secret;
pub mod session;
pub mod upload;
pub mod user;
