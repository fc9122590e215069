//! `/studio/p/:id/income`: this month's income net of fees, what the next charge runs should
//! bring, progress towards the goal, and the last 12 months as a chart drawn on the server.

use super::{id_param, load_failed};
use crate::api::refunds::get_page_donations;
use crate::api::reports::get_income;
use crate::components::chart::BarChart;
use crate::components::donations::PageDonations;
use crate::error::AppError;
use crate::i18n::{arg, num};
use crate::model::RecipientKind;
use crate::model::format_money;
use crate::model::reports::IncomeReport;
use crate::model::trail::PageDonationRow;
use crate::t;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn IncomePage() -> impl IntoView {
    let id = id_param("id");
    let data = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_income(id).await,
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
                    (Ok(r), Ok(donations)) => view! { <IncomeView r donations/> }.into_any(),
                    (Err(e), _) | (_, Err(e)) => load_failed(e, format!("/studio/p/{}/income", id.get_untracked().unwrap_or_default())),
                }
            })}
        </Suspense>
    }
}

/// Whole percent of `part` in `whole`, at most 100, in integers.
fn percent(part: i64, whole: i64) -> i64 {
    if whole <= 0 {
        return 0;
    }
    (i128::from(part.max(0)) * 100 / i128::from(whole)).min(100) as i64
}

#[component]
fn IncomeView(donations: Vec<PageDonationRow>, r: IncomeReport) -> impl IntoView {
    let base = format!("/studio/p/{}", r.recipient_id);
    let c = r.currency.clone();
    let money = move |m: i64| format_money(m, &c);
    let goal_label = match r.kind {
        RecipientKind::Creator => t!("studio-income-goal-creator"),
        RecipientKind::Cause => t!("studio-income-goal-cause"),
    };
    let goal = r.goal_minor.map(|g| {
        let pct = percent(r.goal_progress_minor, g);
        let text = match r.kind {
            RecipientKind::Creator => t!(
                "studio-income-goal-creator-progress",
                progress = arg(money(r.goal_progress_minor)),
                goal = arg(money(g)),
                percent = num(pct)
            ),
            RecipientKind::Cause => t!(
                "studio-income-goal-cause-progress",
                progress = arg(money(r.goal_progress_minor)),
                goal = arg(money(g)),
                percent = num(pct)
            ),
        };
        view! {
            <div class="stat">
                <h2 class="stat-label">{goal_label.clone()}</h2>
                <p class="stat-value">{format!("{pct}%")}</p>
                <progress class="goal" max="100" value=pct aria-label=goal_label>{format!("{pct}%")}</progress>
                <p class="muted">{text}</p>
            </div>
        }
    });
    let l = crate::i18n::current();
    let month = move |m: &crate::model::reports::MonthIncome| l.month(m.year, m.month_of_year);
    let first = r.months.first().map(month).unwrap_or_default();
    let last = r.months.last().map(month).unwrap_or_default();
    let total = r
        .months
        .iter()
        .map(|m| m.net_minor)
        .fold(0i64, i64::saturating_add);
    let desc = t!(
        "studio-income-chart-desc",
        first = arg(first),
        last = arg(last),
        total = arg(money(total))
    );
    let bars: Vec<(String, i64)> = r.months.iter().map(|m| (month(m), m.net_minor)).collect();
    view! {
        <Title text=t!("studio-income-title", name = arg(&r.name))/>
        <section class="page studio">
            <p><a href=base.clone()>{t!("studio-back", name = arg(&r.name))}</a></p>
            <header class="page-head">
                <h1>{t!("studio-nav-income")}</h1>
                <p class="lead">{t!("studio-income-lead")}</p>
            </header>
            <div class="stats">
                <div class="stat">
                    <h2 class="stat-label">{t!("studio-income-this-month")}</h2>
                    <p class="stat-value" id="this-month">{money(r.this_month_net_minor)}</p>
                </div>
                <div class="stat">
                    <h2 class="stat-label">{t!("studio-income-forecast")}</h2>
                    <p class="stat-value" id="forecast">{money(r.forecast_minor)}</p>
                    <p class="muted">{t!("studio-income-forecast-from", count = num(r.active_pledges))}</p>
                </div>
                {goal}
            </div>
            <section class="panel" aria-labelledby="history-title">
                <h2 id="history-title">{t!("studio-income-history")}</h2>
                <BarChart title=t!("studio-income-chart-title") desc currency=r.currency.clone() bars/>
            </section>
            <section class="panel" aria-labelledby="donations-title">
                <h2 id="donations-title">{t!("studio-latest-donations")}</h2>
                <p class="muted">{t!("studio-income-donations-help")}</p>
                <PageDonations recipient_id=r.recipient_id rows=donations title_id="donations-title"/>
            </section>
        </section>
    }
    .into_any()
}
