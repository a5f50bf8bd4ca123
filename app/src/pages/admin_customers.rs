//! `/admin/customers` (search by address or order number) and
//! `/admin/customers/:id` (orders, purchases with their license activations,
//! downloads, devices; resend a receipt or a sign-in link; block). Forms are
//! plain posts, so both pages work without JavaScript.

use crate::components::head::Title;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::{BlockCustomer, ResendReceipt, SendSignInLink, admin_customer, admin_customers};
use crate::components::error_notice::ErrorNotice;
use crate::components::form_error::FormError;
use crate::pages::admin_sales::DeliveryTable;
use crate::views::{BlockChange, CustomerRowView, CustomerView};

/// `/admin/customers?q=…`.
#[component]
pub fn AdminCustomersPage() -> impl IntoView {
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let customers = crate::codec::resource(move || query.read().get("q"), admin_customers);
    view! {
        <Title text="Customers"/>
        <div class="container">
            <p><a href="/admin">"← Admin"</a></p>
            <h1 class="page-title">"Customers"</h1>
            <form class="form form--inline form--filters" method="get" action="/admin/customers">
                <label for="q">"Email or order number"</label>
                <input id="q" name="q" type="search" value=q/>
                <button class="button button--quiet" type="submit">"Search"</button>
            </form>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match customers.await {
                        Ok(list) => view! {
                            <p class="page-lead">{count_words(list.total, list.customers.len())}</p>
                            <div class="table-scroll">
                            <table class="files__table customers">
                                <thead><tr><th scope="col">"Customer"</th><th scope="col">"Joined"</th><th scope="col" class="num">"Orders"</th><th scope="col" class="num">"Spent"</th><th scope="col">"State"</th></tr></thead>
                                <tbody>
                                    {list.customers.into_iter().map(|c| view! {
                                        <tr>
                                            <td><a href=format!("/admin/customers/{}", c.customer)>{c.email.clone()}</a></td>
                                            <td>{c.joined.clone()}</td>
                                            <td class="num">{c.orders}</td>
                                            <td class="num">{c.spent.clone()}</td>
                                            <td>{state_words(&c)}</td>
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

/// "3 customers", or "100 of 2,345 customers (the newest)".
fn count_words(total: u64, shown: usize) -> String {
    let noun = if total == 1 { "customer" } else { "customers" };
    if usize::try_from(total).is_ok_and(|t| t > shown) {
        format!("The newest {shown} of {total} {noun}")
    } else {
        format!("{total} {noun}")
    }
}

/// "Blocked", "Unconfirmed address", "Active".
fn state_words(c: &CustomerRowView) -> &'static str {
    match (&c.blocked, c.verified) {
        (Some(_), _) => "Blocked",
        (None, false) => "Unconfirmed address",
        (None, true) => "Active",
    }
}

/// `/admin/customers/:id`.
#[component]
pub fn AdminCustomerPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let customer = crate::codec::resource(
        move || params.read().get("id").unwrap_or_default(),
        admin_customer,
    );
    // Refused posts come back here with their error.
    let (receipt, link, block) = (
        ServerAction::<ResendReceipt>::new(),
        ServerAction::<SendSignInLink>::new(),
        ServerAction::<BlockCustomer>::new(),
    );
    let error = Signal::derive(move || {
        [
            receipt.value().get(),
            link.value().get(),
            block.value().get(),
        ]
        .into_iter()
        .flatten()
        .find_map(Result::err)
    });
    let news = move || {
        let q = query.read();
        match (
            q.get("sent").as_deref(),
            q.get("blocked"),
            q.get("unblocked"),
        ) {
            (Some("receipt"), ..) => Some("The receipt is on its way again."),
            (Some("link"), ..) => Some("A sign-in link is on its way."),
            (_, Some(_), _) => Some(
                "Blocked: they can no longer sign in, and every device they were signed in on is signed out.",
            ),
            (_, _, Some(_)) => Some("Unblocked: they can sign in again."),
            _ => None,
        }
    };
    view! {
        <Title text="Customer"/>
        <div class="container">
            <p><a href="/admin/customers">"← Customers"</a></p>
            {move || news().map(|news| view! { <p class="notice notice--ok" role="status">{news}</p> })}
            <FormError error/>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match customer.await {
                        Ok(customer) => view! { <CustomerDetails customer/> }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn CustomerDetails(customer: CustomerView) -> impl IntoView {
    let CustomerView {
        customer: row,
        has_password,
        devices,
        orders,
        purchases,
        downloads,
    } = customer;
    let pid = row.customer.clone();
    let (resend, link, block) = (
        <ResendReceipt as ServerFn>::PATH,
        <SendSignInLink as ServerFn>::PATH,
        <BlockCustomer as ServerFn>::PATH,
    );
    let blocked = row.blocked.is_some();
    let sign_in = if has_password {
        "Signs in with a password or a mailed link"
    } else {
        "Signs in with mailed links (no password)"
    };
    let devices = match devices {
        1 => "1 browser signed in".to_owned(),
        n => format!("{n} browsers signed in"),
    };
    view! {
        <h1 class="page-title">{row.email.clone()}</h1>
        <p class="page-lead">
            {format!("Customer since {} · {} · {}", row.joined, state_words(&row), sign_in)}
            <br/>
            {format!("{} paid orders · spent {} · {devices}", row.orders, row.spent)}
            {row.blocked.clone().map(|at| format!(" · blocked {at}"))}
        </p>
        <div class="customer-actions">
            {(!blocked).then(|| view! {
                <form class="form--inline" method="post" action=link>
                    <input type="hidden" name="customer" value=pid.clone()/>
                    <button class="button button--quiet" type="submit">"Email a sign-in link"</button>
                </form>
            })}
            <form class="form--inline" method="post" action=block>
                <input type="hidden" name="customer" value=pid.clone()/>
                <input type="hidden" name="action" value=if blocked { BlockChange::Unblock.as_str() } else { BlockChange::Block.as_str() }/>
                {if blocked {
                    view! { <button class="button button--quiet" type="submit">"Unblock"</button> }.into_any()
                } else {
                    view! { <button class="button button--danger" type="submit">"Block this customer"</button> }.into_any()
                }}
            </form>
        </div>
        {(!blocked).then(|| view! {
            <p class="form__hint">"Blocking refuses sign-in and signs them out everywhere; their orders, purchases and keys stay."</p>
        })}
        <section class="panel panel--wide">
            <h2>"Orders"</h2>
            {if orders.is_empty() {
                view! { <p>"No orders yet."</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                    <table class="files__table orders customer-orders">
                        <thead><tr><th scope="col">"Order"</th><th scope="col">"Status"</th><th scope="col" class="num">"Total"</th><th scope="col">"Placed"</th><th scope="col"></th></tr></thead>
                        <tbody>
                            {orders.into_iter().map(|o| {
                                let paid = o.status.was_paid();
                                view! {
                                    <tr>
                                        <td><a href=format!("/admin/orders/{}", o.order)>{o.number.clone()}</a></td>
                                        <td>{o.status.label()}</td>
                                        <td class="num">{o.total}</td>
                                        <td>{o.placed}</td>
                                        <td>
                                            {paid.then(|| view! {
                                                <form class="form--inline" method="post" action=resend>
                                                    <input type="hidden" name="order" value=o.order.clone()/>
                                                    <input type="hidden" name="customer" value=pid.clone()/>
                                                    <button class="button button--quiet" type="submit" aria-label=format!("Resend the receipt of {}", o.number)>"Resend receipt"</button>
                                                </form>
                                            })}
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                }.into_any()
            }}
        </section>
        <section class="panel panel--wide">
            <h2>"Purchases"</h2>
            {if purchases.is_empty() {
                view! { <p>"Nothing bought yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="purchases">
                        {purchases.into_iter().map(|p| view! {
                            <li>
                                <strong>{p.title.clone()}</strong> " · " {p.order_number} <br/>
                                {p.access}
                                {p.keys.into_iter().map(|k| view! { <br/><code>{k}</code> }).collect_view()}
                                {(!p.activations.is_empty()).then(|| view! {
                                    <ul class="activations" aria-label=format!("Activations of {}", p.title)>
                                        {p.activations.into_iter().map(|a| view! { <li>{a.name} " · since " {a.since}</li> }).collect_view()}
                                    </ul>
                                })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <section class="panel panel--wide">
            <h2>"Downloads"</h2>
            {if downloads.is_empty() {
                view! { <p>"No downloads yet."</p> }.into_any()
            } else {
                view! { <DeliveryTable rows=downloads with_buyer=false/> }.into_any()
            }}
        </section>
    }
}
