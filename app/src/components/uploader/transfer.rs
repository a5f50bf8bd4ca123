//! The browser side of a direct upload: ask the server for presigned part URLs
//! (or, for a file picked again after an interruption, which parts S3 already
//! holds), PUT the parts straight to S3 a few at a time, retry a failed part,
//! report progress byte by byte, and ask the server to complete.
//!
//! Parts go through `XMLHttpRequest` rather than `fetch` (or gloo-net, which
//! wraps it): only XHR reports upload progress as bytes leave the browser.

use futures_channel::{mpsc, oneshot};
use futures_util::StreamExt;
use futures_util::future::{self, Either, try_join_all};
use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{File, ProgressEvent, XmlHttpRequest};

use crate::api::{cancel_upload, complete_upload, resume_upload, start_upload, upload_outcome};
use crate::error::AppError;
use crate::views::{StartedUploadView, UploadPurpose, UploadedView};

/// Parts in flight at once.
const PARALLEL_PARTS: usize = 3;
/// How often a file the server checks in the background is asked after.
const CHECK_POLL_MS: i32 = 1_000;
/// Waits before each retry of a failed part, in milliseconds.
const RETRY_DELAYS_MS: [i32; 3] = [500, 1_000, 2_000];

/// What the person asks of an upload in progress or paused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    Resume,
    Cancel,
}

/// How an attempt ended.
#[derive(Debug)]
pub enum Outcome {
    Done(UploadedView),
    Canceled,
    /// The connection dropped (parts still fail after retries): resumable.
    Dropped,
    /// The server refused (a wrong format, a lost session…): not resumable.
    Failed(String),
}

/// One attempt at sending `file`: resumes the upload remembered for this file,
/// or starts one. `progress` gets the bytes S3 has so far; `checking` is called
/// when every byte is there and the server is checking the file.
pub async fn attempt(
    file: &File,
    product: &str,
    purpose: UploadPurpose,
    progress: Rc<dyn Fn(u64)>,
    checking: Rc<dyn Fn()>,
    commands: &mut mpsc::UnboundedReceiver<Command>,
) -> Outcome {
    let memo = memo_key(file, product, purpose);
    let plan = match plan(file, product, purpose, &memo).await {
        Ok(plan) => plan,
        Err(AppError::Network) => return Outcome::Dropped,
        Err(error) => return Outcome::Failed(error.to_string()),
    };
    remember(&memo, Some(&plan.upload));
    let size = file.size() as u64;
    let part_len = |number: i32| {
        let start = (number as u64 - 1) * plan.part_size;
        plan.part_size.min(size.saturating_sub(start))
    };
    let already: u64 = plan.received.iter().map(|n| part_len(*n)).sum();
    let in_flight: Rc<RefCell<HashMap<i32, u64>>> = Rc::default();
    let report: Rc<dyn Fn()> = {
        let in_flight = in_flight.clone();
        Rc::new(move || progress(already + in_flight.borrow().values().sum::<u64>()))
    };
    report();
    let queue = Rc::new(RefCell::new(VecDeque::from(plan.parts.clone())));
    let workers = (0..PARALLEL_PARTS).map(|_| {
        let (queue, in_flight, report) = (queue.clone(), in_flight.clone(), report.clone());
        let plan = &plan;
        async move {
            loop {
                let Some(part) = queue.borrow_mut().pop_front() else {
                    return Ok(());
                };
                let start = (part.number as u64 - 1) * plan.part_size;
                let end = start + part_len(part.number);
                let blob = file
                    .slice_with_f64_and_f64(start as f64, end as f64)
                    .map_err(|_| ())?;
                let mut delays = RETRY_DELAYS_MS.iter();
                loop {
                    let sent = {
                        let (in_flight, report) = (in_flight.clone(), report.clone());
                        move |loaded: u64| {
                            in_flight.borrow_mut().insert(part.number, loaded);
                            report();
                        }
                    };
                    match put(&part.url, &blob, sent).await {
                        Ok(()) => {
                            in_flight.borrow_mut().insert(part.number, end - start);
                            report();
                            break;
                        }
                        Err(()) => {
                            in_flight.borrow_mut().remove(&part.number);
                            report();
                            match delays.next() {
                                Some(ms) => sleep(*ms).await,
                                None => return Err(()),
                            }
                        }
                    }
                }
            }
        }
    });
    let sending = try_join_all(workers);
    let cancel = async {
        while let Some(command) = commands.next().await {
            if command == Command::Cancel {
                return;
            }
        }
        future::pending::<()>().await;
    };
    futures_util::pin_mut!(sending, cancel);
    match future::select(sending, cancel).await {
        Either::Left((Ok(_), _)) => {}
        Either::Left((Err(()), _)) => return Outcome::Dropped,
        Either::Right(((), _)) => {
            // Dropping the workers aborted the requests in flight.
            remember(&memo, None);
            return match cancel_upload(plan.upload.clone()).await {
                Ok(()) | Err(AppError::NotFound) => Outcome::Canceled,
                Err(error) => Outcome::Failed(error.to_string()),
            };
        }
    }
    checking();
    let mut answer = complete_upload(plan.upload.clone()).await;
    // A large file is checked in the background: ask until it is done.
    while matches!(answer, Ok(UploadedView::Processing)) {
        sleep(CHECK_POLL_MS).await;
        answer = match upload_outcome(plan.upload.clone()).await {
            Err(AppError::Network) => Ok(UploadedView::Processing),
            other => other,
        };
    }
    match answer {
        Ok(done) => {
            remember(&memo, None);
            Outcome::Done(done)
        }
        Err(AppError::Network) => Outcome::Dropped,
        Err(error) => {
            remember(&memo, None);
            Outcome::Failed(error.to_string())
        }
    }
}

