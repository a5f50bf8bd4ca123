use chrono::Utc;
use domain::entities::product::{self, ProductKind, ProductStatus};
use sea_orm::{ActiveModelTrait, ActiveValue::Set};

use crate::helpers::{TestApp, on_both_databases};

/// `POST /api/list_products` with `args`; the titles found and the whole page.
async fn search(app: &TestApp, args: &[(&str, &str)]) -> (Vec<String>, serde_json::Value) {
    let response = app.call("list_products", args, None).await;
    assert_eq!(response.status(), 200);
    let page: serde_json::Value = response.json().await.unwrap();
    let titles = page["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap().to_owned())
        .collect();
    (titles, page)
}

async fn words_are_found_in_titles_and_descriptions_in_any_case(app: TestApp) {
    assert_eq!(search(&app, &[("q", "NIGHT rain")]).await.0, ["Night Rain"]);
    assert_eq!(
        search(&app, &[("q", "glitch art")]).await.0,
        ["Pixel Sorter 2.1"]
    );
    let (none, page) = search(&app, &[("q", "100%")]).await;
    assert!(none.is_empty(), "% is a literal, not a wildcard");
    assert_eq!(page["total"], 0);
    assert_eq!(page["pages"], 1);
}

async fn a_tag_filters_whole_tags_only(app: TestApp) {
    assert_eq!(search(&app, &[("tag", "audio")]).await.0, ["Night Rain"]);
    assert_eq!(
        search(&app, &[("tag", "Software")]).await.0,
        ["The Field Guide to Quiet Software", "Pixel Sorter 2.1"]
    );
    assert!(search(&app, &[("tag", "soft")]).await.0.is_empty());
    let (_, page) = search(&app, &[]).await;
    assert_eq!(
        page["tags"],
        serde_json::json!([
            "ambient",
            "audio",
            "design",
            "ebook",
            "icons",
            "membership",
            "software",
            "stock",
            "tools",
            "video"
        ])
    );
}

async fn results_sort_by_price_either_way(app: TestApp) {
    let cheapest_first = search(&app, &[("sort", "price-asc")]).await.0;
    assert_eq!(
        cheapest_first,
        [
            "Night Rain",
            "Downlink Insider",
            "Mono Icons",
            "Harbour at Dusk",
            "The Field Guide to Quiet Software",
            "Pixel Sorter 2.1"
        ]
    );
    let dearest_first = search(&app, &[("sort", "price-desc")]).await.0;
    let mut reversed = cheapest_first.clone();
    reversed.reverse();
    assert_eq!(dearest_first, reversed);
}

async fn results_come_in_pages_of_twelve(app: TestApp) {
    let db = app.db().await;
    let now = Utc::now();
    for n in 1..=10 {
        product::ActiveModel {
            pid: Set(uuid::Uuid::now_v7()),
            slug: Set(format!("sample-{n}")),
            title: Set(format!("Sample pack {n}")),
            summary: Set("A sample.".into()),
            description: Set("Samples.".into()),
            kind: Set(ProductKind::Download),
            status: Set(ProductStatus::Published),
            price_minor: Set(100),
            currency: Set(domain::money::Currency::USD),
            pwyw_min_minor: Set(None),
            download_limit: Set(None),
            access_days: Set(None),
            tags: Set("samples".into()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&db)
        .await
        .unwrap();
    }
    let (first, page) = search(&app, &[]).await;
    assert_eq!(
        (first.len(), page["total"].as_u64(), page["pages"].as_u64()),
        (12, Some(16), Some(2))
    );
    let (second, page) = search(&app, &[("page", "2")]).await;
    assert_eq!((second.len(), page["page"].as_u64()), (4, Some(2)));
    assert!(
        second.iter().all(|title| !first.contains(title)),
        "no repeats across pages"
    );
    let (_, beyond) = search(&app, &[("page", "99")]).await;
    assert_eq!(beyond["page"], 2, "a page past the end shows the last one");
}

async fn the_catalog_page_searches_without_javascript(app: TestApp) {
    let (status, html) = app.get_text("/?q=icons&sort=price-desc").await;
    assert_eq!(status, 200);
    assert!(html.contains("1 product"), "{html}");
    assert!(html.contains("Mono Icons"));
    assert!(!html.contains("Night Rain"));
    assert!(
        html.contains(r#"value="icons""#),
        "the search box keeps the words"
    );
    assert!(html.contains(r#"<option value="price-desc" selected"#));
    let (_, tagged) = app.get_text("/?tag=video").await;
    assert!(tagged.contains("Harbour at Dusk") && !tagged.contains("Mono Icons"));
    assert!(tagged.contains(r#"href="/?tag=video" aria-current="page""#));
}

on_both_databases!(
    words_are_found_in_titles_and_descriptions_in_any_case,
    a_tag_filters_whole_tags_only,
    results_sort_by_price_either_way,
    results_come_in_pages_of_twelve,
    the_catalog_page_searches_without_javascript,
);
