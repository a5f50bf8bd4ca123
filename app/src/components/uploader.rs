//! A file picker that uploads what is picked straight to S3, one progress row
//! per file: a bar, bytes sent, speed and time left, with Cancel, and Resume
//! when the connection dropped. Needs JavaScript: until the page is hydrated
//! the picker is disabled and says so.

use leptos::prelude::*;

use crate::views::UploadPurpose;

#[cfg(feature = "hydrate")]
mod transfer;

/// Where an upload stands, as its row shows it.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(
    not(feature = "hydrate"),
    expect(dead_code, reason = "rows exist only in the browser")
)]
enum Phase {
    Sending,
    /// Every byte is in S3; the server is joining and checking the file.
    Checking,
    /// Parts kept failing: waiting for the person to resume.
    Paused,
    Done(String),
    Failed(String),
    Canceled,
}

/// One picked file's progress.
#[derive(Clone)]
struct Row {
    name: String,
    total: u64,
    sent: RwSignal<u64>,
    /// Bytes per second, smoothed.
    rate: RwSignal<f64>,
    phase: RwSignal<Phase>,
    #[cfg(feature = "hydrate")]
    commands: futures_channel::mpsc::UnboundedSender<transfer::Command>,
}

/// Uploads picked files for product `product` as downloadable files or
/// gallery images (`purpose`); calls `on_done` after each completed upload.
#[component]
pub fn Uploader(
    product: String,
    purpose: UploadPurpose,
    label: &'static str,
    #[prop(default = "")] accept: &'static str,
    on_done: Callback<()>,
) -> impl IntoView {
    let rows = RwSignal::new(Vec::<Row>::new());
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let id = format!("upload-{}", purpose.as_str());
    #[cfg(feature = "hydrate")]
    let picked = {
        let product = product.clone();
        move |event: leptos::ev::Event| {
            use wasm_bindgen::JsCast;
            let Some(input) = event
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            let Some(files) = input.files() else { return };
            for index in 0..files.length() {
                if let Some(file) = files.get(index) {
                    rows.update(|rows| rows.push(begin(file, product.clone(), purpose, on_done)));
                }
            }
            input.set_value("");
        }
    };
    #[cfg(not(feature = "hydrate"))]
    let picked = {
        let _ = (&product, on_done);
        |_: leptos::ev::Event| {}
    };
    view! {
        <div class="uploader">
            <label for=id.clone()>{label}</label>
            <input id=id type="file" multiple accept=accept disabled=move || !hydrated.get() on:change=picked/>
            <p class="form__hint" hidden=move || hydrated.get()>"Uploading files needs JavaScript."</p>
            <ul class="uploader__rows">
                <For each=move || rows.get().into_iter().enumerate() key=|(i, _)| *i let:((_, row))>
                    <UploadRow row/>
                </For>
            </ul>
        </div>
    }
}

#[component]
fn UploadRow(row: Row) -> impl IntoView {
    let Row {
        name,
        total,
        sent,
        rate,
        phase,
        ..
    } = row.clone();
    #[cfg(not(feature = "hydrate"))]
    let _ = row;
    let status = move || match phase.get() {
        Phase::Sending => sending_status(sent.get(), total, rate.get()),
        Phase::Checking => "All sent. Checking the file…".to_owned(),
        Phase::Paused => "Connection lost. Resume to send the rest.".to_owned(),
        Phase::Done(summary) => summary,
        Phase::Failed(reason) => reason,
        Phase::Canceled => "Canceled.".to_owned(),
    };
    let class = move || match phase.get() {
        Phase::Failed(_) => "uploader__row uploader__row--failed",
        Phase::Done(_) => "uploader__row uploader__row--done",
        _ => "uploader__row",
    };
    #[cfg(feature = "hydrate")]
    let command = {
        let commands = StoredValue::new(row.commands);
        move |command: transfer::Command| {
            commands.with_value(|commands| {
                let _ = commands.unbounded_send(command);
            });
        }
    };
    #[cfg(not(feature = "hydrate"))]
    let command = |_: ()| {};
    #[cfg(feature = "hydrate")]
    let (resume, cancel) = (transfer::Command::Resume, transfer::Command::Cancel);
    #[cfg(not(feature = "hydrate"))]
    let (resume, cancel) = ((), ());
    view! {
        <li class=class>
            <span class="uploader__name">{name.clone()}</span>
            <progress max=total.max(1).to_string() value=move || sent.get().to_string() aria-label=format!("Upload of {name}")></progress>
            <span class="uploader__status" role="status">{status}</span>
            <span class="uploader__actions">
                <Show when=move || phase.get() == Phase::Paused>
                    <button type="button" class="button" on:click=move |_| command(resume)>"Resume"</button>
                </Show>
                <Show when=move || matches!(phase.get(), Phase::Sending | Phase::Paused)>
                    <button type="button" class="button button--secondary" on:click=move |_| command(cancel)>"Cancel"</button>
                </Show>
            </span>
        </li>
    }
}

