//! Product descriptions are Markdown, rendered to HTML on the server so that no
//! script survives: raw HTML in the source is shown as text, and links and
//! images may only point at http(s), mailto or the store itself.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, html};

/// Renders `markdown` to HTML that is safe to put in a page.
pub fn to_safe_html(markdown: &str) -> String {
    let options = Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES;
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        // Raw HTML becomes visible text, escaped by the renderer.
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        other => other,
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

/// `url` when it is http(s), mailto or relative; otherwise `#`.
fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let lower: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    let scheme_end = lower.find(':');
    let before_path = lower.find(['/', '?', '#']).unwrap_or(lower.len());
    let relative = scheme_end.is_none_or(|colon| colon > before_path);
    let allowed = ["http:", "https:", "mailto:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme));
    if relative || allowed {
        url
    } else {
        CowStr::Borrowed("#")
    }
}

#[cfg(test)]
mod tests {
    use super::to_safe_html;

    #[test]
    fn markdown_becomes_html() {
        assert_eq!(
            to_safe_html("Hello **world**.\n\nSecond [link](https://example.com/a?b=1)."),
            "<p>Hello <strong>world</strong>.</p>\n<p>Second <a href=\"https://example.com/a?b=1\">link</a>.</p>\n"
        );
        assert!(to_safe_html("- one\n- two").contains("<li>one</li>"));
        assert!(to_safe_html("[home](/products/x)").contains("href=\"/products/x\""));
    }

    #[test]
    fn no_script_survives() {
        for attack in [
            "<script>alert(1)</script>",
            "hi <img src=x onerror=alert(1)> there",
            "<a href=\"javascript:alert(1)\">x</a>",
            "[x](javascript:alert(1))",
            "[x](JaVaScRiPt:alert(1))",
            "[x](java\tscript:alert(1))",
            "![x](javascript:alert(1))",
            "[x](data:text/html;base64,PHNjcmlwdD4=)",
            "[x](vbscript:msgbox)",
        ] {
            let html = to_safe_html(attack);
            let lower = html.to_ascii_lowercase();
            assert!(!lower.contains("<script"), "{attack} -> {html}");
            assert!(!lower.contains("<img src=x"), "{attack} -> {html}");
            assert!(
                !lower.contains("javascript:") || lower.contains("&lt;"),
                "{attack} -> {html}"
            );
            assert!(
                !lower.contains("href=\"data:") && !lower.contains("href=\"vbscript:"),
                "{attack} -> {html}"
            );
            assert!(!lower.contains("src=\"javascript:"), "{attack} -> {html}");
        }
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        assert_eq!(
            to_safe_html("<b>bold?</b>"),
            "<p>&lt;b&gt;bold?&lt;/b&gt;</p>\n"
        );
    }
}
