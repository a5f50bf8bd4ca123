//! `/admin/audit`: every admin action — who, when, what, and the state
//! before and after — newest first, filtered by a plain GET form.

use crate::components::head::Title;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::admin_audit;
use crate::components::error_notice::ErrorNotice;

/// The audit log.
#[component]
pub fn AdminAuditPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |name: &str| query.read().get(name);
    let entries = crate::codec::resource(
        move || {
            (
                get("action"),
                get("actor"),
                get("subject"),
                get("from"),
                get("until"),
            )
        },
        |(action, actor, subject, from, until)| admin_audit(action, actor, subject, from, until),
    );
    view! {
        <Title text="Audit log"/>
        <div class="container">
            <h1 class="page-title">"Audit log"</h1>
            <form class="form form--inline form--filters" method="get" action="/admin/audit">
                <label for="action">"Action"</label>
                <input id="action" name="action" placeholder="order.refund" value=move || get("action")/>
                <label for="actor">"Admin"</label>
                <input id="actor" name="actor" value=move || get("actor")/>
                <label for="subject">"Subject"</label>
                <input id="subject" name="subject" value=move || get("subject")/>
                <label for="from">"From"</label>
                <input id="from" name="from" type="date" value=move || get("from")/>
                <label for="until">"Until"</label>
                <input id="until" name="until" type="date" value=move || get("until")/>
                <button class="button button--quiet" type="submit">"Filter"</button>
            </form>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match entries.await {
                        Ok(entries) if entries.is_empty() => view! { <p>"No admin action matches."</p> }.into_any(),
                        Ok(entries) => view! {
                            <div class="table-scroll">
                            <table class="files__table audit">
                                <thead><tr><th scope="col">"When"</th><th scope="col">"Admin"</th><th scope="col">"Action"</th><th scope="col">"Subject"</th><th scope="col">"Before"</th><th scope="col">"After"</th></tr></thead>
                                <tbody>
                                    {entries.into_iter().map(|e| view! {
                                        <tr>
                                            <td>{e.at}</td>
                                            <td>{e.actor}</td>
                                            <td><code>{e.action}</code></td>
                                            <td>{e.subject}</td>
                                            <td class="audit__state">{e.before.unwrap_or_default()}</td>
                                            <td class="audit__state">{e.after.unwrap_or_default()}</td>
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
