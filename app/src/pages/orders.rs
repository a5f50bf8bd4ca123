//! After checkout: `/checkout/done` (where the payment provider sends the
//! buyer back) confirms the payment and shows the receipt; `/orders/:id` is a
//! receipt; `/library` lists what the signed-in buyer owns.

use crate::components::head::{Meta, Title};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::{DeactivateInstance, Download, confirm_checkout, library, receipt};
use crate::components::error_notice::ErrorNotice;
use crate::views::{LibraryItemView, LibraryView, MediaKind, OrderStatus, ReceiptView};
use leptos::server_fn::ServerFn;

/// `/checkout/done?session=…`: "confirming payment…" until the payment is
/// confirmed (the page reloads itself every two seconds, with or without
/// JavaScript), then the receipt.
#[component]
pub fn CheckoutDonePage() -> impl IntoView {
    let query = use_query_map();
    let confirmed = crate::codec::resource(
        move || query.read().get("session").unwrap_or_default(),
        confirm_checkout,
    );
    view! {
        <Title text="Thank you"/>
        <div class="container">
            <Suspense fallback=|| view! { <p class="loading">"Confirming payment…"</p> }>
                {move || Suspend::new(async move {
                    let confirmed = match confirmed.await {
                        Ok(confirmed) => confirmed,
                        Err(error) => return view! { <ErrorNotice error/> }.into_any(),
                    };
                    if let Some(found) = confirmed.receipt {
                        return view! { <Receipt receipt=found/> }.into_any();
                    }
                    if confirmed.status == OrderStatus::Pending {
                        return view! {
                            <Meta http_equiv="refresh" content="2"/>
                            <section class="panel">
                                <h1>"Confirming payment…"</h1>
                                <p role="status">"The payment provider has not confirmed your payment yet. This page updates itself."</p>
                            </section>
                        }.into_any();
                    }
                    view! {
                        <section class="panel">
                            <h1>"Payment not completed"</h1>
                            <p role="alert">"This order is " {confirmed.status.label().to_lowercase()} ". Nothing was charged. "
                                <a href="/cart">"Back to your cart"</a></p>
                        </section>
                    }.into_any()
                })}
            </Suspense>
        </div>
    }
}

