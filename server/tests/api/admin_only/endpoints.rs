//! What the admin area is made of: its server functions with forms they
//! accept, its pages and CSV downloads, and the server functions that are not
//! the admin's.

/// Server functions anyone, or any signed-in customer, may call.
pub(super) const NOT_ADMIN: [&str; 27] = [
    "current_user",
    "register",
    "sign_in",
    "sign_out",
    "change_password",
    "devices",
    "sign_out_everywhere",
    "cart",
    "add_to_cart",
    "set_cart_quantity",
    "remove_from_cart",
    "apply_discount",
    "checkout",
    "confirm_checkout",
    "receipt",
    "library",
    "deactivate_instance",
    "download",
    "list_products",
    "get_product",
    "request_magic_link",
    "sign_in_with_link",
    "request_password_reset",
    "reset_password",
    "confirm_email",
    "resend_confirmation",
    "link_for",
];

/// Real things an admin function could change, so a missing guard would
/// show in the data.
pub(super) struct Targets {
    pub(super) product: String,
    pub(super) order: String,
    pub(super) entitlement: String,
    pub(super) file: String,
    pub(super) image: String,
    pub(super) upload: String,
    pub(super) discount: String,
    pub(super) customer: String,
    pub(super) delivery: String,
}

/// Every admin server function with a form it accepts (arguments are read
/// before the guard runs: a malformed form would answer 400).
pub(super) fn admin_calls(t: &Targets) -> Vec<(&'static str, Vec<(&'static str, String)>)> {
    let product_form = |title: &str| {
        vec![
            ("product", t.product.clone()),
            ("title", title.to_owned()),
            ("slug", "renamed".into()),
            ("summary", "Renamed.".into()),
            ("description", "Renamed.".into()),
            ("kind", "download".into()),
            ("price", "1".into()),
            ("currency", "USD".into()),
        ]
    };
    let upload = || vec![("upload", t.upload.clone())];
    let purchase = || {
        vec![
            ("order", t.order.clone()),
            ("entitlement", t.entitlement.clone()),
        ]
    };
    let mut adjust = purchase();
    adjust.push(("action", "revoke".into()));
    vec![
        ("admin_overview", vec![]),
        ("admin_dashboard", vec![("range", "7d".into())]),
        ("admin_analytics", vec![("range", "7d".into())]),
        (
            "admin_product_analytics",
            vec![("product", "pixel-sorter".into())],
        ),
        ("admin_audit", vec![]),
        ("admin_outbox", vec![]),
        ("admin_customers", vec![("q", String::new())]),
        ("admin_customer", vec![("customer", t.customer.clone())]),
        ("resend_receipt", vec![("order", t.order.clone())]),
        ("send_sign_in_link", vec![("customer", t.customer.clone())]),
        (
            "block_customer",
            vec![("customer", t.customer.clone()), ("action", "block".into())],
        ),
        ("admin_media", vec![("product", t.product.clone())]),
        ("purge_old_versions", vec![("product", t.product.clone())]),
        ("remove_file", vec![("file", t.file.clone())]),
        (
            "describe_image",
            vec![("image", t.image.clone()), ("alt", "Renamed".into())],
        ),
        (
            "move_image",
            vec![("image", t.image.clone()), ("position", "5".into())],
        ),
        ("remove_image", vec![("image", t.image.clone())]),
        ("admin_products", vec![]),
        ("admin_product", vec![("product", t.product.clone())]),
        ("save_product", product_form("Renamed")),
        (
            "set_product_status",
            vec![
                ("product", t.product.clone()),
                ("status", "archived".into()),
            ],
        ),
        ("admin_orders", vec![]),
        ("admin_order", vec![("order", t.order.clone())]),
        ("refund_order", vec![("order", t.order.clone())]),
        ("admin_discounts", vec![]),
        (
            "create_discount",
            vec![
                ("code", "STOLEN50".into()),
                ("kind", "percent".into()),
                ("value", "50".into()),
            ],
        ),
        ("disable_discount", vec![("discount", t.discount.clone())]),
        ("admin_webhooks", vec![]),
        ("resend_webhook", vec![("delivery", t.delivery.clone())]),
        ("adjust_entitlement", adjust),
        ("reset_activations", purchase()),
        (
            "grant_product",
            vec![
                ("email", "gift@example.com".into()),
                ("product", "night-rain".into()),
            ],
        ),
        ("admin_downloads", vec![]),
        (
            "start_upload",
            vec![
                ("product", t.product.clone()),
                ("purpose", "file".into()),
                ("filename", "x.zip".into()),
                ("content_type", "application/zip".into()),
                ("size", "10".into()),
            ],
        ),
        ("resume_upload", upload()),
        ("complete_upload", upload()),
        ("upload_outcome", upload()),
        ("cancel_upload", upload()),
    ]
}

/// Every admin page (its route, then an address of it) and CSV download.
pub(super) fn admin_pages(t: &Targets) -> Vec<(&'static str, String)> {
    let page = |route: &'static str, path: String| (route, path);
    vec![
        page("/admin", "/admin".into()),
        page("/admin/outbox", "/admin/outbox".into()),
        page("/admin/products", "/admin/products".into()),
        page("/admin/products/new", "/admin/products/new".into()),
        page(
            "/admin/products/{id}",
            format!("/admin/products/{}", t.product),
        ),
        page("/admin/orders", "/admin/orders".into()),
        page("/admin/orders/{id}", format!("/admin/orders/{}", t.order)),
        page("/admin/discounts", "/admin/discounts".into()),
        page("/admin/webhooks", "/admin/webhooks".into()),
        page("/admin/downloads", "/admin/downloads".into()),
        page("/admin/audit", "/admin/audit".into()),
        page("/admin/analytics", "/admin/analytics".into()),
        page(
            "/admin/analytics/{slug}",
            "/admin/analytics/pixel-sorter".into(),
        ),
        page("/admin/customers", "/admin/customers".into()),
        page(
            "/admin/customers/{id}",
            format!("/admin/customers/{}", t.customer),
        ),
        page("", "/admin/downloads.csv".into()),
        page("", "/admin/exports/orders.csv".into()),
        page("", "/admin/exports/customers.csv".into()),
        page("", "/admin/exports/deliveries.csv".into()),
    ]
}
