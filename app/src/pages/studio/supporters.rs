//! `/studio/p/:id/supporters?status=…`: the page's supporters with their tier, monthly amount,
//! start and status, filtered by a plain GET form, with a CSV download of the same list.
//! Supporters who chose to be anonymous or private appear without their identity.

use super::{id_param, load_failed};
use crate::api::refunds::get_page_donations;
use crate::api::reports::get_supporters;
use crate::components::donations::PageDonations;
use crate::error::AppError;
use crate::model::format_money;
use crate::model::reports::SupportersReport;
use crate::model::trail::PageDonationRow;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The filter's choices: value and label.
const FILTERS: &[(&str, &str)] = &[
    ("", "All"),
    ("active", "Active"),
    ("past_due", "Past due"),
    ("paused", "Paused"),
    ("cancelled", "Cancelled"),
];

#[component]
pub fn SupportersPage() -> impl IntoView {
    let id = id_param("id");
    let query = use_query_map();
    let status = Memo::new(move |_| query.with(|q| q.get("status").filter(|s| !s.is_empty())));
    let data = Resource::new(
        move || (id.get(), status.get()),
        |(id, status)| async move {
            match id {
                Some(id) => get_supporters(id, status).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let donations = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_page_donations(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="page">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match (data.await, donations.await) {
                    (Ok(r), Ok(donations)) => view! { <SupportersView r donations/> }.into_any(),
                    (Err(e), _) | (_, Err(e)) => load_failed(e, format!("/studio/p/{}/supporters", id.get_untracked().unwrap_or_default())),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SupportersView(donations: Vec<PageDonationRow>, r: SupportersReport) -> impl IntoView {
    let base = format!("/studio/p/{}", r.recipient_id);
    let selected = r.status.clone().unwrap_or_default();
    let csv = match &r.status {
        Some(s) => format!("{base}/supporters.csv?status={s}"),
        None => format!("{base}/supporters.csv"),
    };
    let empty = r.rows.is_empty();
    let refunded = use_query_map()
        .with_untracked(|q| q.get("refunded"))
        .and_then(|i| i.parse::<i64>().ok());
    view! {
        <Title text=format!("Supporters: {}", r.name)/>
        <section class="page studio">
            <p><a href=base.clone()>{format!("← {}", r.name)}</a></p>
            <header class="page-head">
                <h1>"Supporters"</h1>
                <p class="lead">"Everyone who pledges monthly to your page. Supporters who chose to stay anonymous or private are shown without their name."</p>
            </header>
            {refunded.map(|item| view! {
                <div class="alert alert-success" role="status" id="refunded">
                    {format!("Donation #{item} refunded. The supporter's bank usually shows it within 5–10 business days.")}
                </div>
            })}
            <form method="get" action=format!("{base}/supporters") class="filter-form">
                <label for="status">"Status"</label>
                <select id="status" name="status">
                    {FILTERS.iter().map(|(value, label)| {
                        let on = selected == *value;
                        view! { <option value=*value selected=on>{*label}</option> }
                    }).collect_view()}
                </select>
                <button type="submit" class="button button-secondary">"Filter"</button>
                " "
                <a class="button button-secondary" href=csv download>"Download CSV"</a>
            </form>
            {if empty {
                view! { <p class="muted">"No supporters to show yet."</p> }.into_any()
            } else {
                view! {
                    // Wider than a phone: the scrolling box takes keyboard focus and has a name.
                    <div class="table-wrap" tabindex="0" role="region" aria-label="Supporters table">
                        <table class="items supporters">
                            <caption class="visually-hidden">"Supporters of this page"</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"Supporter"</th>
                                    <th scope="col">"Tier"</th>
                                    <th scope="col" class="num">"Monthly"</th>
                                    <th scope="col">"Since"</th>
                                    <th scope="col">"Status"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {r.rows.into_iter().map(|s| view! {
                                    <tr>
                                        <td>{s.name}</td>
                                        <td>{s.tier}</td>
                                        <td class="num">{format_money(s.amount_minor, &s.currency)}</td>
                                        <td>{crate::model::day_label(&s.since)}</td>
                                        <td><span class=format!("badge status-{}", s.status.css())>{s.status.label()}</span></td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            <section class="panel" aria-labelledby="donations-title">
                <h2 id="donations-title">"Latest donations"</h2>
                <p class="muted">"Each charged donation, with its refund or a link to refund it."</p>
                <PageDonations recipient_id=r.recipient_id rows=donations title_id="donations-title"/>
            </section>
        </section>
    }
    .into_any()
}
