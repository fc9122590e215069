//! `/api/v1` for people: the OpenAPI document rendered as one plain HTML page listing every
//! route with its parameters and answers. Rendered once at start-up on the server; no script,
//! so it needs nothing the CSP forbids.

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{OpenApi, Required};

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Backquoted words as `<code>`, the rest escaped.
fn text(s: &str) -> String {
    esc(s)
        .split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("<code>{part}</code>")
            } else {
                part.to_owned()
            }
        })
        .collect()
}

fn operation(path: &str, op: &Operation) -> String {
    let needs_token = op
        .tags
        .as_ref()
        .is_some_and(|t| t.iter().any(|t| t == "owner"));
    let id = op.operation_id.clone().unwrap_or_default();
    let mut html = format!(
        "<section class=\"panel stack\" id=\"{}\"><h3><code>GET {}</code></h3>",
        esc(&id),
        esc(path)
    );
    if let Some(summary) = &op.summary {
        html.push_str(&format!("<p><strong>{}</strong></p>", text(summary)));
    }
    if let Some(description) = &op.description {
        html.push_str(&format!("<p>{}</p>", text(description)));
    }
    html.push_str(if needs_token {
        "<p>Needs a token: <code>Authorization: Bearer chipin_pat_…</code></p>"
    } else {
        "<p>Public: no key, any origin.</p>"
    });
    if let Some(params) = op.parameters.as_ref().filter(|p| !p.is_empty()) {
        html.push_str("<dl class=\"facts\">");
        for p in params {
            let place = match p.parameter_in {
                ParameterIn::Path => "in the path",
                ParameterIn::Query => "query",
                ParameterIn::Header => "header",
                ParameterIn::Cookie => "cookie",
            };
            let required = if matches!(p.required, Required::True) {
                ", required"
            } else {
                ""
            };
            html.push_str(&format!(
                "<dt><code>{}</code></dt><dd>{}{} — {}</dd>",
                esc(&p.name),
                place,
                required,
                text(p.description.as_deref().unwrap_or(""))
            ));
        }
        html.push_str("</dl>");
    }
    html.push_str("<ul>");
    for (status, response) in &op.responses.responses {
        let description = match response {
            utoipa::openapi::RefOr::T(r) => r.description.clone(),
            utoipa::openapi::RefOr::Ref(r) => r.ref_location.clone(),
        };
        html.push_str(&format!(
            "<li><code>{}</code> {}</li>",
            esc(status),
            text(&description)
        ));
    }
    html.push_str("</ul></section>");
    html
}

/// The page listing every operation of `doc`.
pub fn render(doc: &OpenApi) -> String {
    let mut body = String::new();
    for (path, item) in &doc.paths.paths {
        if let Some(op) = &item.get {
            body.push_str(&operation(path, op));
        }
    }
    let intro = doc
        .info
        .description
        .as_deref()
        .map(text)
        .unwrap_or_default();
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · Chipin</title><link rel=\"stylesheet\" href=\"/pkg/chipin.css\">\
         <link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\"></head>\
         <body><main class=\"page narrow api-docs\"><h1>{title}</h1><p class=\"lead\">{intro}</p>\
         <p>The machine-readable description: <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a> (OpenAPI 3.1). \
         Create a token on <a href=\"/account#api-tokens\">your account page</a>.</p>\
         <h2>Routes</h2>{body}</main></body></html>",
        title = esc(&doc.info.title),
    )
}
