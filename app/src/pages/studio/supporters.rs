//! `/studio/p/:id/supporters?status=…`: the page's supporters with their tier, monthly amount,
//! start and status, filtered by a plain GET form, with a CSV download of the same list.
//! Supporters who chose to be anonymous or private appear without their identity.

use super::{id_param, load_failed};
use crate::api::refunds::get_page_donations;
use crate::api::reports::get_supporters;
use crate::components::donations::PageDonations;
use crate::error::AppError;
use crate::i18n::arg;
use crate::model::PledgeStatus;
use crate::model::format_money;
use crate::model::reports::SupportersReport;
use crate::model::trail::PageDonationRow;
use crate::t;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The filter's choices: value and label.
fn filters() -> [(&'static str, String); 5] {
    [
        ("", t!("studio-filter-all")),
        ("active", status_name(PledgeStatus::Active)),
        ("past_due", status_name(PledgeStatus::PastDue)),
        ("paused", status_name(PledgeStatus::Paused)),
        ("cancelled", status_name(PledgeStatus::Cancelled)),
    ]
}

/// A pledge's status as the reader's language names it.
fn status_name(status: PledgeStatus) -> String {
    match status {
        PledgeStatus::Active => t!("studio-status-active"),
        PledgeStatus::PastDue => t!("studio-status-past-due"),
        PledgeStatus::Paused => t!("studio-status-paused"),
        PledgeStatus::Cancelled => t!("studio-status-cancelled"),
    }
}

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
        <Suspense fallback=|| view! { <p class="page">{t!("studio-loading")}</p> }>
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
        <Title text=t!("studio-supporters-title", name = arg(&r.name))/>
        <section class="page studio">
            <p><a href=base.clone()>{t!("studio-back", name = arg(&r.name))}</a></p>
            <header class="page-head">
                <h1>{t!("studio-nav-supporters")}</h1>
                <p class="lead">{t!("studio-supporters-lead")}</p>
            </header>
            {refunded.map(|item| view! {
                <div class="alert alert-success" role="status" id="refunded">
                    {t!("studio-supporters-refunded", item = arg(item.to_string()))}
                </div>
            })}
            <form method="get" action=format!("{base}/supporters") class="filter-form">
                <label for="status">{t!("studio-status")}</label>
                <select id="status" name="status">
                    {filters().into_iter().map(|(value, label)| {
                        let on = selected == value;
                        view! { <option value=value selected=on>{label}</option> }
                    }).collect_view()}
                </select>
                <button type="submit" class="button button-secondary">{t!("studio-filter")}</button>
                " "
                <a class="button button-secondary" href=csv download>{t!("studio-download-csv")}</a>
            </form>
            {if empty {
                view! { <p class="muted">{t!("studio-supporters-none")}</p> }.into_any()
            } else {
                view! {
                    // Wider than a phone: the scrolling box takes keyboard focus and has a name.
                    <div class="table-wrap" tabindex="0" role="region" aria-label=t!("studio-supporters-table")>
                        <table class="items supporters">
                            <caption class="visually-hidden">{t!("studio-supporters-caption")}</caption>
                            <thead>
                                <tr>
                                    <th scope="col">{t!("studio-col-supporter")}</th>
                                    <th scope="col">{t!("studio-col-tier")}</th>
                                    <th scope="col" class="num">{t!("studio-col-monthly")}</th>
                                    <th scope="col">{t!("studio-col-since")}</th>
                                    <th scope="col">{t!("studio-status")}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {r.rows.into_iter().map(|s| view! {
                                    <tr>
                                        <td>{s.name}</td>
                                        <td>{s.tier}</td>
                                        <td class="num">{format_money(s.amount_minor, &s.currency)}</td>
                                        <td>{crate::model::day_label(&s.since)}</td>
                                        <td><span class=format!("badge status-{}", s.status.css())>{status_name(s.status)}</span></td> // i18n: not for people
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            <section class="panel" aria-labelledby="donations-title">
                <h2 id="donations-title">{t!("studio-latest-donations")}</h2>
                <p class="muted">{t!("studio-supporters-donations-help")}</p>
                <PageDonations recipient_id=r.recipient_id rows=donations title_id="donations-title"/>
            </section>
        </section>
    }
    .into_any()
}