/// `42% · 12 MB of 29 MB · 8.1 MB/s · 2 s left`.
fn sending_status(sent: u64, total: u64, rate: f64) -> String {
    let percent = (sent * 100).checked_div(total).unwrap_or(0);
    let mut status = format!(
        "{percent}% · {} of {}",
        crate::views::human_size(i64::try_from(sent).unwrap_or(i64::MAX)),
        crate::views::human_size(i64::try_from(total).unwrap_or(i64::MAX)),
    );
    if rate >= 1.0 && sent < total {
        let speed = crate::views::human_size(rate as i64);
        let left = ((total - sent) as f64 / rate).ceil() as u64;
        status.push_str(&format!(" · {speed}/s · {} left", duration(left)));
    }
    status
}

/// `45 s`, `3 min 5 s`, `2 h 10 min`.
fn duration(secs: u64) -> String {
    match secs {
        0..60 => format!("{secs} s"),
        60..3600 => format!("{} min {} s", secs / 60, secs % 60),
        _ => format!("{} h {} min", secs / 3600, secs % 3600 / 60),
    }
}

/// Starts sending `file` in the background and returns its row.
#[cfg(feature = "hydrate")]
fn begin(
    file: web_sys::File,
    product: String,
    purpose: UploadPurpose,
    on_done: Callback<()>,
) -> Row {
    use std::rc::Rc;
    use transfer::{Command, Outcome};

    let (commands, mut received) = futures_channel::mpsc::unbounded();
    let row = Row {
        name: file.name(),
        total: file.size() as u64,
        sent: RwSignal::new(0),
        rate: RwSignal::new(0.0),
        phase: RwSignal::new(Phase::Sending),
        commands,
    };
    let (sent, rate, phase) = (row.sent, row.rate, row.phase);
    // Speed is measured over at least half a second and smoothed.
    let sample = Rc::new(std::cell::Cell::new((js_sys::Date::now(), 0u64)));
    let progress: Rc<dyn Fn(u64)> = Rc::new(move |bytes: u64| {
        sent.set(bytes);
        let (then, before) = sample.get();
        let now = js_sys::Date::now();
        if now - then >= 500.0 {
            let measured = bytes.saturating_sub(before) as f64 / ((now - then) / 1000.0);
            let old = rate.get_untracked();
            rate.set(if old == 0.0 {
                measured
            } else {
                0.6 * old + 0.4 * measured
            });
            sample.set((now, bytes));
        }
    });
    leptos::task::spawn_local(async move {
        loop {
            phase.set(Phase::Sending);
            let checking: Rc<dyn Fn()> = Rc::new(move || phase.set(Phase::Checking));
            match transfer::attempt(
                &file,
                &product,
                purpose,
                progress.clone(),
                checking,
                &mut received,
            )
            .await
            {
                Outcome::Done(done) => {
                    sent.set(file.size() as u64);
                    phase.set(Phase::Done(done_summary(&done)));
                    on_done.run(());
                    return;
                }
                Outcome::Canceled => return phase.set(Phase::Canceled),
                Outcome::Failed(reason) => return phase.set(Phase::Failed(reason)),
                Outcome::Dropped => {
                    phase.set(Phase::Paused);
                    rate.set(0.0);
                    match futures_util::StreamExt::next(&mut received).await {
                        Some(Command::Resume) => continue,
                        Some(Command::Cancel) | None => {
                            transfer::forget(&file, &product, purpose).await;
                            return phase.set(Phase::Canceled);
                        }
                    }
                }
            }
        }
    });
    row
}

#[cfg(feature = "hydrate")]
fn done_summary(done: &crate::views::UploadedView) -> String {
    use crate::views::UploadedView;
    match done {
        UploadedView::File { version: 1, .. } => "Uploaded.".to_owned(),
        UploadedView::File { version, .. } => format!("Uploaded as version {version}."),
        UploadedView::Image { width, height, .. } => {
            format!("Uploaded: {width} × {height} pixels, thumbnails made.")
        }
        UploadedView::Processing => "All sent. Checking the file…".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_reads_as_share_size_speed_and_time_left() {
        assert_eq!(
            sending_status(12_000_000, 30_000_000, 6_000_000.0),
            "40% · 12 MB of 30 MB · 6.0 MB/s · 3 s left"
        );
        assert_eq!(sending_status(0, 5_000, 0.0), "0% · 0 B of 5.0 kB");
    }

    #[test]
    fn durations_read_in_the_largest_units() {
        assert_eq!(duration(45), "45 s");
        assert_eq!(duration(185), "3 min 5 s");
        assert_eq!(duration(7_800), "2 h 10 min");
    }
}
