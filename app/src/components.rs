//! Building blocks shared by pages; one component per file.

pub mod catalog_query;
pub mod error_notice;
pub mod footer;
pub mod form_error;
pub mod gallery;
pub mod header;
pub mod media_panel;
pub mod pay_what_you_want;
pub mod product_card;
pub mod product_form;
pub mod uploader;
