//! `/admin/outbox`: every mail the store sent or is sending, newest first, so a
//! store without SMTP still shows what went out.

use crate::components::head::Title;
use leptos::prelude::*;

use crate::api::admin_outbox;
use crate::components::error_notice::ErrorNotice;

/// The mail outbox. Admins only.
#[component]
pub fn AdminOutboxPage() -> impl IntoView {
    let mails = crate::codec::resource(|| (), |()| admin_outbox());
    view! {
        <Title text="Outbox"/>
        <div class="container">
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match mails.await {
                        Ok(mails) => view! {
                            <h1 class="page-title">"Outbox"</h1>
                            <p class="page-lead">{mails.len()} " most recent mails"</p>
                            <div class="table-scroll">
                                <table class="files__table outbox">
                                    <thead>
                                        <tr><th scope="col">"To"</th><th scope="col">"Subject"</th><th scope="col">"Status"</th><th scope="col">"Queued"</th></tr>
                                    </thead>
                                    <tbody>
                                        {mails.into_iter().map(|mail| view! {
                                            <tr>
                                                <td>{mail.to}</td>
                                                <td>
                                                    <details>
                                                        <summary>{mail.subject}</summary>
                                                        <pre class="outbox__body">{mail.text}</pre>
                                                    </details>
                                                </td>
                                                <td>{mail.status.as_str()} " (" {mail.attempts} ")"</td>
                                                <td>{mail.created_at}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}
