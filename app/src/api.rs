//! Server functions: thin adapters mounted under `/api/<endpoint>`. Each parses
//! its input, makes one domain call and returns a view.

pub mod accounts;
pub mod admin;
pub mod catalog;

pub use accounts::{
    ChangePassword, Register, SignIn, SignOut, change_password, current_user, register, sign_in,
    sign_out,
};
pub use admin::admin_overview;
pub use catalog::{get_product, list_products};