/// `/orders/:id`: a receipt (for the browser that placed the order, its
/// owner, admins).
#[component]
pub fn ReceiptPage() -> impl IntoView {
    let params = use_params_map();
    let found =
        crate::codec::resource(move || params.read().get("id").unwrap_or_default(), receipt);
    view! {
        <Title text="Receipt"/>
        <div class="container">
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match found.await {
                        Ok(found) => view! { <Receipt receipt=found/> }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

/// A receipt: the order, its lines and license keys, the way to the library
/// (for the admin: the order, without the thanks).
#[component]
pub fn Receipt(receipt: ReceiptView, #[prop(optional)] for_admin: bool) -> impl IntoView {
    let ReceiptView {
        number,
        email,
        status,
        placed,
        lines,
        subtotal,
        discount,
        total,
        refunded,
        ..
    } = receipt;
    let paid = status.was_paid();
    view! {
        <section class="panel receipt">
            <h1>{match (for_admin, paid) {
                (true, _) => "Order",
                (false, true) => "Thank you for your order",
                (false, false) => "Your order",
            }}</h1>
            <p>"Order " <strong>{number}</strong> " · " {placed} " · " <span class="status">{status.label()}</span></p>
            <table class="receipt__lines">
                <tbody>
                    {lines.into_iter().map(|line| view! {
                        <tr class:receipt__refunded=line.refunded>
                            <td>
                                {match line.slug {
                                    Some(slug) => view! { <a href=format!("/products/{slug}")>{line.title}</a> }.into_any(),
                                    None => line.title.into_any(),
                                }}
                                {(line.quantity > 1).then(|| format!(" × {}", line.quantity))}
                                {line.refunded.then(|| view! { " " <span class="status">"Refunded"</span> })}
                                {line.access.filter(|_| for_admin).map(|access| view! { <p class="form__hint">{access}</p> })}
                                {(!line.keys.is_empty()).then(|| view! {
                                    <ul class="keys" aria-label="License keys">
                                        {line.keys.into_iter().map(|key| view! { <li><code>{key}</code></li> }).collect_view()}
                                    </ul>
                                })}
                            </td>
                            <td class="num">{line.total}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
                <tfoot>
                    {discount.map(|discount| view! {
                        <tr><th scope="row">"Subtotal"</th><td class="num">{subtotal}</td></tr>
                        <tr><th scope="row">"Discount"</th><td class="num">{discount}</td></tr>
                    })}
                    <tr><th scope="row">"Total"</th><td class="num">{total}</td></tr>
                    {refunded.map(|refunded| view! { <tr><th scope="row">"Refunded"</th><td class="num">{refunded}</td></tr> })}
                </tfoot>
            </table>
            {for_admin.then(|| view! { <p>"Buyer: " {email.clone()}</p> })}
            {(paid && !for_admin).then(|| view! {
                <p>"A receipt is on its way to " <strong>{email}</strong> ". Your purchases are in "
                    <a href="/library">"your library"</a> "; sign in with a link mailed to that address to open it."</p>
            })}
        </section>
    }
}

/// `/library`: what the signed-in buyer owns.
#[component]
pub fn LibraryPage() -> impl IntoView {
    let query = use_query_map();
    let owned = crate::codec::resource(move || query.read().get("play"), library);
    view! {
        <Title text="Library"/>
        <div class="container">
            <h1 class="page-title">"Your library"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match owned.await {
                        Ok(owned) => view! { <Library owned/> }.into_any(),
                        Err(crate::error::AppError::Unauthorized) => view! {
                            <p>"Sign in to see what you bought. Bought as a guest? "
                                <a href="/account/magic-link" rel="external">"Get a sign-in link"</a>
                                " for the address on your receipt."</p>
                        }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn Library(owned: LibraryView) -> impl IntoView {
    if !owned.verified {
        return view! {
            <p>"Confirm your address " <strong>{owned.email}</strong>
                " to see your purchases: use the link we mailed you, or "
                <a href="/account/magic-link" rel="external">"get a sign-in link"</a> "."</p>
        }
        .into_any();
    }
    let refused = crate::forms::refused(<Download as ServerFn>::PATH)
        .or(owned.player_error)
        .map(|message| view! { <p class="form__error" role="alert">{message}</p> });
    let player = owned.player.map(|player| {
        let media = if player.kind == MediaKind::Video {
            view! { <video controls preload="metadata" src=player.url></video> }.into_any()
        } else {
            view! { <audio controls preload="metadata" src=player.url></audio> }.into_any()
        };
        view! {
            <section id="player" class="panel panel--wide player">
                <h2>{player.title}</h2>
                {media}
            </section>
        }
    });
    let refunded = (!owned.refunded.is_empty()).then(|| {
        view! {
            <p class="library__refunded">
                {format!("Refunded, no longer available: {}", owned.refunded.join(", "))}
            </p>
        }
    });
    if owned.items.is_empty() {
        return view! {
            <p>"Nothing here yet. " <a href="/">"Browse the catalog"</a></p>
            {refunded}
        }
        .into_any();
    }
    view! {
        {refused}
        {player}
        <ul class="library">
            {owned.items.into_iter().map(|item| view! { <Owned item/> }).collect_view()}
        </ul>
        {refunded}
        <script nonce=leptos::nonce::use_nonce()>{DOWNLOAD_IN_PLACE}</script>
    }
    .into_any()
}

/// The library loads no bundle; this starts a download without leaving the
/// page and shows the downloads left at once. Without JavaScript (or when the
/// store refuses, to show why) the form posts as usual.
const DOWNLOAD_IN_PLACE: &str = r#"document.addEventListener("submit", async (event) => {
  const form = event.target.closest("form[data-download]");
  if (!form) return;
  event.preventDefault();
  try {
    const answer = await fetch(form.action, {
      method: "POST",
      headers: { Accept: "application/json" },
      body: new URLSearchParams(new FormData(form)),
    });
    if (!answer.ok) return form.submit();
    const minted = await answer.json();
    const left = form.closest(".library__item").querySelector(".library__left");
    if (left) left.textContent = minted.downloads;
    window.location.assign(minted.url);
  } catch {
    form.submit();
  }
});"#;

#[component]
fn Owned(item: LibraryItemView) -> impl IntoView {
    let LibraryItemView {
        entitlement,
        title,
        slug,
        order_number,
        access,
        downloads,
        keys,
        files,
        activations,
        activation_limit,
    } = item;
    let download = <Download as ServerFn>::PATH;
    let deactivate = <DeactivateInstance as ServerFn>::PATH;
    view! {
        <li class="library__item">
            <h2><a href=format!("/products/{slug}")>{title}</a></h2>
            <p>"Order " {order_number} " · " {access} " · " <span class="library__left">{downloads}</span></p>
            {(!files.is_empty()).then(|| view! {
                <table class="files__table library__files">
                    <thead><tr><th scope="col">"File"</th><th scope="col">"Format"</th><th scope="col">"Size"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr></thead>
                    <tbody>
                        {files.into_iter().map(|file| {
                            let play = file.plays_as.as_ref().map(|_| format!("/library?play={}.{}#player", entitlement, file.file));
                            view! {
                                <tr>
                                    <td>
                                        {file.name.clone()}
                                        {(file.version > 1).then(|| format!(" (version {})", file.version))}
                                        {file.updated.then(|| view! { " " <span class="status status--published">"Updated"</span> })}
                                    </td>
                                    <td>{file.format}</td>
                                    <td>{file.size}</td>
                                    <td class="library__actions">
                                        <form method="post" action=download data-download="">
                                            <input type="hidden" name="entitlement" value=entitlement.clone()/>
                                            <input type="hidden" name="file" value=file.file.clone()/>
                                            <button class="button" type="submit" aria-label=format!("Download {}", file.name)>"Download"</button>
                                        </form>
                                        {play.map(|href| view! {
                                            <a class="button button--quiet" href=href aria-label=format!("Play {}", file.name)>"Play"</a>
                                        })}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            {(!keys.is_empty()).then(|| view! {
                <ul class="keys" aria-label="License keys">
                    {keys.into_iter().map(|key| view! { <li><code>{key}</code></li> }).collect_view()}
                </ul>
            })}
            {activation_limit.map(|limit| view! { <p class="form__hint">{limit}</p> })}
            {(!activations.is_empty()).then(|| view! {
                <ul class="activations" aria-label="Activations">
                    {activations.into_iter().map(|a| view! {
                        <li>
                            {a.name.clone()} " · since " {a.since}
                            <form class="form--inline" method="post" action=deactivate>
                                <input type="hidden" name="instance" value=a.instance/>
                                <button class="button button--quiet" type="submit" aria-label=format!("Deactivate {}", a.name)>"Deactivate"</button>
                            </form>
                        </li>
                    }).collect_view()}
                </ul>
            })}
        </li>
    }
}
