//! `/admin/analytics`: every product's page views, orders, conversion from
//! a view to a purchase, sales, refund rate and downloads over a period;
//! `/admin/analytics/:slug`: one product step by step, with its net sales
//! charted. Page views are counted on the server, per product and hour,
//! with nothing about the viewer.

use crate::components::head::Title;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::{admin_analytics, admin_product_analytics};
use crate::components::error_notice::ErrorNotice;
use crate::pages::admin::{PeriodPicker, SalesChart, asked_period};
use crate::views::{AnalyticsView, ProductFiguresView, ProductReportView};

/// `/admin/analytics`.
#[component]
pub fn AdminAnalyticsPage() -> impl IntoView {
    let report = crate::codec::resource(asked_period(), |(range, from, until, _)| {
        admin_analytics(range, from, until)
    });
    view! {
        <Title text="Product analytics"/>
        <div class="container">
            <p><a href="/admin">"← Admin"</a></p>
            <h1 class="page-title">"Product analytics"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match report.await {
                        Ok(report) => view! { <Products report/> }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn Products(report: AnalyticsView) -> impl IntoView {
    let AnalyticsView {
        range,
        from,
        until,
        period,
        time_zone,
        products,
    } = report;
    let days = format!("range={range}&from={from}&until={until}");
    view! {
        <Period base="/admin/analytics".to_owned() range from until period time_zone/>
        <FiguresTable caption="Products" head="Product" rows=products link=Some(days)/>
        <p class="form__hint">"Conversion: orders that bought the product per view of its page. Refund rate: its order lines refunded since. Page views are counted per hour, without cookies or anything about the visitor."</p>
    }
}

/// `/admin/analytics/:slug`.
#[component]
pub fn AdminProductAnalyticsPage() -> impl IntoView {
    let params = use_params_map();
    let asked = asked_period();
    let report = crate::codec::resource(
        move || (params.read().get("slug").unwrap_or_default(), asked()),
        |(slug, (range, from, until, _))| admin_product_analytics(slug, range, from, until),
    );
    view! {
        <Title text="Product analytics"/>
        <div class="container">
            <p><a href="/admin/analytics">"← Product analytics"</a></p>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match report.await {
                        Ok(report) => view! { <Product report/> }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn Product(report: ProductReportView) -> impl IntoView {
    let ProductReportView {
        range,
        from,
        until,
        period,
        time_zone,
        total,
        chart,
        steps,
    } = report;
    let base = format!("/admin/analytics/{}", total.slug);
    let figures = [
        ("Page views", total.views.to_string()),
        ("Orders", total.orders.to_string()),
        ("Conversion", total.conversion.clone()),
        ("Units sold", total.units.to_string()),
        ("Net sales", total.sales.clone()),
        ("Refund rate", total.refund_rate.clone()),
        ("Downloads", total.downloads.to_string()),
    ];
    view! {
        <h1 class="page-title">{total.label.clone()}</h1>
        <Period base range from until period time_zone/>
        <dl class="figures figures--kpi">
            {figures.into_iter().map(|(label, value)| view! {
                <div><dt>{label}</dt><dd>{value}</dd></div>
            }).collect_view()}
        </dl>
        <SalesChart chart/>
        <FiguresTable caption="Step by step" head="Period" rows=steps link=None/>
    }
}

/// The period picker, and the period in words.
#[component]
fn Period(
    base: String,
    range: String,
    from: String,
    until: String,
    period: String,
    time_zone: String,
) -> impl IntoView {
    view! {
        <PeriodPicker base range from until/>
        <p class="dashboard__period"><strong>{period}</strong>{format!(" · times in {time_zone}")}</p>
    }
}

/// Figures as a table, one row each; rows link to their product's page when
/// `link` carries the period.
#[component]
fn FiguresTable(
    caption: &'static str,
    head: &'static str,
    rows: Vec<ProductFiguresView>,
    link: Option<String>,
) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table class="files__table analytics">
                <caption class="visually-hidden">{caption}</caption>
                <thead><tr>
                    <th scope="col">{head}</th>
                    <th scope="col" class="num">"Page views"</th>
                    <th scope="col" class="num">"Orders"</th>
                    <th scope="col" class="num">"Conversion"</th>
                    <th scope="col" class="num">"Units"</th>
                    <th scope="col" class="num">"Net sales"</th>
                    <th scope="col" class="num">"Refund rate"</th>
                    <th scope="col" class="num">"Downloads"</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|row| {
                        let name = match &link {
                            Some(days) => view! { <a href=format!("/admin/analytics/{}?{days}", row.slug)>{row.label.clone()}</a> }.into_any(),
                            None => view! { <span>{row.label.clone()}</span> }.into_any(),
                        };
                        view! {
                            <tr>
                                <th scope="row">{name}</th>
                                <td class="num">{row.views}</td>
                                <td class="num">{row.orders}</td>
                                <td class="num">{row.conversion}</td>
                                <td class="num">{row.units}</td>
                                <td class="num">{row.sales}</td>
                                <td class="num">{row.refund_rate}</td>
                                <td class="num">{row.downloads}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
