//! Upload, gallery and file-version results turned into views, and a
//! product's files and images gathered for the editor.

use domain::gallery::GalleryImage;
use domain::product_files::FileVersion;
use domain::uploads::{Completed, Completion, StartedUpload, UploadState};

use super::AppContext;
use crate::error::AppError;
use crate::views::{
    AdminFileView, AdminImageView, AdminMediaView, PartUrlView, StartedUploadView, UploadedView,
    format_name, human_size,
};

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

impl From<Completion> for UploadedView {
    fn from(completion: Completion) -> Self {
        match completion {
            Completion::Done(completed) => completed.into(),
            Completion::Queued => Self::Processing,
        }
    }
}

impl TryFrom<UploadState> for UploadedView {
    type Error = AppError;

    /// A finished or finishing upload; one still receiving parts or cancelled
    /// is not found, a refused one is a conflict with the reason.
    fn try_from(state: UploadState) -> Result<Self, AppError> {
        match state {
            UploadState::Completing => Ok(Self::Processing),
            UploadState::Completed(completed) => Ok(completed.into()),
            UploadState::Refused(reason) => Err(AppError::Conflict(reason)),
            UploadState::Pending | UploadState::Aborted => Err(AppError::NotFound),
        }
    }
}

impl From<FileVersion> for AdminFileView {
    fn from(version: FileVersion) -> Self {
        let file = version.file;
        Self {
            file: file.pid.to_string(),
            format: format_name(&file.content_type, &file.filename),
            size: human_size(file.size_bytes),
            version: file.version,
            current: version.current,
            sha256: file.sha256,
            uploaded_at: super::when(file.created_at),
            name: file.filename,
        }
    }
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

/// Every stored file version and every image of product `product`.
pub async fn of_product(ctx: &AppContext, product: uuid::Uuid) -> Result<AdminMediaView, AppError> {
    let files = ctx.files.versions(product).await?;
    let images = ctx.gallery.of_product(product).await?;
    Ok(AdminMediaView {
        files: files.into_iter().map(Into::into).collect(),
        images: images.into_iter().map(Into::into).collect(),
    })
}
