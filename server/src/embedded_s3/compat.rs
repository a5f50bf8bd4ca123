//! `s3s-fs` answering as S3 does. The store relies on S3's answers: an upload
//! id S3 does not know (aborted, or already joined) is `NoSuchUpload` (404).
//! `s3s-fs` answers `AccessDenied` instead, because it checks that the upload
//! belongs to the caller's access key; the embedded endpoint has one key, so
//! there that answer always means "no such upload", and it is given as such.

use s3s::dto::{
    AbortMultipartUploadInput, AbortMultipartUploadOutput, CompleteMultipartUploadInput,
    CompleteMultipartUploadOutput, CreateBucketInput, CreateBucketOutput,
    CreateMultipartUploadInput, CreateMultipartUploadOutput, DeleteObjectInput, DeleteObjectOutput,
    GetObjectInput, GetObjectOutput, HeadBucketInput, HeadBucketOutput, HeadObjectInput,
    HeadObjectOutput, ListBucketsInput, ListBucketsOutput, ListObjectsV2Input, ListObjectsV2Output,
    ListPartsInput, ListPartsOutput, PutObjectInput, PutObjectOutput, UploadPartInput,
    UploadPartOutput,
};
use s3s::{S3, S3ErrorCode, S3Request, S3Response, S3Result, s3_error};

/// The file-system backend with S3's error codes.
pub struct Compatible(pub s3s_fs::FileSystem);

/// `AccessDenied` from the backend means the upload id is unknown.
fn as_s3<T>(answer: S3Result<T>) -> S3Result<T> {
    answer.map_err(|err| match err.code() {
        S3ErrorCode::AccessDenied => {
            s3_error!(NoSuchUpload, "The specified upload does not exist.")
        }
        _ => err,
    })
}

macro_rules! delegate {
    ($($op:ident($input:ident) -> $output:ident;)*) => {
        #[async_trait::async_trait]
        impl S3 for Compatible {
            $(
                async fn $op(&self, req: S3Request<$input>) -> S3Result<S3Response<$output>> {
                    as_s3(self.0.$op(req).await)
                }
            )*
        }
    };
}

delegate! {
    create_bucket(CreateBucketInput) -> CreateBucketOutput;
    head_bucket(HeadBucketInput) -> HeadBucketOutput;
    list_buckets(ListBucketsInput) -> ListBucketsOutput;
    list_objects_v2(ListObjectsV2Input) -> ListObjectsV2Output;
    put_object(PutObjectInput) -> PutObjectOutput;
    get_object(GetObjectInput) -> GetObjectOutput;
    head_object(HeadObjectInput) -> HeadObjectOutput;
    delete_object(DeleteObjectInput) -> DeleteObjectOutput;
    create_multipart_upload(CreateMultipartUploadInput) -> CreateMultipartUploadOutput;
    upload_part(UploadPartInput) -> UploadPartOutput;
    list_parts(ListPartsInput) -> ListPartsOutput;
    complete_multipart_upload(CompleteMultipartUploadInput) -> CompleteMultipartUploadOutput;
    abort_multipart_upload(AbortMultipartUploadInput) -> AbortMultipartUploadOutput;
}
