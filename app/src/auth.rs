//! The signed-in state: who is signed in (shown by the header on every page)
//! and, with the account pages (feature `account`), one set of the actions
//! that sign in or out, after any of which the user is fetched again.

use leptos::prelude::*;

use crate::api::current_user;
use crate::error::AppError;
use crate::views::UserView;

/// Who is signed in.
#[derive(Clone, Copy)]
pub struct Auth {
    pub user: crate::codec::Data<Result<Option<UserView>, AppError>>,
}

/// The actions that sign in or out, shared by the account pages.
#[cfg(feature = "account")]
#[derive(Clone, Copy)]
pub struct AccountActions {
    pub sign_in: ServerAction<crate::api::SignIn>,
    pub register: ServerAction<crate::api::Register>,
    pub sign_out: ServerAction<crate::api::SignOut>,
    pub sign_in_with_link: ServerAction<crate::api::SignInWithLink>,
    pub reset_password: ServerAction<crate::api::ResetPassword>,
    pub confirm_email: ServerAction<crate::api::ConfirmEmail>,
}

#[cfg(feature = "account")]
impl AccountActions {
    fn new() -> Self {
        Self {
            sign_in: ServerAction::new(),
            register: ServerAction::new(),
            sign_out: ServerAction::new(),
            sign_in_with_link: ServerAction::new(),
            reset_password: ServerAction::new(),
            confirm_email: ServerAction::new(),
        }
    }

    /// Changes whenever one of the actions completes.
    fn versions(&self) -> [usize; 6] {
        [
            self.sign_in.version().get(),
            self.register.version().get(),
            self.sign_out.version().get(),
            self.sign_in_with_link.version().get(),
            self.reset_password.version().get(),
            self.confirm_email.version().get(),
        ]
    }
}

/// Creates the shared [`Auth`] (and, with the account pages, their actions)
/// for the component tree below. Call it inside the router, after
/// `forms::provide_refused_form` (the actions take a refused form's error when
/// they are created).
pub fn provide_auth() {
    #[cfg(feature = "account")]
    let versions = {
        let actions = AccountActions::new();
        provide_context(actions);
        move || actions.versions()
    };
    #[cfg(not(feature = "account"))]
    let versions = || ();
    let user = crate::codec::resource(versions, |_| current_user());
    provide_context(Auth { user });
}

/// The [`Auth`] provided by the root component.
pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}

/// The account pages' actions, provided by the root component.
#[cfg(feature = "account")]
pub fn use_account_actions() -> AccountActions {
    expect_context::<AccountActions>()
}
