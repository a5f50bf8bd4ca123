//! Value types that both the browser bundle and the server use, so a value parsed
//! in a form field is the same type the server checks (STYLE.md, convention 3).
//! No I/O and no heavy dependencies: this crate compiles to wasm. With the
//! `sea-orm` feature (the server's build only) the enums and `Currency` are also
//! database values, so a row, a view and a form read them the same way.

pub mod delivery;
pub mod discount;
pub mod email;
pub mod mail;
pub mod money;
pub mod order;
pub mod product;
pub mod slug;
pub mod upload;
