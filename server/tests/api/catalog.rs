use crate::helpers::{TestApp, image_sources, on_both_databases};

const DEMO_TITLES: [&str; 6] = [
    "The Field Guide to Quiet Software",
    "Night Rain",
    "Harbour at Dusk",
    "Pixel Sorter 2.1",
    "Mono Icons",
    "Downlink Insider",
];

async fn the_catalog_lists_every_demo_product_with_its_cover(app: TestApp) {
    let (status, html) = app.get_text("/").await;
    assert_eq!(status, 200);
    for title in DEMO_TITLES {
        assert!(html.contains(title), "{title} is missing from the catalog");
    }
    assert!(html.contains("$12.00"), "prices are shown");
    assert!(html.contains("€8.00"), "each in its own currency");
    assert!(
        html.contains("$2.00 or more"),
        "pay-what-you-want shows its minimum"
    );

    let covers = image_sources(&html);
    assert_eq!(covers.len(), DEMO_TITLES.len(), "one cover per product");
    // The cards travel once, as the grid's markup: the data the page
    // hydrates with does not carry them again.
    let grid_start = html.find(r#"class="grid""#).unwrap();
    let grid_end = grid_start + html[grid_start..].find("</ul>").unwrap();
    let (grid, elsewhere) = (
        &html[grid_start..grid_end],
        [&html[..grid_start], &html[grid_end..]].concat(),
    );
    for title in DEMO_TITLES {
        assert!(!elsewhere.contains(title), "{title} twice in the page");
    }
    for cover in &covers {
        let signature = cover.rsplit("X-Amz-Signature=").next().unwrap();
        assert!(grid.contains(signature));
        assert!(!elsewhere.contains(signature), "{cover} twice in the page");
    }
    for cover in covers {
        let response = app.client.get(&cover).send().await.unwrap();
        assert_eq!(response.status(), 200, "{cover}");
        // The demo's covers are flat drawings: lossless WebP beats JPEG.
        assert_eq!(response.headers()["content-type"], "image/webp");
        let bytes = response.bytes().await.unwrap();
        let thumbnail = image::load_from_memory(&bytes).unwrap();
        assert_eq!(thumbnail.width(), 960, "never enlarged past the original");
    }
}

async fn the_list_products_server_function_has_a_stable_url(app: TestApp) {
    let response = app
        .client
        .post(format!("{}/api/list_products", app.address))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let page: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        (page["total"].as_u64(), page["pages"].as_u64()),
        (Some(6), Some(1))
    );
    let products = page["products"].as_array().unwrap();
    let titles: Vec<&str> = products
        .iter()
        .map(|p| p["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, DEMO_TITLES, "newest first, as seeded");
    let night_rain = &products[1];
    assert_eq!(night_rain["price"]["minor"], 400);
    assert_eq!(night_rain["price"]["currency"], "USD");
    assert_eq!(night_rain["price"]["minimum"]["label"], "$2.00");
    assert!(
        products
            .iter()
            .all(|p| p.get("id").is_none() && p.get("s3_key").is_none()),
        "no internal ids or object keys cross the wire"
    );
}

async fn an_unknown_product_is_a_404_page(app: TestApp) {
    let (status, html) = app.get_text("/products/no-such-thing").await;
    assert_eq!(status, 404);
    assert!(
        html.contains("We couldn&#x27;t find that.") || html.contains("We couldn't find that.")
    );
}

on_both_databases!(
    the_catalog_lists_every_demo_product_with_its_cover,
    the_list_products_server_function_has_a_stable_url,
    an_unknown_product_is_a_404_page,
);

#[tokio::test]
async fn restarting_on_the_same_data_keeps_one_demo_catalog() {
    let first = crate::helpers::spawn_app(crate::helpers::Backend::Sqlite).await;
    let TestApp { data_dir, .. } = first;
    let again = crate::helpers::spawn_app_in(data_dir, None, &[]).await;
    let (status, html) = again.get_text("/").await;
    assert_eq!(status, 200);
    assert_eq!(
        html.matches(r#"<li class="card""#).count(),
        DEMO_TITLES.len()
    );
    assert_eq!(
        image_sources(&html).len(),
        DEMO_TITLES.len(),
        "no duplicates"
    );
    for cover in image_sources(&html) {
        let response = again.client.get(&cover).send().await.unwrap();
        assert_eq!(response.status(), 200, "objects survive the restart");
    }
}
