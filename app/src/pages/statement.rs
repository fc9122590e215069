//! `/account/billing/statement?year=YYYY`: every donation the supporter paid in a year, across
//! all recipients, with totals per currency and a CSV download of the same.

use crate::api::reports::get_statement;
use crate::error::AppError;
use crate::model::format_money;
use crate::model::reports::Statement;
use crate::pages::not_found::ErrorPanel;
use crate::t;
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
        <Title text=t!("give-statement-title")/>
        <section class="page">
            <p><a href="/account/billing">"← "{t!("give-back-to-billing")}</a></p>
            <Suspense fallback=|| view! { <p>{t!("pub-loading")}</p> }>
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

/// A year for a message: a plain number, without the grouping a count gets (2026, not 2,026).
fn year_arg(year: i32) -> fluent_templates::fluent_bundle::FluentValue<'static> {
    crate::i18n::arg(year.to_string())
}

#[component]
fn StatementView(s: Statement) -> impl IntoView {
    let year = s.year;
    let csv = format!("/account/billing/statement.csv?year={year}");
    let empty = s.rows.is_empty();
    view! {
        <header class="page-head">
            <h1>{t!("give-statement-heading", year = year_arg(year))}</h1>
            <p class="lead">{t!("give-statement-lead")}</p>
        </header>
        <form method="get" action="/account/billing/statement" class="filter-form">
            <label for="year">{t!("give-statement-year")}</label>
            <input id="year" name="year" type="number" min="2000" max="2200" value=year.to_string() inputmode="numeric"/>
            <button type="submit" class="button button-secondary">{t!("give-statement-show")}</button>
            " "
            <a class="button button-secondary" href=csv download>{t!("give-statement-csv")}</a>
        </form>
        {if empty {
            view! { <p class="muted">{t!("give-statement-empty", year = year_arg(year))}</p> }.into_any()
        } else {
            view! {
                <section class="panel" aria-labelledby="totals-title">
                    <h2 id="totals-title">{t!("give-statement-totals")}</h2>
                    <div class="table-wrap" tabindex="0" role="region" aria-labelledby="totals-title">
                        <table class="items statement-totals stack">
                            <caption class="visually-hidden">{t!("give-statement-totals-caption", year = year_arg(year))}</caption>
                            <thead>
                                <tr>
                                    <th scope="col">{t!("give-col-currency")}</th>
                                    <th scope="col" class="num">{t!("give-col-gross")}</th>
                                    <th scope="col" class="num">{t!("pub-col-fees")}</th>
                                    <th scope="col" class="num">{t!("give-col-platform-fee")}</th>
                                    <th scope="col" class="num">{t!("give-col-net")}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {s.totals.iter().map(|t| {
                                    let c = t.currency.clone();
                                    view! {
                                        <tr data-currency=c.clone()>
                                            <th scope="row">{c.clone()}</th>
                                            <td class="num" data-label=t!("give-col-gross")>{format_money(t.gross_minor, &c)}</td>
                                            <td class="num" data-label=t!("give-col-fee-share")>{format_money(t.fee_minor, &c)}</td>
                                            <td class="num" data-label=t!("give-col-platform-fee")>{format_money(t.platform_fee_minor, &c)}</td>
                                            <td class="num" data-label=t!("give-col-net")>{format_money(t.net_minor, &c)}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                </section>
                <section class="panel" aria-labelledby="donations-title">
                    <h2 id="donations-title">{t!("pub-col-donations")}</h2>
                    // Wider than a phone: the scrolling box takes keyboard focus and has a name.
                    <div class="table-wrap" tabindex="0" role="region" aria-labelledby="donations-title">
                        <table class="items statement stack">
                            <caption class="visually-hidden">{t!("give-statement-donations-caption", year = year_arg(year))}</caption>
                            <thead>
                                <tr>
                                    <th scope="col">{t!("pub-col-date")}</th>
                                    <th scope="col">{t!("give-col-recipient")}</th>
                                    <th scope="col" class="num">{t!("give-col-gross")}</th>
                                    <th scope="col" class="num">{t!("give-col-fee-share")}</th>
                                    <th scope="col" class="num">{t!("give-col-platform-fee")}</th>
                                    <th scope="col" class="num">{t!("give-col-net")}</th>
                                    <th scope="col">{t!("give-col-charge")}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {s.rows.iter().map(|r| {
                                    let c = r.currency.clone();
                                    view! {
                                        <tr>
                                            <td data-label=t!("pub-col-date")>{crate::model::day_label(&r.date)}</td>
                                            <td>
                                                <a class="item-name" href=format!("/c/{}", r.recipient_slug)>{r.recipient_name.clone()}</a>
                                                <span class="item-label">{r.kind.name()}</span>
                                            </td>
                                            <td class="num" data-label=t!("give-col-gross")>{format_money(r.gross_minor, &c)}</td>
                                            <td class="num" data-label=t!("give-col-fee-share")>{format_money(r.fee_minor, &c)}</td>
                                            <td class="num" data-label=t!("give-col-platform-fee")>{format_money(r.platform_fee_minor, &c)}</td>
                                            <td class="num" data-label=t!("give-col-net")>{format_money(r.net_minor, &c)}</td>
                                            <td data-label=t!("give-col-charge")><code>{r.charge_ref.clone()}</code></td>
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
