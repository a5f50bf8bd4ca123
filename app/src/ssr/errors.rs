//! Domain errors as the one [`AppError`] that crosses the wire. Conversions are
//! pure: the HTTP status follows from the error, set where every server
//! function's answer passes (the server's `server_fns` layer). Internal causes
//! are logged with the request id and never sent.

use domain::accounts::AccountError;
use domain::carts::CartError;
use domain::catalog::CatalogError;
use domain::delivery::DeliveryError;
use domain::discounts::DiscountError;
use domain::gallery::GalleryError;
use domain::grants::GrantError;
use domain::licenses::LicenseError;
use domain::orders::OrderError;
use domain::payments::PaymentsError;
use domain::product_files::FilesError;
use domain::products::EditorError;
use domain::uploads::UploadError;

use super::internal;
use crate::error::AppError;
use crate::views::FieldErrorView;

impl From<sea_orm::DbErr> for AppError {
    /// A database failure is internal: logged with the request id, never sent.
    fn from(err: sea_orm::DbErr) -> Self {
        internal(err)
    }
}

impl From<CatalogError> for AppError {
    fn from(err: CatalogError) -> Self {
        match err {
            CatalogError::NotFound => Self::NotFound,
            other => internal(other),
        }
    }
}

impl From<EditorError> for AppError {
    fn from(err: EditorError) -> Self {
        match err {
            EditorError::NotFound => Self::NotFound,
            EditorError::Invalid(errors) => Self::InvalidFields(
                errors
                    .into_iter()
                    .map(|e| FieldErrorView {
                        field: e.field.to_owned(),
                        message: e.message,
                    })
                    .collect(),
            ),
            EditorError::Database(err) => internal(err),
        }
    }
}

impl From<AccountError> for AppError {
    fn from(err: AccountError) -> Self {
        use AccountError as E;
        match err {
            E::InvalidEmail(_)
            | E::PasswordTooShort
            | E::PasswordTooLong
            | E::InvalidCredentials
            | E::WrongCurrentPassword
            | E::InvalidLink
            | E::CannotBlockAdmin => Self::Validation(err.to_string()),
            E::Blocked | E::LinkForBlocked => Self::Conflict(err.to_string()),
            E::EmailTaken => Self::Conflict(err.to_string()),
            E::NoSuchAccount => Self::Unauthorized,
            E::Busy { retry_after_secs } | E::TooManyAttempts { retry_after_secs } => {
                Self::TooManyRequests { retry_after_secs }
            }
            E::Database(_) | E::Hash(_) => internal(err),
        }
    }
}

impl From<UploadError> for AppError {
    fn from(err: UploadError) -> Self {
        use UploadError as E;
        match err {
            E::NoSuchProduct | E::NoSuchUpload => Self::NotFound,
            E::InvalidFilename | E::InvalidContentType | E::InvalidSize | E::UnsupportedImage => {
                Self::Validation(err.to_string())
            }
            E::Incomplete { .. } | E::SizeMismatch { .. } | E::WrongFormat { .. } => {
                Self::Conflict(err.to_string())
            }
            E::Gallery(err) => err.into(),
            E::Storage(_) | E::Database(_) => internal(err),
        }
    }
}

impl From<GalleryError> for AppError {
    fn from(err: GalleryError) -> Self {
        use GalleryError as E;
        match err {
            E::NoSuchProduct | E::NoSuchImage => Self::NotFound,
            E::InvalidAlt | E::Image(_) => Self::Validation(err.to_string()),
            E::Storage(_) | E::Database(_) => internal(err),
        }
    }
}

impl From<FilesError> for AppError {
    fn from(err: FilesError) -> Self {
        match err {
            FilesError::NoSuchProduct | FilesError::NoSuchFile => Self::NotFound,
            other => internal(other),
        }
    }
}

impl From<CartError> for AppError {
    fn from(err: CartError) -> Self {
        match err {
            CartError::NotForSale | CartError::NotInCart => Self::NotFound,
            CartError::Db(err) => internal(err),
            other => Self::Validation(other.to_string()),
        }
    }
}

impl From<DiscountError> for AppError {
    fn from(err: DiscountError) -> Self {
        Self::Validation(err.to_string())
    }
}

impl From<OrderError> for AppError {
    fn from(err: OrderError) -> Self {
        match err {
            OrderError::NotFound => Self::NotFound,
            OrderError::Db(err) => internal(err),
            OrderError::PaymentUnavailable => Self::Unavailable(err.to_string()),
            OrderError::Discount(_)
            | OrderError::Refund(_)
            | OrderError::Blocked
            | OrderError::NotPaid(_) => Self::Conflict(err.to_string()),
            other => Self::Validation(other.to_string()),
        }
    }
}

impl From<DeliveryError> for AppError {
    fn from(err: DeliveryError) -> Self {
        use DeliveryError as E;
        match err {
            E::NotFound => Self::NotFound,
            E::NotYours => Self::Forbidden,
            // The day on the store's calendar, as every page shows dates.
            E::AccessEnded(until) => Self::Conflict(domain::delivery::access_ended(
                crate::ssr::store_time::day_of(until),
            )),
            E::Unproven | E::Refunded | E::Revoked | E::NoDownloadsLeft(_) | E::NotStreamable => {
                Self::Conflict(err.to_string())
            }
            E::Db(err) => internal(err),
        }
    }
}

impl From<LicenseError> for AppError {
    fn from(err: LicenseError) -> Self {
        use LicenseError as E;
        match err {
            E::NotActivated | E::Invalid => Self::NotFound,
            E::Db(err) => internal(err),
            other => Self::Conflict(other.to_string()),
        }
    }
}

impl From<GrantError> for AppError {
    fn from(err: GrantError) -> Self {
        use GrantError as E;
        match err {
            E::NotFound => Self::NotFound,
            E::Db(err) => internal(err),
            other => Self::Validation(other.to_string()),
        }
    }
}

impl From<PaymentsError> for AppError {
    /// The payment provider's (or its sandbox's) failure is internal.
    fn from(err: PaymentsError) -> Self {
        internal(err)
    }
}
