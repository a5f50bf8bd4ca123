//! The admin's selling pages: `/admin/orders` (search, status filter),
//! `/admin/orders/:id` (items, payment events, refunds), `/admin/discounts`
//! and `/admin/webhooks` (events received from the payment provider, and the
//! sandbox's deliveries). Forms
//! are plain posts, so every page works without JavaScript.

use crate::components::head::Title;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::{
    AdjustEntitlement, CreateDiscount, DisableDiscount, GrantProduct, RefundOrder, ResendReceipt,
    ResendWebhook, ResetActivations, admin_discounts, admin_downloads, admin_order, admin_orders,
    admin_webhooks,
};
use crate::components::error_notice::ErrorNotice;
use crate::components::form_error::FormError;
use crate::forms::typed;
use crate::pages::orders::Receipt;
use crate::views::{
    ActivationView, AdminOrderView, DeliveryRowView, DiscountKind, OrderStatus, PaymentEventView,
    PurchaseChange,
};

/// `/admin/orders?q=…&status=…`.
#[component]
pub fn AdminOrdersPage() -> impl IntoView {
    let query = use_query_map();
    let orders = crate::codec::resource(
        move || (query.read().get("q"), query.read().get("status")),
        |(q, status)| admin_orders(q, status),
    );
    let grant = <GrantProduct as ServerFn>::PATH;
    let q = move || query.read().get("q").unwrap_or_default();
    let status = move || query.read().get("status").unwrap_or_default();
    view! {
        <Title text="Orders"/>
        <div class="container">
            <h1 class="page-title">"Orders"</h1>
            <form class="form form--inline form--filters" method="get" action="/admin/orders">
                <label for="q">"Email or order number"</label>
                <input id="q" name="q" type="search" value=q/>
                <label for="status">"Status"</label>
                <select id="status" name="status">
                    <option value="" selected=move || status().is_empty()>"Any"</option>
                    {OrderStatus::ALL.into_iter().map(|s| view! {
                        <option value=s.as_str() selected=move || status() == s.as_str()>{s.label()}</option>
                    }).collect_view()}
                </select>
                <button class="button button--quiet" type="submit">"Search"</button>
            </form>
            <details class="grant">
                <summary>"Give a product to someone"</summary>
                <form class="form form--inline form--filters" method="post" action=grant>
                    <label for="grant-email">"Email"</label>
                    <input id="grant-email" name="email" type="email" required/>
                    <label for="grant-product">"Product slug"</label>
                    <input id="grant-product" name="product" required/>
                    <button class="button" type="submit">"Give"</button>
                </form>
                <p class="form__hint">"A free order: the address gets the usual receipt mail with a link to its library."</p>
            </details>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match orders.await {
                        Ok(list) => view! {
                            <p class="page-lead">{list.total} " orders"</p>
                            <div class="table-scroll">
                                <table class="files__table orders">
                                    <thead><tr><th scope="col">"Order"</th><th scope="col">"Email"</th><th scope="col">"Status"</th><th scope="col" class="num">"Total"</th><th scope="col">"Placed"</th></tr></thead>
                                    <tbody>
                                        {list.orders.into_iter().map(|o| view! {
                                            <tr>
                                                <td><a href=format!("/admin/orders/{}", o.order)>{o.number}</a></td>
                                                <td>{o.email}</td>
                                                <td>{o.status.label()}</td>
                                                <td class="num">{o.total}</td>
                                                <td>{o.placed}</td>
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

/// `/admin/orders/:id`.
#[component]
pub fn AdminOrderPage() -> impl IntoView {
    let params = use_params_map();
    let order = crate::codec::resource(
        move || params.read().get("id").unwrap_or_default(),
        admin_order,
    );
    let query = use_query_map();
    let (refund, resend) = (
        ServerAction::<RefundOrder>::new(),
        ServerAction::<ResendReceipt>::new(),
    );
    let error = Signal::derive(move || {
        [refund.value().get(), resend.value().get()]
            .into_iter()
            .flatten()
            .find_map(Result::err)
    });
    let resent = move || query.read().get("resent").is_some();
    view! {
        <Title text="Order"/>
        <div class="container">
            <p><a href="/admin/orders">"← Orders"</a></p>
            {move || resent().then(|| view! { <p class="notice notice--ok" role="status">"The receipt is on its way again."</p> })}
            <FormError error/>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match order.await {
                        Ok(order) => view! { <OrderDetails order/> }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn OrderDetails(order: AdminOrderView) -> impl IntoView {
    let AdminOrderView {
        receipt,
        refundable,
        events,
        refunds,
    } = order;
    let pid = receipt.order.clone();
    let order_pid = pid.clone();
    let (paid, resend, resend_pid) = (
        receipt.status.was_paid(),
        <ResendReceipt as ServerFn>::PATH,
        pid.clone(),
    );
    let items: Vec<(i64, String)> = receipt
        .lines
        .iter()
        .filter(|line| !line.refunded)
        .map(|line| (line.item, line.title.clone()))
        .collect();
    let refund_path = <RefundOrder as ServerFn>::PATH;
    let refund_form = move |item: Option<(i64, String)>| {
        let label = match &item {
            Some((_, title)) => format!("Refund {title}"),
            None => "Refund the whole order".to_owned(),
        };
        view! {
            <form class="form--inline" method="post" action=refund_path>
                <input type="hidden" name="order" value=pid.clone()/>
                {item.map(|(id, _)| view! { <input type="hidden" name="item" value=id/> })}
                <button class="button button--danger" type="submit">{label}</button>
            </form>
        }
    };
    let adjust = <AdjustEntitlement as ServerFn>::PATH;
    let reset = <ResetActivations as ServerFn>::PATH;
    let controls: Vec<(String, String, bool, Vec<ActivationView>)> = receipt
        .lines
        .iter()
        .filter_map(|line| {
            Some((
                line.entitlement.clone()?,
                line.title.clone(),
                line.revoked,
                line.activations.clone(),
            ))
        })
        .collect();
    view! {
        <Receipt receipt for_admin=true/>
        {(!controls.is_empty()).then(|| view! {
            <section class="panel panel--wide">
                <h2>"Access"</h2>
                {controls.into_iter().map(|(entitlement, title, revoked, activations)| {
                    let free = |instance: Option<String>, label: String| view! {
                        <form class="form--inline" method="post" action=reset>
                            <input type="hidden" name="order" value=order_pid.clone()/>
                            <input type="hidden" name="entitlement" value=entitlement.clone()/>
                            {instance.map(|i| view! { <input type="hidden" name="instance" value=i/> })}
                            <button class="button button--quiet" type="submit">{label}</button>
                        </form>
                    };
                    let activations = (!activations.is_empty()).then(|| view! {
                        <ul class="activations" aria-label=format!("Activations of {title}")>
                            {activations.into_iter().map(|a| view! {
                                <li>
                                    {a.name.clone()} " · since " {a.since}
                                    {free(Some(a.instance), format!("Deactivate {}", a.name))}
                                </li>
                            }).collect_view()}
                        </ul>
                        {free(None, format!("Reset all activations of {title}"))}
                    });
                    let form = |action: PurchaseChange, label: String, amount: Option<&'static str>, quiet: bool| view! {
                        <form class="form--inline" method="post" action=adjust>
                            <input type="hidden" name="order" value=order_pid.clone()/>
                            <input type="hidden" name="entitlement" value=entitlement.clone()/>
                            <input type="hidden" name="action" value=action.as_str()/>
                            {amount.map(|default| view! {
                                <input class="cart__quantity" name="amount" type="number" min="1" value=default aria-label=label.clone()/>
                            })}
                            <button class=if quiet { "button button--quiet" } else { "button button--danger" } type="submit">{label.clone()}</button>
                        </form>
                    };
                    view! {
                        <div class="access">
                            <h3>{title.clone()}</h3>
                            {form(PurchaseChange::Downloads, format!("Add downloads to {title}"), Some("5"), true)}
                            {form(PurchaseChange::Days, format!("Extend access to {title} by days"), Some("30"), true)}
                            {if revoked {
                                form(PurchaseChange::Restore, format!("Restore {title}"), None, true)
                            } else {
                                form(PurchaseChange::Revoke, format!("Revoke {title}"), None, false)
                            }}
                            {activations}
                        </div>
                    }
                }).collect_view()}
            </section>
        })}
        {paid.then(|| view! {
            <form class="form--inline" method="post" action=resend>
                <input type="hidden" name="order" value=resend_pid/>
                <button class="button button--quiet" type="submit">"Resend the receipt"</button>
            </form>
        })}
        {refundable.then(|| view! {
            <section class="panel">
                <h2>"Refund"</h2>
                <p>"The payment provider gives the money back; access to what is refunded ends when it confirms."</p>
                {items.into_iter().map(|item| refund_form(Some(item))).collect_view()}
                {refund_form(None)}
            </section>
        })}
        {(!refunds.is_empty()).then(|| view! {
            <section class="panel">
                <h2>"Refunds asked for"</h2>
                <ul>{refunds.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul>
            </section>
        })}
        <section class="panel panel--wide">
            <h2>"Payment events"</h2>
            <Events events/>
        </section>
    }
}

#[component]
fn Events(events: Vec<PaymentEventView>) -> impl IntoView {
    view! {
        <div class="table-scroll">
        <div class="table-scroll">
            <table class="files__table events">
                <thead><tr><th scope="col">"Event"</th><th scope="col">"Type"</th><th scope="col">"Object"</th><th scope="col">"Received"</th><th scope="col">"Processed"</th></tr></thead>
                <tbody>
                    {events.into_iter().map(|e| view! {
                        <tr>
                            <td><code>{e.id}</code></td>
                            <td>{e.kind}</td>
                            <td><code>{e.object.unwrap_or_default()}</code></td>
                            <td>{e.received}</td>
                            <td>{e.processed.unwrap_or_else(|| "not acted on".to_owned())}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        </div>
    }
}

/// `/admin/webhooks`: the newest events from the payment provider and, with
/// the sandbox, its deliveries, each of which can be sent again.
#[component]
pub fn AdminWebhooksPage() -> impl IntoView {
    let hooks = crate::codec::resource(|| (), |()| admin_webhooks());
    let resend_path = <ResendWebhook as ServerFn>::PATH;
    view! {
        <Title text="Webhooks"/>
        <div class="container">
            <h1 class="page-title">"Webhooks"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match hooks.await {
                        Ok(hooks) => view! {
                            <h2>"Events received"</h2>
                            <p class="page-lead">"Sent by the payment provider to " <code>"/webhooks/stripe"</code> ", newest first. Each is recorded once, however often it is delivered."</p>
                            <Events events=hooks.events/>
                            <h2>"Deliveries"</h2>
                            {match hooks.deliveries {
                                None => view! { <p>"Stripe lists its deliveries in its dashboard (Developers → Webhooks)."</p> }.into_any(),
                                Some(deliveries) => view! {
                                    <p class="page-lead">"The payment sandbox's attempts to deliver each event, newest first."</p>
                                    <div class="table-scroll">
                                        <table class="files__table deliveries">
                                            <thead><tr><th scope="col">"Event"</th><th scope="col">"To"</th><th scope="col">"Attempts"</th><th scope="col">"State"</th><th scope="col">"Last answer"</th><th scope="col"></th></tr></thead>
                                            <tbody>
                                                {deliveries.into_iter().map(|d| view! {
                                                    <tr>
                                                        <td>{d.kind}<br/><code>{d.event}</code></td>
                                                        <td><code>{d.url}</code></td>
                                                        <td>{d.attempts}</td>
                                                        <td>{d.state}</td>
                                                        <td>{d.last}</td>
                                                        <td>
                                                            <form method="post" action=resend_path>
                                                                <input type="hidden" name="delivery" value=d.delivery/>
                                                                <button class="button button--quiet" type="submit">"Send again"</button>
                                                            </form>
                                                        </td>
                                                    </tr>
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    </div>
                                }.into_any(),
                            }}
                        }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

/// `/admin/discounts`: codes, a form for a new one, a button to disable one.
#[component]
pub fn AdminDiscountsPage() -> impl IntoView {
    let codes = crate::codec::resource(|| (), |()| admin_discounts());
    let create = ServerAction::<CreateDiscount>::new();
    let create_error = Signal::derive(move || create.value().get().and_then(Result::err));
    let disable = ServerAction::<DisableDiscount>::new();
    let disable_error = Signal::derive(move || disable.value().get().and_then(Result::err));
    let path = <CreateDiscount as ServerFn>::PATH;
    let disable_path = <DisableDiscount as ServerFn>::PATH;
    let kept = move |name: &str| typed(path, name);
    view! {
        <Title text="Discount codes"/>
        <div class="container">
            <h1 class="page-title">"Discount codes"</h1>
            <FormError error=disable_error/>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match codes.await {
                        Ok(codes) => view! {
                            <div class="table-scroll">
                                <table class="files__table discounts">
                                    <thead><tr><th scope="col">"Code"</th><th scope="col">"Off"</th><th scope="col">"For"</th><th scope="col">"Valid"</th><th scope="col">"Used"</th><th scope="col"></th></tr></thead>
                                    <tbody>
                                        {codes.into_iter().map(|c| view! {
                                            <tr>
                                                <td><code>{c.code}</code></td>
                                                <td>{c.off}</td>
                                                <td>{c.applies_to}</td>
                                                <td>{c.window}</td>
                                                <td>{c.redemptions}</td>
                                                <td>{if c.active {
                                                    view! {
                                                        <form method="post" action=disable_path>
                                                            <input type="hidden" name="discount" value=c.discount/>
                                                            <button class="button button--quiet" type="submit">"Disable"</button>
                                                        </form>
                                                    }.into_any()
                                                } else {
                                                    "Disabled".into_any()
                                                }}</td>
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
            <section class="panel">
                <h2>"New code"</h2>
                <form class="form" method="post" action=path>
                    <label for="code">"Code"</label>
                    <input id="code" name="code" required autocomplete="off" value=kept("code")/>
                    <fieldset>
                        <legend>"Takes off"</legend>
                        <label><input type="radio" name="kind" value=DiscountKind::Percent.as_str() checked=kept("kind").is_none_or(|k| k == DiscountKind::Percent.as_str())/> "a percentage"</label>
                        <label><input type="radio" name="kind" value=DiscountKind::Amount.as_str() checked=kept("kind").is_some_and(|k| k == DiscountKind::Amount.as_str())/> "an amount"</label>
                    </fieldset>
                    <label for="value">"Percentage or amount"</label>
                    <input id="value" name="value" required inputmode="decimal" value=kept("value")/>
                    <label for="currency">"Currency of an amount"</label>
                    <input id="currency" name="currency" placeholder="USD" maxlength="3" value=kept("currency")/>
                    <label for="product">"Only for the product with slug (empty: everything)"</label>
                    <input id="product" name="product" value=kept("product")/>
                    <label for="valid_from">"Valid from (store time, optional)"</label>
                    <input id="valid_from" name="valid_from" type="datetime-local" value=kept("valid_from")/>
                    <label for="valid_until">"Valid until (store time, optional)"</label>
                    <input id="valid_until" name="valid_until" type="datetime-local" value=kept("valid_until")/>
                    <label for="max_redemptions">"Redemptions allowed (empty: any number)"</label>
                    <input id="max_redemptions" name="max_redemptions" type="number" min="1" value=kept("max_redemptions")/>
                    <FormError error=create_error/>
                    <button class="button" type="submit">"Create code"</button>
                </form>
            </section>
        </div>
    }
}

/// `/admin/downloads?product=&buyer=&from=&until=`: the delivery log, and
/// the same as CSV.
#[component]
pub fn AdminDownloadsPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |name: &str| query.read().get(name);
    let rows = crate::codec::resource(
        move || (get("product"), get("buyer"), get("from"), get("until")),
        |(product, buyer, from, until)| admin_downloads(product, buyer, from, until),
    );
    let csv = move || {
        let q = query.read();
        let pairs: Vec<String> = ["product", "buyer", "from", "until"]
            .iter()
            .filter_map(|name| Some(format!("{name}={}", q.get(name)?)))
            .collect();
        format!("/admin/downloads.csv?{}", pairs.join("&"))
    };
    view! {
        <Title text="Downloads"/>
        <div class="container">
            <h1 class="page-title">"Downloads"</h1>
            <form class="form form--inline form--filters" method="get" action="/admin/downloads">
                <label for="product">"Product slug"</label>
                <input id="product" name="product" value=move || get("product")/>
                <label for="buyer">"Buyer"</label>
                <input id="buyer" name="buyer" value=move || get("buyer")/>
                <label for="from">"From"</label>
                <input id="from" name="from" type="date" value=move || get("from")/>
                <label for="until">"Until"</label>
                <input id="until" name="until" type="date" value=move || get("until")/>
                <button class="button button--quiet" type="submit">"Filter"</button>
                <a class="button button--quiet" href=csv rel="external" download="">"CSV"</a>
            </form>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match rows.await {
                        Ok(rows) => view! { <DeliveryTable rows with_buyer=true/> }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

/// Deliveries as a table, newest first; `with_buyer` adds who received each.
#[component]
pub(crate) fn DeliveryTable(rows: Vec<DeliveryRowView>, with_buyer: bool) -> impl IntoView {
    view! {
        <div class="table-scroll">
        <table class="files__table downloads">
            <thead><tr>
                <th scope="col">"When"</th>
                {with_buyer.then(|| view! { <th scope="col">"Buyer"</th> })}
                <th scope="col">"Product"</th><th scope="col">"File"</th><th scope="col">"Kind"</th><th scope="col">"Address"</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|r| view! {
                    <tr>
                        <td>{r.at}</td>
                        {with_buyer.then(|| view! { <td>{r.buyer}</td> })}
                        <td>{r.product}</td>
                        <td>{r.file} " (v" {r.version} ")"</td>
                        <td>{r.kind.as_str()} {(!r.counted).then_some(" (not counted)")}</td>
                        <td>{r.ip}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        </div>
    }
}
