//! The catalog: search, tag filter, order and pages over the published products.

use crate::components::head::{Meta, Title};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::list_products;
use crate::codec::CatalogPageData;
use crate::components::catalog_query::CatalogQuery;
use crate::components::error_notice::ErrorNotice;
use crate::components::product_card::ProductGrid;
use crate::views::CatalogPageView;

/// The store's front page.
#[component]
pub fn CatalogPage() -> impl IntoView {
    let params = use_query_map();
    let query = Memo::new(move |_| {
        let params = params.read();
        CatalogQuery {
            q: params.get("q").unwrap_or_default().trim().to_owned(),
            tag: params.get("tag").filter(|t| !t.is_empty()),
            sort: params.get("sort").unwrap_or_default(),
            page: params.get("page").and_then(|p| p.parse().ok()).unwrap_or(1),
        }
    });
    // The page's data leaves the cards out: the grid's markup is in the page.
    let results = Resource::<_, CatalogPageData>::new_with_options(
        move || query.get(),
        |query| list_products(Some(query.q), query.tag, Some(query.sort), Some(query.page)),
        false,
    );
    view! {
        <Title text="Catalog"/>
        <Meta name="description" content="E-books, audio, video, software and memberships, delivered instantly."/>
        <div class="container">
            <h1 class="page-title">"Catalog"</h1>
            <SearchForm query=query.get_untracked()/>
            <Suspense fallback=|| view! { <p class="loading">"Loading the catalog…"</p> }>
                {move || Suspend::new(async move {
                    match results.await {
                        Ok(page) => view! { <Results page query=query.get_untracked()/> }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

/// Search words and order; a plain GET form, so it works without JavaScript.
#[component]
fn SearchForm(query: CatalogQuery) -> impl IntoView {
    let sorts = [
        ("new", "Newest"),
        ("price-asc", "Price: low to high"),
        ("price-desc", "Price: high to low"),
    ];
    let current = if query.sort.is_empty() {
        "new".to_owned()
    } else {
        query.sort.clone()
    };
    view! {
        <form class="search" method="get" action="/" role="search">
            <label class="search__label" for="q">"Search"</label>
            <input id="q" name="q" type="search" value=query.q placeholder="E-books, audio, software…"/>
            {query.tag.map(|tag| view! { <input type="hidden" name="tag" value=tag/> })}
            <label class="search__label" for="sort">"Sort by"</label>
            <select id="sort" name="sort">
                {sorts.into_iter().map(|(value, label)| view! {
                    <option value=value selected=current == value>{label}</option>
                }).collect_view()}
            </select>
            <button class="button" type="submit">"Search"</button>
        </form>
    }
}

#[component]
fn Results(page: CatalogPageView, query: CatalogQuery) -> impl IntoView {
    let CatalogPageView {
        products,
        total,
        page: number,
        pages,
        tags,
    } = page;
    let tag_links = {
        let query = query.clone();
        let all_current = query.tag.is_none();
        view! {
            <nav class="tag-filter" aria-label="Tags">
                <a href=query.with_tag(None).href() aria-current=all_current.then_some("page")>"All"</a>
                {tags.into_iter().map(|tag| {
                    let current = query.tag.as_deref() == Some(tag.as_str());
                    view! {
                        <a href=query.with_tag(Some(&tag)).href() aria-current=current.then_some("page")>{tag.clone()}</a>
                    }
                }).collect_view()}
            </nav>
        }
    };
    let summary = match (total, query.q.is_empty()) {
        (0, true) => "Nothing is on sale here yet.".to_owned(),
        (0, false) => format!("No products match “{}”.", query.q),
        (1, _) => "1 product".to_owned(),
        (n, _) => format!("{n} products"),
    };
    let pager = (pages > 1).then(|| view! {
        <nav class="pager" aria-label="Pages">
            {(number > 1).then(|| view! { <a rel="prev" href=query.with_page(number - 1).href()>"← Previous"</a> })}
            <span>{format!("Page {number} of {pages}")}</span>
            {(number < pages).then(|| view! { <a rel="next" href=query.with_page(number + 1).href()>"Next →"</a> })}
        </nav>
    });
    view! {
        {tag_links}
        <p class="page-lead" role="status">{summary}</p>
        <ProductGrid products/>
        {pager}
    }
}
