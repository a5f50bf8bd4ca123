//! `/admin`: the store's dashboard. For a range (today, 7 days, 30 days, 12
//! months or chosen days) and a currency: the headline figures beside the
//! period before, net sales per day, week or month as a chart drawn on the
//! server (readable without JavaScript, with a table for screen readers), and
//! the best sellers. The server checks the admin role on every call; a
//! customer gets 403 and nothing else.

use crate::components::head::Title;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::{admin_dashboard, admin_overview};
use crate::components::error_notice::ErrorNotice;
use crate::views::{ChartView, DashboardView, FigureView, count_of};

/// The ranges offered as links.
const RANGES: [(&str, &str); 4] = [
    ("today", "Today"),
    ("7d", "7 days"),
    ("30d", "30 days"),
    ("12m", "12 months"),
];

/// The period (and currency) the address asks for: `range`, `from`, `until`,
/// `currency`, each left out when empty.
pub(crate) type Asked = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

pub(crate) fn asked_period() -> impl Fn() -> Asked + Copy + Send + Sync + 'static {
    let query = use_query_map();
    move || {
        query.with(|q| {
            let get = |name: &str| q.get(name).filter(|v| !v.is_empty());
            (get("range"), get("from"), get("until"), get("currency"))
        })
    }
}

/// The range links and the custom days form of the page at `base`; `keep`
/// is added to each link (`&currency=EUR`), `children` to the form.
#[component]
pub(crate) fn PeriodPicker(
    base: String,
    #[prop(optional)] keep: String,
    range: String,
    from: String,
    until: String,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <nav class="ranges" aria-label="Period">
            {RANGES.into_iter().map(|(key, label)| view! {
                <a href=format!("{base}?range={key}{keep}") aria-current=(range == key).then_some("page")>{label}</a>
            }).collect_view()}
        </nav>
        <form class="ranges__custom" method="get" action=base.clone()>
            <input type="hidden" name="range" value="custom"/>
            <label>"From " <input type="date" name="from" value=from required/></label>
            <label>"to " <input type="date" name="until" value=until required/></label>
            {children.map(|children| children())}
            <button class="button button--secondary" type="submit">"Show"</button>
        </form>
    }
}

