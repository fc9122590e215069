//! A page's latest donations as its owner sees them: refunded ones marked with the amount and
//! day, the others with a link to the refund confirmation page. Shown on the studio's
//! supporters, income and refunds pages.

use crate::model::format_money;
use crate::model::trail::PageDonationRow;
use leptos::prelude::*;

/// The donations table of page `recipient_id`, titled by the heading `title_id`.
#[component]
pub fn PageDonations(
    recipient_id: i64,
    rows: Vec<PageDonationRow>,
    #[prop(into)] title_id: String,
) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="muted">"No charged donations yet."</p> }.into_any();
    }
    let body = rows
        .into_iter()
        .map(|d| {
            let c = d.currency.clone();
            let refunded = d.refunded_minor > 0;
            let mark = refunded.then(|| {
                let text = if d.refundable {
                    format!("Partly refunded: {}", format_money(d.refunded_minor, &c))
                } else {
                    format!("Refunded: {}", format_money(d.refunded_minor, &c))
                };
                view! {
                    <span class="badge status-off">{text}</span>
                    {d.refunded_on.clone().map(|on| view! { <span class="muted">{format!(" on {}", crate::model::day_label(&on))}</span> })}
                }
            });
            let link = d.refundable.then(|| {
                view! {
                    " "
                    <a href=format!("/studio/p/{recipient_id}/refund/{}", d.item_id)
                        aria-label=format!("Refund donation #{}", d.item_id)>"Refund"</a>
                }
            });
            view! {
                <tr id=format!("donation-{}", d.item_id)>
                    <td data-label="Charged">{crate::model::day_label(&d.charged_on)}</td>
                    <td data-label="Donation">{format!("#{} ", d.item_id)}{d.label}</td>
                    <td class="num" data-label="Amount">{format_money(d.gross_minor, &c)}</td>
                    <td data-label="Refund">{mark}{link}</td>
                </tr>
            }
        })
        .collect_view();
    let table_title = title_id.clone();
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-labelledby=title_id>
            <table class="items page-donations stack" aria-labelledby=table_title>
                <thead><tr>
                    <th scope="col">"Charged"</th>
                    <th scope="col">"Donation"</th>
                    <th scope="col" class="num">"Amount"</th>
                    <th scope="col">"Refund"</th>
                </tr></thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
    .into_any()
}
