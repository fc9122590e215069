//! A page's latest donations as its owner sees them: refunded ones marked with the amount and
//! day, the others with a link to the refund confirmation page. Shown on the studio's
//! supporters, income and refunds pages.

use crate::i18n::arg;
use crate::model::format_money;
use crate::model::trail::PageDonationRow;
use crate::t;
use leptos::prelude::*;

/// A refund's reason: the label of a refund reason code (`refunds::REASONS`) in the reader's
/// language, or the words of whoever refunded as they wrote them.
pub fn refund_reason(reason: &str) -> String {
    match reason {
        // The second is Stripe's code for a refund made in its dashboard.
        "requested_by_supporter" | "requested_by_customer" => {
            t!("studio-refund-reason-requested-by-supporter")
        }
        "duplicate" => t!("studio-refund-reason-duplicate"),
        "mistake" => t!("studio-refund-reason-mistake"),
        "fraudulent" => t!("studio-refund-reason-fraudulent"),
        "goodwill" => t!("studio-refund-reason-goodwill"),
        other => other.to_owned(),
    }
}

/// A pledge period (`2026-12`) in the request's language; see [`crate::i18n::Locale::period`].
pub fn period_label(period: &str) -> String {
    crate::i18n::current().period(period)
}

/// The donations table of page `recipient_id`, titled by the heading `title_id`.
#[component]
pub fn PageDonations(
    recipient_id: i64,
    rows: Vec<PageDonationRow>,
    #[prop(into)] title_id: String,
) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="muted">{t!("give-page-donations-empty")}</p> }.into_any();
    }
    let body = rows
        .into_iter()
        .map(|d| {
            let c = d.currency.clone();
            let refunded = d.refunded_minor > 0;
            let mark = refunded.then(|| {
                let text = if d.refundable {
                    t!("give-partly-refunded", amount = arg(format_money(d.refunded_minor, &c)))
                } else {
                    t!("give-refunded", amount = arg(format_money(d.refunded_minor, &c)))
                };
                view! {
                    <span class="badge status-off">{text}</span>
                    {d.refunded_on.clone().map(|on| view! { <span class="muted">" "{t!("give-refunded-on", day = arg(crate::model::day_label(&on)))}</span> })}
                }
            });
            let link = d.refundable.then(|| {
                view! {
                    " "
                    <a href=format!("/studio/p/{recipient_id}/refund/{}", d.item_id)
                        aria-label=t!("give-refund-donation", id = arg(d.item_id.to_string()))>{t!("give-refund")}</a>
                }
            });
            view! {
                <tr id=format!("donation-{}", d.item_id)>
                    <td data-label=t!("give-col-charged")>{crate::model::day_label(&d.charged_on)}</td>
                    <td data-label=t!("give-col-donation")>{format!("#{} ", d.item_id)}{d.kind.name()}</td>
                    <td class="num" data-label=t!("pub-col-amount")>{format_money(d.gross_minor, &c)}</td>
                    <td data-label=t!("give-refund")>{mark}{link}</td>
                </tr>
            }
        })
        .collect_view();
    let table_title = title_id.clone();
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-labelledby=title_id>
            <table class="items page-donations stack" aria-labelledby=table_title>
                <thead><tr>
                    <th scope="col">{t!("give-col-charged")}</th>
                    <th scope="col">{t!("give-col-donation")}</th>
                    <th scope="col" class="num">{t!("pub-col-amount")}</th>
                    <th scope="col">{t!("give-refund")}</th>
                </tr></thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
    .into_any()
}