/// The admin dashboard.
#[component]
pub fn AdminPage() -> impl IntoView {
    let dashboard = crate::codec::resource(asked_period(), |(range, from, until, currency)| {
        admin_dashboard(range, from, until, currency)
    });
    let store = crate::codec::resource(|| (), |()| admin_overview());
    view! {
        <Title text="Admin"/>
        <div class="container">
            <h1 class="page-title">"Admin"</h1>
            <nav class="admin-links" aria-label="Admin pages">
                <a href="/admin/orders">"Orders"</a>
                <a href="/admin/customers">"Customers"</a>
                <a href="/admin/analytics">"Product analytics"</a>
                <a href="/admin/products">"Products"</a>
                <a href="/admin/discounts">"Discount codes"</a>
                <a href="/admin/downloads">"Downloads"</a>
                <a href="/admin/webhooks">"Webhooks"</a>
                <a href="/admin/audit">"Audit log"</a>
                <a href="/admin/outbox">"Mail outbox"</a>
            </nav>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match dashboard.await {
                        Ok(dashboard) => view! { <Dashboard dashboard/> }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
                {move || Suspend::new(async move {
                    store.await.ok().map(|store| view! {
                        <p class="form__hint dashboard__store">
                            {format!(
                                "{} on sale · {} · {}",
                                count_of(store.published_products, "product", "products"),
                                count_of(store.customers, "customer", "customers"),
                                count_of(store.admins, "admin", "admins"),
                            )}
                        </p>
                    })
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn Dashboard(dashboard: DashboardView) -> impl IntoView {
    let DashboardView {
        range,
        from,
        until,
        period,
        previous,
        time_zone,
        currency,
        currencies,
        figures,
        chart,
        top,
    } = dashboard;
    let export = {
        let days = format!("from={from}&until={until}");
        move |what: &str| format!("/admin/exports/{what}.csv?{days}")
    };
    view! {
        <section class="dashboard" aria-label="Overview">
            <PeriodPicker base="/admin".to_owned() keep=format!("&currency={currency}") range from until>
                <label>"Currency "
                    <select name="currency">
                        {currencies.iter().map(|c| view! {
                            <option value=c.to_string() selected=*c == currency>{c.to_string()}</option>
                        }).collect_view()}
                    </select>
                </label>
            </PeriodPicker>
            <p class="dashboard__period">
                <strong>{period}</strong>
                {format!(" · {currency} · compared with {previous} · times in {time_zone}")}
            </p>
            <dl class="figures figures--kpi">
                {figures.into_iter().map(|figure| view! { <Figure figure/> }).collect_view()}
            </dl>
            <SalesChart chart/>
            <p class="dashboard__exports">"Export this period as CSV: "
                <a href=export("orders") rel="external" download="">"orders"</a> " · "
                <a href=export("customers") rel="external" download="">"new customers"</a> " · "
                <a href=export("deliveries") rel="external" download="">"downloads"</a>
            </p>
            <h2 id="best-sellers">"Best sellers"</h2>
            {if top.is_empty() {
                view! { <p>"Nothing sold in this period."</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                        <table class="files__table" aria-labelledby="best-sellers">
                            <thead><tr><th scope="col">"Product"</th><th scope="col">"Units"</th><th scope="col">"Sales"</th></tr></thead>
                            <tbody>
                                {top.into_iter().map(|p| view! {
                                    <tr><td>{p.title}</td><td>{p.units}</td><td>{p.sales}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn Figure(figure: FigureView) -> impl IntoView {
    // Good or bad news in words too, not by colour alone.
    let (class, verdict) = match figure.better {
        Some(true) => ("figure__change figure__change--better", " ▲ better"),
        Some(false) => ("figure__change figure__change--worse", " ▼ worse"),
        None => ("figure__change", ""),
    };
    view! {
        <div>
            <dt>{figure.label}</dt>
            <dd>{figure.value}</dd>
            <dd class=class>{figure.change}{verdict}</dd>
        </div>
    }
}

/// The chart's drawing area, in SVG user units.
const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 260.0;
const LEFT: f64 = 104.0;
const TOP: f64 = 20.0;
const BOTTOM: f64 = 36.0;

/// Net sales per step as bars over a labelled grid. The SVG is drawn on the
/// server; each bar's `<title>` is its tooltip, and once the page is
/// hydrated, pointing at a bar writes its figures below. Screen readers and
/// keyboards get the same figures as a table (the SVG is one image to them).
#[component]
pub(crate) fn SalesChart(chart: ChartView) -> impl IntoView {
    let ChartView {
        step,
        points,
        ticks,
    } = chart;
    let low = ticks.first().map_or(0, |t| t.minor).min(0);
    let high = ticks.last().map_or(1, |t| t.minor).max(1);
    let y = move |minor: i64| {
        TOP + (high - minor) as f64 / (high - low) as f64 * (HEIGHT - TOP - BOTTOM)
    };
    let slot = (WIDTH - LEFT) / points.len().max(1) as f64;
    // At most about a dozen labels under the bars.
    let every = points.len().div_ceil(12).max(1);
    let (shown, show) = signal(None::<String>);
    let title = format!("Net sales per {step}");
    let summary = points.iter().map(|p| p.detail.clone()).collect::<Vec<_>>();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=title.clone()>
                {ticks.iter().map(|tick| {
                    let at = y(tick.minor);
                    view! {
                        <line class=if tick.minor == 0 { "chart__zero" } else { "chart__grid" }
                            x1=LEFT x2=WIDTH y1=at y2=at/>
                        <text class="chart__tick" x=LEFT - 8.0 y=at + 4.0 text-anchor="end">{tick.label.clone()}</text>
                    }
                }).collect_view()}
                {points.iter().enumerate().map(|(index, point)| {
                    let x = LEFT + index as f64 * slot;
                    let (top, bottom) = (y(point.net_minor.max(0)), y(point.net_minor.min(0)));
                    let detail = point.detail.clone();
                    // Every other label gives way on a narrow screen.
                    let class = if (index / every) % 2 == 0 { "chart__label" } else { "chart__label chart__label--minor" };
                    let label = (index % every == 0).then(|| view! {
                        <text class=class x=x + slot / 2.0 y=HEIGHT - 8.0 text-anchor="middle">{point.label.clone()}</text>
                    });
                    view! {
                        <g class="chart__point"
                            on:mouseenter={let d = detail.clone(); move |_| show.set(Some(d.clone()))}>
                            <title>{detail.clone()}</title>
                            // The whole column answers the pointer, however short its bar.
                            <rect class="chart__hit" x=x y=TOP width=slot height=HEIGHT - TOP - BOTTOM/>
                            <rect class=if point.net_minor < 0 { "chart__bar chart__bar--negative" } else { "chart__bar" }
                                x=x + slot * 0.15 y=top width=slot * 0.7 height=bottom - top/>
                            {label}
                        </g>
                    }
                }).collect_view()}
            </svg>
            <figcaption>
                <span>{title.clone()}</span>
                <output class="chart__detail" aria-live="polite">{move || shown.get()}</output>
            </figcaption>
        </figure>
        // Hidden by a box of its own: a table grows to its content whatever
        // width it is given, and would widen a phone's page.
        <div class="visually-hidden">
            <table>
                <caption>{title}</caption>
                <tbody>
                    {summary.into_iter().map(|line| view! { <tr><td>{line}</td></tr> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
