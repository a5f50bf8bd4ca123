//! The signed-in state shared by the header and the account pages: one set of
//! the actions that sign in or out, and the current user, refetched whenever
//! one of them completes.

use leptos::prelude::*;

use crate::api::{
    ConfirmEmail, Register, ResetPassword, SignIn, SignInWithLink, SignOut, current_user,
};
use crate::error::AppError;
use crate::views::UserView;

/// Account actions and who is signed in.
#[derive(Clone, Copy)]
pub struct Auth {
    pub sign_in: ServerAction<SignIn>,
    pub register: ServerAction<Register>,
    pub sign_out: ServerAction<SignOut>,
    pub sign_in_with_link: ServerAction<SignInWithLink>,
    pub reset_password: ServerAction<ResetPassword>,
    pub confirm_email: ServerAction<ConfirmEmail>,
    pub user: Resource<Result<Option<UserView>, AppError>>,
}

/// Creates the shared [`Auth`] for the component tree below. Call it inside the
/// router, after `forms::provide_refused_form` (the actions take a refused
/// form's error when they are created).
pub fn provide_auth() {
    let sign_in = ServerAction::<SignIn>::new();
    let register = ServerAction::<Register>::new();
    let sign_out = ServerAction::<SignOut>::new();
    let sign_in_with_link = ServerAction::<SignInWithLink>::new();
    let reset_password = ServerAction::<ResetPassword>::new();
    let confirm_email = ServerAction::<ConfirmEmail>::new();
    let user = Resource::new(
        move || {
            (
                sign_in.version().get(),
                register.version().get(),
                sign_out.version().get(),
                sign_in_with_link.version().get(),
                reset_password.version().get(),
                confirm_email.version().get(),
            )
        },
        |_| current_user(),
    );
    provide_context(Auth {
        sign_in,
        register,
        sign_out,
        sign_in_with_link,
        reset_password,
        confirm_email,
        user,
    });
}

/// The [`Auth`] provided by the root component.
pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}
