//! Markdown from creators becomes HTML that is safe to put on a page: CommonMark rendered by
//! pulldown-cmark, then cleaned by ammonia (no scripts, no event handlers, safe links only).

use pulldown_cmark::{Options, Parser, html};

/// Renders `markdown` to sanitised HTML.
pub fn to_safe_html(markdown: &str) -> String {
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES,
    );
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, parser);
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow ugc"))
        .clean(&raw)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_is_rendered() {
        let html = to_safe_html("# Hi\n\n**bold** and [a link](https://example.org)");
        assert!(html.contains("<h1>Hi</h1>"));
        assert!(html.contains("<strong>bold</strong>"));
        assert!(html.contains("href=\"https://example.org\""));
        assert!(html.contains("rel=\"noopener noreferrer nofollow ugc\""));
    }

    #[test]
    fn scripts_and_handlers_are_removed() {
        let html = to_safe_html(
            "<script>alert(1)</script><img src=x onerror=alert(2)>[x](javascript:alert(3))",
        );
        assert!(!html.contains("<script"));
        assert!(!html.contains("onerror"));
        assert!(!html.contains("href=\"javascript:"), "{html}");
        assert!(html.contains("x"), "the link text stays");
    }
}