/// Cancels the upload remembered for `file`, if any (after it was paused).
pub async fn forget(file: &File, product: &str, purpose: UploadPurpose) {
    let memo = memo_key(file, product, purpose);
    if let Some(upload) = recalled(&memo) {
        remember(&memo, None);
        // S3 keeps nothing for long either way: stale uploads are aborted.
        let _ = cancel_upload(upload).await;
    }
}

async fn plan(
    file: &File,
    product: &str,
    purpose: UploadPurpose,
    memo: &str,
) -> Result<StartedUploadView, AppError> {
    if let Some(upload) = recalled(memo) {
        match resume_upload(upload).await {
            Ok(plan) => return Ok(plan),
            Err(AppError::NotFound) => remember(memo, None),
            Err(error) => return Err(error),
        }
    }
    let content_type = match file.type_() {
        kind if kind.is_empty() => "application/octet-stream".to_owned(),
        kind => kind,
    };
    start_upload(
        product.to_owned(),
        purpose,
        file.name(),
        content_type,
        file.size() as u64,
    )
    .await
}

/// The key under which a started upload of this very file is remembered, so
/// picking it again after a reload resumes instead of starting over.
fn memo_key(file: &File, product: &str, purpose: UploadPurpose) -> String {
    format!(
        "downlink.upload:{product}:{}:{}:{}:{}",
        purpose.as_str(),
        file.name(),
        file.size(),
        file.last_modified()
    )
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn recalled(memo: &str) -> Option<String> {
    local_storage()?.get_item(memo).ok()?
}

fn remember(memo: &str, upload: Option<&str>) {
    if let Some(storage) = local_storage() {
        let _ = match upload {
            Some(upload) => storage.set_item(memo, upload),
            None => storage.remove_item(memo),
        };
    }
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// PUTs `body` to a presigned URL, reporting bytes sent; aborts the request
/// when dropped.
fn put(url: &str, body: &web_sys::Blob, sent: impl Fn(u64) + 'static) -> PartRequest {
    let (done, finished) = oneshot::channel();
    let done = Rc::new(RefCell::new(Some(done)));
    let xhr = XmlHttpRequest::new().ok();
    let mut request = PartRequest {
        xhr: None,
        finished,
        _closures: Vec::new(),
    };
    let Some(xhr) = xhr else {
        return request;
    };
    let on_progress = Closure::<dyn Fn(ProgressEvent)>::new(move |event: ProgressEvent| {
        sent(event.loaded() as u64);
    });
    let on_end = {
        let (xhr, done) = (xhr.clone(), done.clone());
        Closure::<dyn Fn()>::new(move || {
            let ok = (200..300).contains(&xhr.status().unwrap_or_default());
            if let Some(done) = done.borrow_mut().take() {
                let _ = done.send(if ok { Ok(()) } else { Err(()) });
            }
        })
    };
    let on_error = Closure::<dyn Fn()>::new(move || {
        if let Some(done) = done.borrow_mut().take() {
            let _ = done.send(Err(()));
        }
    });
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    }
    xhr.set_onload(Some(on_end.as_ref().unchecked_ref()));
    xhr.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    xhr.set_ontimeout(Some(on_error.as_ref().unchecked_ref()));
    if xhr.open("PUT", url).is_ok() && xhr.send_with_opt_blob(Some(body)).is_ok() {
        request.xhr = Some(xhr);
    }
    request._closures = vec![
        on_progress.into_js_value(),
        on_end.into_js_value(),
        on_error.into_js_value(),
    ];
    request
}

/// A part on its way to S3.
struct PartRequest {
    /// None when the request could not even be sent.
    xhr: Option<XmlHttpRequest>,
    finished: oneshot::Receiver<Result<(), ()>>,
    /// The event handlers, alive as long as the request.
    _closures: Vec<wasm_bindgen::JsValue>,
}

impl Future for PartRequest {
    type Output = Result<(), ()>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if self.xhr.is_none() {
            return Poll::Ready(Err(()));
        }
        match Pin::new(&mut self.finished).poll(cx) {
            Poll::Ready(result) => {
                self.xhr = None;
                Poll::Ready(result.unwrap_or(Err(())))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl Drop for PartRequest {
    fn drop(&mut self) {
        if let Some(xhr) = self.xhr.take() {
            let _ = xhr.abort();
        }
    }
}
