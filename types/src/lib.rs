//! Value types that both the browser bundle and the server use, so a value parsed
//! in a form field is the same type the server checks (STYLE.md, convention 3).
//! No I/O and no heavy dependencies: this crate compiles to wasm.

pub mod email;
pub mod money;
pub mod slug;
