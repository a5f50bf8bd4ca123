//! Uploads, gallery and file-version results turned into views, and their
//! errors into [`AppError`].

use domain::entities::product_file;
use domain::gallery::{GalleryError, GalleryImage};
use domain::product_files::FilesError;
use domain::uploads::{Completed, StartedUpload, UploadError};

use super::{answered, internal};
use crate::error::AppError;
use crate::views::{
    AdminFileView, AdminImageView, PartUrlView, StartedUploadView, UploadedView, format_name,
    human_size,
};

impl From<UploadError> for AppError {
    fn from(err: UploadError) -> Self {
        use UploadError as E;
        answered(match err {
            E::NoSuchProduct | E::NoSuchUpload => Self::NotFound,
            E::InvalidFilename | E::InvalidContentType | E::InvalidSize | E::UnsupportedImage => {
                Self::Validation(err.to_string())
            }
            E::Incomplete { .. } | E::SizeMismatch { .. } | E::WrongFormat { .. } => {
                Self::Conflict(err.to_string())
            }
            E::Gallery(err) => return err.into(),
            E::Storage(_) | E::Database(_) => internal(err),
        })
    }
}

impl From<GalleryError> for AppError {
    fn from(err: GalleryError) -> Self {
        use GalleryError as E;
        answered(match err {
            E::NoSuchProduct | E::NoSuchImage => Self::NotFound,
            E::InvalidAlt | E::Image(_) => Self::Validation(err.to_string()),
            E::Storage(_) | E::Database(_) => internal(err),
        })
    }
}

impl From<FilesError> for AppError {
    fn from(err: FilesError) -> Self {
        answered(match err {
            FilesError::NoSuchProduct | FilesError::NoSuchFile => Self::NotFound,
            other => internal(other),
        })
    }
}

impl From<StartedUpload> for StartedUploadView {
    fn from(started: StartedUpload) -> Self {
        Self {
            upload: started.upload.to_string(),
            part_size: started.part_size,
            parts: started
                .parts
                .into_iter()
                .map(|part| PartUrlView {
                    number: part.number,
                    url: part.url,
                })
                .collect(),
            received: started.received,
        }
    }
}

impl From<Completed> for UploadedView {
    fn from(completed: Completed) -> Self {
        match completed {
            Completed::File(file) => Self::File {
                name: file.filename,
                version: file.version,
                size_bytes: file.size_bytes,
                sha256: file.sha256,
            },
            Completed::Image(image) => Self::Image {
                image: image.pid.to_string(),
                width: image.width,
                height: image.height,
            },
        }
    }
}

/// Every stored version, each marked current when it is the newest of its
/// name; `files` are sorted by name, then version descending.
pub fn file_views(files: Vec<product_file::Model>) -> Vec<AdminFileView> {
    let mut views: Vec<AdminFileView> = Vec::with_capacity(files.len());
    for file in files {
        let current = views.last().is_none_or(|newer| newer.name != file.filename);
        views.push(AdminFileView {
            file: file.pid.to_string(),
            format: format_name(&file.content_type, &file.filename),
            size: human_size(file.size_bytes),
            version: file.version,
            current,
            sha256: file.sha256,
            uploaded_at: file.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            name: file.filename,
        });
    }
    views
}

impl From<GalleryImage> for AdminImageView {
    fn from(item: GalleryImage) -> Self {
        Self {
            image: item.image.pid.to_string(),
            url: item.thumbnail_url,
            alt: item.image.alt,
            width: item.image.width,
            height: item.image.height,
        }
    }
}
