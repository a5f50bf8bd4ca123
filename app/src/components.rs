//! Building blocks shared by pages; one component per file. The editor's (the
//! product form, media panel and uploader) are left out of the shopper's
//! browser bundle (feature `admin`).

pub mod catalog_query;
pub mod error_notice;
pub mod footer;
pub mod form_error;
pub mod gallery;
pub mod head;
pub mod header;
#[cfg(feature = "admin")]
pub mod media_panel;
pub mod pay_what_you_want;
pub mod product_card;
#[cfg(feature = "admin")]
pub mod product_form;
#[cfg(feature = "admin")]
pub mod uploader;
