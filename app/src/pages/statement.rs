//! `/account/billing/statement?year=YYYY`: every donation the supporter paid in a year, across
//! all recipients, with totals per currency and a CSV download of the same.

use crate::api::reports::get_statement;
use crate::error::AppError;
use crate::model::format_money;
use crate::model::reports::Statement;
use crate::pages::not_found::ErrorPanel;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

#[component]
pub fn StatementPage() -> impl IntoView {
    let query = use_query_map();
    let year = Memo::new(move |_| {
        query.with(|q| q.get("year").and_then(|y| y.trim().parse::<i32>().ok()))
    });
    let data = Resource::new(move || year.get(), get_statement);
    view! {
        <Title text="Yearly statement"/>
        <section class="page">
            <p><a href="/account/billing">"← Billing"</a></p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(s) => view! { <StatementView s/> }.into_any(),
                        Err(AppError::Unauthenticated) => {
                            view! { <Redirect path="/login?next=/account/billing/statement"/> }.into_any()
                        }
                        Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
    .into_any()
}

#[component]
fn StatementView(s: Statement) -> impl IntoView {
    let year = s.year;
    let csv = format!("/account/billing/statement.csv?year={year}");
    let empty = s.rows.is_empty();
    view! {
        <header class="page-head">
            <h1>{format!("Statement for {year}")}</h1>
            <p class="lead">"Every donation paid this year, across all the creators and causes you support: what you gave, the fees it bore and what reached the recipient."</p>
        </header>
        <form method="get" action="/account/billing/statement" class="filter-form">
            <label for="year">"Year"</label>
            <input id="year" name="year" type="number" min="2000" max="2200" value=year.to_string() inputmode="numeric"/>
            <button type="submit" class="button button-secondary">"Show"</button>
            " "
            <a class="button button-secondary" href=csv download>"Download CSV"</a>
        </form>
        {if empty {
            view! { <p class="muted">{format!("No donations were paid in {year}.")}</p> }.into_any()
        } else {
            view! {
                <section class="panel" aria-labelledby="totals-title">
                    <h2 id="totals-title">"Totals"</h2>
                    <div class="table-wrap" tabindex="0" role="region" aria-labelledby="totals-title">
                        <table class="items statement-totals stack">
                            <caption class="visually-hidden">{format!("Totals for {year} by currency")}</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"Currency"</th>
                                    <th scope="col" class="num">"Gross"</th>
                                    <th scope="col" class="num">"Fees"</th>
                                    <th scope="col" class="num">"Platform fee"</th>
                                    <th scope="col" class="num">"Net"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {s.totals.iter().map(|t| {
                                    let c = t.currency.clone();
                                    view! {
                                        <tr data-currency=c.clone()>
                                            <th scope="row">{c.clone()}</th>
                                            <td class="num" data-label="Gross">{format_money(t.gross_minor, &c)}</td>
                                            <td class="num" data-label="Fee share">{format_money(t.fee_minor, &c)}</td>
                                            <td class="num" data-label="Platform fee">{format_money(t.platform_fee_minor, &c)}</td>
                                            <td class="num" data-label="Net">{format_money(t.net_minor, &c)}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                </section>
                <section class="panel" aria-labelledby="donations-title">
                    <h2 id="donations-title">"Donations"</h2>
                    // Wider than a phone: the scrolling box takes keyboard focus and has a name.
                    <div class="table-wrap" tabindex="0" role="region" aria-labelledby="donations-title">
                        <table class="items statement stack">
                            <caption class="visually-hidden">{format!("Donations paid in {year}")}</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"Date"</th>
                                    <th scope="col">"Recipient"</th>
                                    <th scope="col" class="num">"Gross"</th>
                                    <th scope="col" class="num">"Fee share"</th>
                                    <th scope="col" class="num">"Platform fee"</th>
                                    <th scope="col" class="num">"Net"</th>
                                    <th scope="col">"Charge"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {s.rows.iter().map(|r| {
                                    let c = r.currency.clone();
                                    view! {
                                        <tr>
                                            <td data-label="Date">{crate::model::day_label(&r.date)}</td>
                                            <td>
                                                <a class="item-name" href=format!("/c/{}", r.recipient_slug)>{r.recipient_name.clone()}</a>
                                                <span class="item-label">{r.label.clone()}</span>
                                            </td>
                                            <td class="num" data-label="Gross">{format_money(r.gross_minor, &c)}</td>
                                            <td class="num" data-label="Fee share">{format_money(r.fee_minor, &c)}</td>
                                            <td class="num" data-label="Platform fee">{format_money(r.platform_fee_minor, &c)}</td>
                                            <td class="num" data-label="Net">{format_money(r.net_minor, &c)}</td>
                                            <td data-label="Charge"><code>{r.charge_ref.clone()}</code></td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                </section>
            }.into_any()
        }}
    }
    .into_any()
}
