//! Downlink's user interface: the root component and its routes, pages and
//! components, and the `#[server]` functions they call. Compiled twice: with
//! `ssr` into the server, with `hydrate` into the browser bundle.

#![recursion_limit = "256"]

pub mod api;
pub mod assets;
pub mod auth;
pub mod codec;
pub mod components;
pub mod error;
pub mod forms;
pub mod html;
pub mod pages;
pub mod root;
pub mod views;

#[cfg(feature = "ssr")]
pub mod ssr;

pub use root::App;
#[cfg(feature = "ssr")]
pub use root::shell;
