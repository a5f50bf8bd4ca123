//! Plain HTML forms that were refused. Without JavaScript a form posts to its
//! server function, which sends the browser back to the form's page; the server
//! hands that one next page load the error and what was typed (never passwords
//! or tokens) in a short-lived cookie it signed (`FormFlash`). Nothing of it
//! travels in the URL, so a link cannot make the store show a message it did
//! not produce.
//! The flash is rendered by the server and handed to the browser bundle with
//! the page, so hydration sees the same form.

use leptos::prelude::*;
use leptos::server::ServerActionError;
use serde::{Deserialize, Serialize};

/// What a refused plain form post left for its page: the server function's
/// path, its error (encoded as server functions encode errors) and the fields
/// as typed, passwords and tokens left out.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormFlash {
    pub path: String,
    pub error: String,
    pub fields: Vec<(String, String)>,
    /// The error in words, filled in by the server as it renders the page,
    /// so the browser needs no error decoder to show it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
}

impl FormFlash {
    /// True for fields never kept: passwords and mailed tokens.
    pub fn is_secret(field: &str) -> bool {
        field.contains("password") || field == "token"
    }
}

/// The refused form of this page load, if any.
#[derive(Clone, Debug, Default)]
struct Refused(Option<FormFlash>);

/// Reads the flash the server put in this page's request and provides it below:
/// to server actions (as their first value, so `FormError` shows it) and to
/// [`typed`]. Call it once, inside the router, before any page creates actions.
pub fn provide_refused_form() {
    let flash = SharedValue::<_, crate::codec::JsonText>::new_with_encoding(|| {
        #[cfg(feature = "ssr")]
        {
            with_context::<http::request::Parts, _>(|parts| {
                parts.extensions.get::<FormFlash>().cloned()
            })
            .flatten()
            .map(|mut flash| {
                flash.message = leptos::server_fn::error::ServerFnUrlError::<
                        crate::error::AppError,
                    >::decode_err(&flash.error)
                    .to_string();
                flash
            })
        }
        #[cfg(not(feature = "ssr"))]
        {
            None::<FormFlash>
        }
    })
    .into_inner();
    if let Some(flash) = &flash {
        provide_context(ServerActionError::new(&flash.path, &flash.error));
    }
    provide_context(Refused(flash));
}

/// What was typed into field `name` of the form posting to `path`, when that
/// form was just refused.
pub fn typed(path: &str, name: &str) -> Option<String> {
    typed_in(path)?
        .into_iter()
        .find(|(field, _)| field == name)
        .map(|(_, value)| value)
}

/// Every field typed into the form posting to `path`, when that form was just
/// refused.
pub fn typed_in(path: &str) -> Option<Vec<(String, String)>> {
    let refused = use_context::<Refused>()?.0?;
    (refused.path == path).then_some(refused.fields)
}

/// Why the plain form posting to `path` was just refused, if it was, in
/// words: for pages whose forms are plain posts (no server action needed).
pub fn refused(path: &'static str) -> Option<String> {
    let flash = use_context::<Refused>()?.0?;
    (flash.path == path).then_some(flash.message)
}
