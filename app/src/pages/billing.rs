//! The supporter's billing page: the upcoming charge, their pledges, past charges split into
//! donations, the payment method and the billing day.
//!
//! Every form is a plain post that reloads this page, with or without WebAssembly. A refused
//! post comes back with its error in the URL, which the matching `ServerAction` picks up.

use crate::api::pledges::{
    CancelPledge, ChangePledgeAmount, ChangeTip, PausePledge, RemoveTip, ResumePledge,
    SetBillingDay, SetPaymentMethod, StartCardSetup, get_billing_dashboard,
};
use crate::components::form::{
    ConfirmLarge, CsrfField, FieldError, FormAlert, Typed, action_error, invalid,
};
use crate::components::meta::PageMeta;
use crate::error::AppError;
use crate::i18n::{arg, num};
use crate::model::{
    BillingDashboard, ChargeStatus, DeclineReason, DonationStatus, ItemKind, PastCharge, PledgeRow,
    PledgeStatus, UpcomingCharge, day_label, format_money,
};
use crate::pages::not_found::ErrorPanel;
use crate::t;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

#[component]
pub fn BillingPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_billing_dashboard());
    view! {
        <PageMeta title=t!("bill-title") description=t!("bill-description")/>
        <section class="page">
            <Suspense fallback=|| view! { <p>{t!("acct-loading")}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(d) => view! { <BillingView data=d/> }.into_any(),
                        Err(AppError::Unauthenticated) => {
                            view! { <Redirect path="/login?next=/account/billing"/> }.into_any()
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
fn BillingView(data: BillingDashboard) -> impl IntoView {
    let query = use_query_map();
    // After a failed post, the address's earlier "Thank you!" is stale.
    let failed = crate::components::form::came_back_failed();
    let param = move |k: &str| query.with_untracked(|q| q.get(k)).filter(|_| !failed);
    let added = param("added").and_then(|kind| {
        let r = data.recent.clone()?;
        let amount = format_money(r.amount_minor, &r.currency);
        let amount = arg(amount);
        let recipient = arg(r.recipient_name.clone());
        let day = arg(day_label(&r.collect_day));
        let currency = arg(r.currency.clone());
        Some(
            match (kind == "pledge" && r.is_pledge, r.collect_day.is_empty()) {
                (true, true) => t!(
                    "bill-added-pledge-next",
                    amount = amount,
                    recipient = recipient
                ),
                (true, false) => t!(
                    "bill-added-pledge-on",
                    amount = amount,
                    recipient = recipient,
                    day = day,
                    currency = currency
                ),
                (false, true) => t!(
                    "bill-added-tip-next",
                    amount = amount,
                    recipient = recipient
                ),
                (false, false) => t!(
                    "bill-added-tip-on",
                    amount = amount,
                    recipient = recipient,
                    day = day,
                    currency = currency
                ),
            },
        )
    });
    let done = param("done").and_then(|d| {
        Some(match d.as_str() {
            "changed" => t!("bill-done-changed"),
            "paused" => t!("bill-done-paused"),
            "resumed" => t!("bill-done-resumed"),
            "cancelled" => t!("bill-done-cancelled"),
            "tip_changed" => t!("bill-done-tip-changed"),
            "tip_removed" => t!("bill-done-tip-removed"),
            _ => return None,
        })
    });
    let saved = param("saved").and_then(|s| {
        Some(match s.as_str() {
            "payment_method" => t!("bill-saved-payment-method"),
            "billing_day" => t!("bill-saved-billing-day"),
            _ => return None,
        })
    });
    let notice = added.or(done).or(saved).or(param("cancelled")
        .filter(|c| c == "payment_method")
        .map(|_| t!("bill-card-cancelled")));
    let card_error = param("card").and_then(|c| {
        Some(match c.as_str() {
            "not_saved" => t!("bill-card-not-saved"),
            "unreachable" => t!("bill-card-unreachable"),
            "unverified" => t!("bill-card-unverified"),
            "too_many_cards" => t!("bill-card-too-many-cards"),
            "too_many_failures" => t!("bill-card-too-many-failures"),
            _ => return None,
        })
    });
    let needs_method = data.payment_method.is_none() && !data.upcoming.is_empty();
    view! {
        <header class="page-head">
            <h1>{t!("bill-title")}</h1>
            <p class="lead">{t!("bill-lead")}</p>
            <p><a href="/account/billing/statement">{t!("bill-statement-link")}</a></p>
        </header>
        {notice.map(|n| view! { <div class="alert alert-success" role="status">{n}</div> })}
        {card_error.map(|e| view! { <div class="alert alert-error" role="alert">{e}</div> })}
        {data.attention.clone().map(|c| view! { <AttentionBanner charge=c/> })}
        {needs_method.then(|| view! {
            <div class="alert alert-warning" role="note">
                {t!("bill-needs-method")} " "
                <a href="#payment-method">{t!("bill-choose-below")}</a>
            </div>
        })}
        <div class="billing-grid">
            <div class="billing-main">
                <UpcomingSection upcoming=data.upcoming.clone()/>
                <PledgesSection pledges=data.pledges.clone()/>
                <PastSection past=data.past.clone()/>
            </div>
            <div class="billing-side">
                <PaymentMethodSection data=data.clone()/>
                <BillingDaySection data/>
            </div>
        </div>
    }
    .into_any()
}

/// Shown when the latest charge failed or is waiting for the supporter.
#[component]
fn AttentionBanner(charge: PastCharge) -> impl IntoView {
    let amount = format_money(charge.amount_minor, &charge.currency);
    let message = match charge.status {
        ChargeStatus::RequiresAction => t!(
            "bill-attention-confirm",
            amount = arg(&amount),
            date = arg(day_label(&charge.day))
        ),
        _ => {
            let failed = t!(
                "bill-attention-failed",
                amount = arg(&amount),
                date = arg(day_label(&charge.day))
            );
            let reason = charge
                .decline_reason
                .as_ref()
                .map(decline_text)
                .unwrap_or_default();
            let next = match &charge.next_retry_day {
                Some(d) => t!("bill-retry-on", date = arg(day_label(d))),
                None => t!("bill-last-attempt"),
            };
            format!("{failed} {reason} {next}")
        }
    };
    let fix = match charge.status {
        ChargeStatus::RequiresAction => view! {
            <p><a href=format!("/account/billing/authenticate/{}", charge.id) rel="external">{t!("bill-confirm-the-payment")}</a></p>
        }
        .into_any(),
        _ => view! { <p><a href="#payment-method">{t!("bill-update-method")}</a></p> }.into_any(),
    };
    view! {
        <div class="alert alert-error banner" role="alert">
            <p>{message}</p>
            {fix}
        </div>
    }
    .into_any()
}

/// True for the error that asks to confirm a large amount (shown at the field, not as a
/// failure).
fn asks_to_confirm(e: &AppError) -> bool {
    e.field() == Some(crate::model::CONFIRM_LARGE_FIELD)
}

#[component]
fn UpcomingSection(upcoming: Vec<UpcomingCharge>) -> impl IntoView {
    let errors = [
        action_error(ServerAction::<ChangeTip>::new().value()),
        action_error(ServerAction::<RemoveTip>::new().value()),
    ];
    let error = Signal::derive(move || {
        errors
            .iter()
            .find_map(|e| e.get())
            .filter(|e| !asks_to_confirm(e))
    });
    view! {
        <section class="panel" id="upcoming" aria-labelledby="upcoming-title">
            <h2 id="upcoming-title">{t!("bill-upcoming-heading")}</h2>
            {move || error.get().map(|e| view! {
                <div class="alert alert-error" role="alert" tabindex="-1" autofocus=true>{format!("{} {e}", t!("bill-tip-not-changed"))}</div>
            })}
            {if upcoming.is_empty() {
                view! {
                    <p class="muted">{t!("bill-upcoming-empty")}</p>
                }.into_any()
            } else {
                upcoming.into_iter().map(|c| view! { <UpcomingView charge=c/> }).collect_view().into_any()
            }}
        </section>
    }
    .into_any()
}

#[component]
fn UpcomingView(charge: UpcomingCharge) -> impl IntoView {
    let cur = charge.currency.clone();
    let money = move |m: i64| format_money(m, &cur);
    let title = t!(
        "bill-upcoming-title",
        currency = arg(&charge.currency),
        date = arg(day_label(&charge.day))
    );
    view! {
        <div class="upcoming" data-currency=charge.currency.clone()>
            <h3>{title.clone()}</h3>
            <div class="table-wrap">
                <table class="items">
                    <caption class="visually-hidden">{t!("bill-upcoming-caption", title = arg(&title))}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{t!("bill-col-donation")}</th>
                            <th scope="col" class="num">{t!("bill-col-amount")}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {charge.items.iter().map(|i| view! {
                            <tr>
                                <td>
                                    <a class="item-name" href=format!("/c/{}", i.recipient_slug)>{i.recipient_name.clone()}</a>
                                    <span class="item-label">
                                        {i.kind.name()}
                                        {(i.carried_cycles > 0).then(|| view! {
                                            " " <span class="badge status-off">{t!("bill-carried-forward")}</span>
                                        })}
                                    </span>
                                    {i.tip_id.map(|tip| view! {
                                        <PendingTipForms tip amount_minor=i.amount_minor currency=charge.currency.clone()
                                            recipient=i.recipient_name.clone() message=i.message.clone()/>
                                    })}
                                </td>
                                <td class="num">{money(i.amount_minor)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                    <tfoot>
                        <tr><th scope="row">{t!("bill-you-pay")}</th><td class="num">{money(charge.total_minor)}</td></tr>
                        <tr class="fee-row">
                            <th scope="row">{t!("bill-estimated-fee")}</th>
                            <td class="num">{money(charge.estimated_fee_minor)}</td>
                        </tr>
                    </tfoot>
                </table>
            </div>
            <p class="help fee-inside">{t!("bill-fee-inside")}</p>
            {charge.will_carry_forward.then(|| view! {
                <p class="note">
                    {t!("bill-will-carry", minimum = arg(money(charge.min_charge_minor)))}
                </p>
            })}
        </div>
    }
    .into_any()
}

/// Change (amount and message) or remove a tip no charge has claimed yet. The amount comes
/// back as typed if the change failed or asks to confirm a large amount.
#[component]
fn PendingTipForms(
    tip: i64,
    amount_minor: i64,
    currency: String,
    recipient: String,
    message: String,
) -> impl IntoView {
    let error = action_error(ServerAction::<ChangeTip>::new().value());
    let typed = Typed::of::<ChangeTip>();
    let this = typed.chose("tip_id", &tip.to_string());
    // Only the row whose change came back shows its error and what was typed.
    let error = Signal::derive(move || error.get().filter(|_| this));
    let amount = if this {
        typed.get("amount")
    } else {
        crate::money::Money::new(
            amount_minor,
            currency.parse().unwrap_or(crate::money::Currency::USD),
        )
        .to_string()
    };
    let message = if this { typed.get("message") } else { message };
    let id = tip.to_string();
    let amount_id = format!("tip-{tip}-amount");
    let message_id = format!("tip-{tip}-message");
    let amount_error = format!("tip-{tip}-amount-error");
    let message_error = format!("tip-{tip}-message-error");
    let shown = format_money(amount_minor, &currency);
    view! {
        <details class="tip-manage" open=this>
            <summary>
                {t!("bill-tip-manage")}
                <span class="visually-hidden">" "{t!("bill-tip-manage-which", recipient = arg(&recipient))}</span>
            </summary>
            <form method="post" action="/api/change_tip" class="stack" novalidate>
                <CsrfField/>
                <input type="hidden" name="tip_id" value=id.clone()/>
                <div class="field">
                    <label for=amount_id.clone()>{t!("bill-tip-amount", currency = arg(&currency))}</label>
                    <input id=amount_id name="amount" value=amount.clone() inputmode="decimal" autocomplete="off"
                        autofocus=this && error.get_untracked().is_some_and(|e| e.field() == Some("amount"))
                        aria-invalid=invalid(error, "amount") aria-describedby=amount_error.clone()/>
                    <FieldError error field="amount" id=amount_error/>
                    <ConfirmLarge prefix=format!("tip-{tip}") error amount currency=currency.clone() yes=t!("bill-yes-give")/>
                </div>
                <div class="field">
                    <label for=message_id.clone()>{t!("bill-tip-message")}</label>
                    <textarea id=message_id name="message" maxlength="500" rows="2"
                        aria-invalid=invalid(error, "message") aria-describedby=message_error.clone()>{message}</textarea>
                    <FieldError error field="message" id=message_error/>
                </div>
                <div class="button-row">
                    <button type="submit" class="button button-small button-secondary">{t!("bill-change-tip")}</button>
                </div>
            </form>
            <form method="post" action="/api/remove_tip" class="inline-form">
                <CsrfField/>
                <input type="hidden" name="tip_id" value=id/>
                <crate::components::confirm::ConfirmButton action="/api/remove_tip"
                    question=t!("bill-remove-tip-question", amount = arg(&shown), recipient = arg(&recipient))
                    label=t!("bill-remove") aria_label=t!("bill-remove-tip-aria", amount = arg(&shown), recipient = arg(&recipient))/>
            </form>
        </details>
    }
    .into_any()
}

#[component]
fn PledgesSection(pledges: Vec<PledgeRow>) -> impl IntoView {
    let errors = [
        action_error(ServerAction::<ChangePledgeAmount>::new().value()),
        action_error(ServerAction::<PausePledge>::new().value()),
        action_error(ServerAction::<ResumePledge>::new().value()),
        action_error(ServerAction::<CancelPledge>::new().value()),
    ];
    let error = Signal::derive(move || {
        errors
            .iter()
            .find_map(|e| e.get())
            .filter(|e| !asks_to_confirm(e))
    });
    view! {
        <section class="panel" id="pledges" aria-labelledby="pledges-title">
            <h2 id="pledges-title">{t!("bill-pledges-heading")}</h2>
            {move || error.get().map(|e| view! {
                <div class="alert alert-error" role="alert">{format!("{} {e}", t!("bill-pledge-not-changed"))}</div>
            })}
            {if pledges.is_empty() {
                view! {
                    <p class="muted">{t!("bill-pledges-none")} " " <a href="/#explore">{t!("bill-find-someone")}</a></p>
                }.into_any()
            } else {
                view! {
                    <table class="pledges">
                        <caption class="visually-hidden">{t!("bill-pledges-caption")}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{t!("bill-col-recipient")}</th>
                                <th scope="col" class="num">{t!("bill-col-monthly")}</th>
                                <th scope="col">{t!("bill-col-status")}</th>
                                <th scope="col">{t!("bill-col-manage")}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {pledges.into_iter().map(|p| view! { <PledgeRowView pledge=p/> }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
    .into_any()
}

#[component]
fn PledgeRowView(pledge: PledgeRow) -> impl IntoView {
    let p = pledge;
    let amount = format_money(p.amount_minor, &p.currency);
    let input_id = format!("pledge-{}-amount", p.id);
    let label_for = input_id.clone();
    let id = p.id.to_string();
    let name = p.recipient_name.clone();
    let open = p.status != PledgeStatus::Cancelled;
    // A change of this pledge that asks to confirm a large amount comes back with it.
    let asked = action_error(ServerAction::<ChangePledgeAmount>::new().value());
    let typed = Typed::of::<ChangePledgeAmount>();
    let this = typed.chose("pledge_id", &p.id.to_string());
    let asked = Signal::derive(move || asked.get().filter(|_| this));
    let new_amount = if this {
        typed.get("amount")
    } else {
        amount.clone()
    };
    let currency = p.currency.clone();
    let pause_or_resume = match p.status {
        PledgeStatus::Active | PledgeStatus::PastDue => Some((
            "/api/pause_pledge",
            t!("bill-pause"),
            t!("bill-pause-aria", recipient = arg(&name)),
        )),
        PledgeStatus::Paused => Some((
            "/api/resume_pledge",
            t!("bill-resume"),
            t!("bill-resume-aria", recipient = arg(&name)),
        )),
        PledgeStatus::Cancelled => None,
    };
    view! {
        <tr data-pledge=id.clone()>
            <td data-label=t!("bill-col-recipient")>
                <a class="item-name" href=format!("/c/{}", p.recipient_slug)>{p.recipient_name.clone()}</a>
                <span class="item-label">
                    {p.tier_name.clone().map(|t| format!("{t} · "))}
                    {t!("bill-pledge-since", date = arg(day_label(&p.since_day)))}
                </span>
            </td>
            <td data-label=t!("bill-col-monthly") class="num pledge-monthly">
                {amount.clone()}<span class="pledge-per-month">" "{t!("bill-per-month")}</span>
            </td>
            <td data-label=t!("bill-col-status")>
                <span class=format!("badge status-{}", p.status.css())>{pledge_status(p.status)}</span> // i18n: not for people (class names)
            </td>
            <td data-label=t!("bill-col-manage") class="pledge-manage">
                {open.then(|| view! {
                    <div class="pledge-actions">
                        <form method="post" action="/api/change_pledge_amount" class="inline-change">
                            <CsrfField/>
                            <input type="hidden" name="pledge_id" value=id.clone()/>
                            <label for=label_for class="visually-hidden">{t!("bill-new-amount-label", recipient = arg(&name))}</label>
                            <input id=input_id name="amount" value=new_amount.clone() inputmode="decimal" autocomplete="off" size="8"/>
                            <button type="submit" class="button button-small button-secondary"
                                aria-label=t!("bill-change-amount-aria", recipient = arg(&name))>{t!("bill-change-amount")}</button>
                            <ConfirmLarge prefix=format!("pledge-{}", p.id) error=asked amount=new_amount.clone()
                                currency=currency.clone() yes=t!("bill-yes-pledge")/>
                        </form>
                        {pause_or_resume.map(|(action, label, aria)| view! {
                            <form method="post" action=action class="inline-form">
                                <CsrfField/>
                                <input type="hidden" name="pledge_id" value=id.clone()/>
                                <button type="submit" class="button button-small button-secondary"
                                    aria-label=aria>{label}</button>
                            </form>
                        })}
                        {p.first_period_owed_minor.map(|owed| view! {
                            <p class="pledge-owed muted">
                                {t!("bill-pledge-owed", amount = arg(format_money(owed, &p.currency)))}
                            </p>
                        })}
                        <form method="post" action="/api/cancel_pledge" class="inline-form">
                            <CsrfField/>
                            <input type="hidden" name="pledge_id" value=id.clone()/>
                            <crate::components::confirm::ConfirmButton action="/api/cancel_pledge"
                                question=t!("bill-cancel-question", amount = arg(&amount), recipient = arg(&name))
                                label=t!("bill-cancel") aria_label=t!("bill-cancel-aria", recipient = arg(&name))/>
                        </form>
                    </div>
                })}
            </td>
        </tr>
    }
    .into_any()
}

#[component]
fn PastSection(past: Vec<PastCharge>) -> impl IntoView {
    view! {
        <section class="panel" id="past-charges" aria-labelledby="past-title">
            <h2 id="past-title">{t!("bill-past-heading")}</h2>
            {if past.is_empty() {
                view! { <p class="muted">{t!("bill-past-none")}</p> }.into_any()
            } else {
                view! {
                    <ol class="charges">
                        {past.into_iter().map(|c| view! { <li><PastChargeView charge=c/></li> }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
    }
    .into_any()
}

#[component]
pub(crate) fn PastChargeView(charge: PastCharge) -> impl IntoView {
    let c = charge;
    let cur = c.currency.clone();
    let money = move |m: i64| format_money(m, &cur);
    let money_opt = {
        let money = money.clone();
        move |m: Option<i64>| m.map_or_else(|| "—".to_owned(), &money)
    };
    let date = day_label(&c.day);
    let heading = t!(
        "bill-charge-heading",
        date = arg(&date),
        currency = arg(&c.currency)
    );
    let explain = match c.status {
        ChargeStatus::CarriedForward => Some(t!("bill-charge-carried")),
        ChargeStatus::Failed => Some(format!(
            "{} {}",
            c.decline_reason
                .as_ref()
                .map(decline_text)
                .unwrap_or_default(),
            c.next_retry_day
                .as_ref()
                .map(|d| t!("bill-next-attempt", date = arg(day_label(d))))
                .unwrap_or_default()
        )),
        ChargeStatus::RequiresAction => Some(t!("bill-charge-waiting")),
        ChargeStatus::Processing => Some(t!("bill-charge-processing")),
        ChargeStatus::Pending => Some(t!("bill-charge-pending")),
        ChargeStatus::Succeeded => c
            .fee_minor
            .map(|f| t!("bill-charge-fee", fee = arg(money(f)))),
    };
    let moved = c.donations.is_empty() && c.status == ChargeStatus::Failed;
    view! {
        <article class="charge" data-status=c.status.label()>
            <header class="charge-head">
                <h3>{heading}</h3>
                <p class="charge-meta">
                    <span class="muted charge-ref">{crate::model::charge_reference(c.id)}</span>
                    <span class="muted">{t!("bill-cycle", cycle = arg(&c.cycle))}</span>
                    {(c.attempt > 1).then(|| view! { <span class="muted">{t!("bill-attempt", attempt = num(c.attempt))}</span> })}
                    <span class="charge-amount">{money(c.amount_minor)}</span>
                    <span class=format!("badge status-{}", c.status.css())>{charge_status(c.status)}</span> // i18n: not for people (class names)
                </p>
            </header>
            {explain.map(|e| view! { <p class="charge-note">{e}</p> })}
            {moved.then(|| view! { <p class="charge-note muted">{t!("bill-charge-moved")}</p> })}
            {(!c.donations.is_empty()).then(|| view! {
                <div class="table-wrap">
                    <table class="items donations">
                        <caption class="visually-hidden">{t!("bill-charge-caption", currency = arg(&c.currency), date = arg(&date))}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{t!("bill-col-donation")}</th>
                                <th scope="col" class="num">{t!("bill-col-gross")}</th>
                                <th scope="col" class="num">{t!("bill-col-fee-share")}</th>
                                <th scope="col" class="num">{t!("bill-col-platform-fee")}</th>
                                <th scope="col" class="num">{t!("bill-col-net-to-recipient")}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {c.donations.iter().map(|d| view! {
                                <tr>
                                    <td>
                                        <a class="item-name" href=format!("/c/{}", d.recipient_slug)>{d.recipient_name.clone()}</a>
                                        <span class="item-label">
                                            {ItemKind::of(d.is_pledge, d.period.clone()).name()} " "
                                            <span class=format!("badge status-{}", d.status.css())>{donation_status(d.status)}</span> // i18n: not for people (class names)
                                        </span>
                                        {d.net_minor.is_some().then(|| view! {
                                            <a class="trail-link" href=format!("/account/donations/{}", d.item_id)>{t!("bill-where-it-went")}</a>
                                        })}
                                    </td>
                                    <td class="num" data-label=t!("bill-col-gross")>{money(d.gross_minor)}</td>
                                    <td class="num" data-label=t!("bill-col-fee-share")>{money_opt(d.fee_minor)}</td>
                                    <td class="num" data-label=t!("bill-col-platform")>{money_opt(d.platform_fee_minor)}</td>
                                    <td class="num" data-label=t!("bill-col-net")>{money_opt(d.net_minor)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })}
        </article>
    }
    .into_any()
}

#[component]
fn PaymentMethodSection(data: BillingDashboard) -> impl IntoView {
    let action = ServerAction::<SetPaymentMethod>::new();
    let error = action_error(action.value());
    let current = data.payment_method.clone().unwrap_or_default();
    // Sent here from a chip-in window to add a card: go back to that tip once it is saved.
    let next = leptos_router::hooks::use_query_map()
        .with_untracked(|q| q.get("next"))
        .filter(|n| n.starts_with("/chip-in/"));
    view! {
        <section class="panel" id="payment-method" aria-labelledby="payment-method-title">
            <h2 id="payment-method-title">{t!("bill-payment-method")}</h2>
            {next.clone().map(|n| view! {
                <p class="alert alert-warning" role="status">{t!("bill-save-then-back")} " "
                    <a href=n>{t!("bill-back-to-tip")}</a></p>
            })}
            <p class="current-method">
                {match data.payment_method.as_deref().map(payment_method_text) {
                    Some(l) => view! { {t!("bill-saved-method")} " " <strong>{l}</strong> }.into_any(),
                    None => view! { <span class="muted">{t!("bill-no-method")}</span> }.into_any(),
                }}
            </p>
            {data.stripe_checkout.then(|| view! { <StripeCardForm has_card=data.payment_method.is_some() next=next.clone()/> })}
            {(!data.stripe_checkout).then(|| view! {
                <form method="post" action="/api/set_payment_method" class="stack checkout" novalidate>
                    <CsrfField/>
                    {next.clone().map(|n| view! { <input type="hidden" name="next" value=n/> })}
                    <div class="test-mode" role="note">
                        <span class="test-mode-tag">{t!("bill-test-mode")}</span>
                        <span>{t!("bill-simulated-checkout")}</span>
                    </div>
                    <FormAlert error/>
                    <fieldset class="choices" aria-describedby="payment_method-error">
                        <legend>{t!("bill-test-card")}</legend>
                        {data.payment_methods.iter().map(|m| {
                            let id = format!("pm-{}", m.value);
                            let for_id = id.clone();
                            view! {
                                <label class="choice" for=for_id>
                                    <input type="radio" id=id name="payment_method" value=m.value.clone()
                                        checked=m.value == current/>
                                    <span>{payment_method_text(&m.value)}</span>
                                </label>
                            }
                        }).collect_view()}
                        <FieldError error field="payment_method"/>
                    </fieldset>
                    <button type="submit" class="button">{t!("bill-save-method")}</button>
                </form>
            })}
        </section>
    }
    .into_any()
}

/// With Stripe: a button that opens Stripe Checkout to save or replace the card.
#[component]
fn StripeCardForm(has_card: bool, next: Option<String>) -> impl IntoView {
    let action = ServerAction::<StartCardSetup>::new();
    let error = action_error(action.value());
    let label = if has_card {
        t!("bill-stripe-replace")
    } else {
        t!("bill-stripe-add")
    };
    view! {
        <form method="post" action="/api/start_card_setup" class="stack">
            <CsrfField/>
            {next.map(|n| view! { <input type="hidden" name="next" value=n/> })}
            <FormAlert error/>
            <p class="help">{t!("bill-stripe-help")}</p>
            <button type="submit" class="button">{label}</button>
        </form>
    }
    .into_any()
}

#[component]
fn BillingDaySection(data: BillingDashboard) -> impl IntoView {
    let action = ServerAction::<SetBillingDay>::new();
    let error = action_error(action.value());
    let help = match data.billing_day {
        Some(_) => t!("bill-day-help-set"),
        None => t!("bill-day-help-unset"),
    };
    view! {
        <section class="panel" id="billing-day" aria-labelledby="billing-day-title">
            <h2 id="billing-day-title">{t!("bill-day-heading")}</h2>
            <form method="post" action="/api/set_billing_day" class="stack" novalidate>
                <CsrfField/>
                <FormAlert error/>
                <div class="field">
                    <label for="billing_day">{t!("bill-day-label")}</label>
                    <input id="billing_day" name="billing_day" type="number" inputmode="numeric" min="1" max="28"
                        value=data.effective_billing_day.to_string() required
                        aria-invalid=invalid(error, "billing_day") aria-describedby="billing_day-help billing_day-error"/>
                    <p class="help" id="billing_day-help">{help}</p>
                    <FieldError error field="billing_day"/>
                </div>
                <button type="submit" class="button button-secondary">{t!("bill-day-save")}</button>
            </form>
        </section>
    }
    .into_any()
}

/// Why the processor declined, in the reader's language.
fn decline_text(reason: &DeclineReason) -> String {
    match reason {
        DeclineReason::CardDeclined => t!("bill-decline-card-declined"),
        DeclineReason::InsufficientFunds => t!("bill-decline-insufficient-funds"),
        DeclineReason::ExpiredCard => t!("bill-decline-expired-card"),
        DeclineReason::NoPaymentMethod => t!("bill-decline-no-payment-method"),
        DeclineReason::AuthenticationFailed => t!("bill-decline-authentication-failed"),
        DeclineReason::MethodUnusable(code) => t!("bill-decline-method-unusable", code = arg(code)),
        DeclineReason::Other(code) => t!("bill-decline-other", code = arg(code)),
    }
}

fn pledge_status(status: PledgeStatus) -> String {
    match status {
        PledgeStatus::Active => t!("bill-pledge-active"),
        PledgeStatus::PastDue => t!("bill-pledge-past-due"),
        PledgeStatus::Paused => t!("bill-pledge-paused"),
        PledgeStatus::Cancelled => t!("bill-pledge-cancelled"),
    }
}

fn charge_status(status: ChargeStatus) -> String {
    match status {
        ChargeStatus::Pending => t!("bill-charge-status-pending"),
        ChargeStatus::Processing => t!("bill-charge-status-processing"),
        ChargeStatus::Succeeded => t!("bill-charge-status-succeeded"),
        ChargeStatus::Failed => t!("bill-charge-status-failed"),
        ChargeStatus::RequiresAction => t!("bill-charge-status-requires-action"),
        ChargeStatus::CarriedForward => t!("bill-carried-forward"),
    }
}

fn donation_status(status: DonationStatus) -> String {
    match status {
        DonationStatus::Pending => t!("bill-donation-pending"),
        DonationStatus::CarriedForward => t!("bill-carried-forward"),
        DonationStatus::Charging => t!("bill-donation-charging"),
        DonationStatus::Paid => t!("bill-donation-paid"),
        DonationStatus::Voided => t!("bill-donation-voided"),
        DonationStatus::Refunded => t!("bill-donation-refunded"),
    }
}

/// A saved payment method as the page names it: the simulated processor's test cards in the
/// reader's language; any other method is a saved card (as `payment_method_label` says in
/// English).
fn payment_method_text(value: &str) -> String {
    match value {
        "pm_card_visa" => t!("bill-pm-visa"),
        "pm_card_chargeDeclined" => t!("bill-pm-declined"),
        "pm_card_chargeDeclinedInsufficientFunds" => t!("bill-pm-insufficient-funds"),
        "pm_card_chargeDeclinedExpiredCard" => t!("bill-pm-expired-card"),
        "pm_card_authenticationRequired" => t!("bill-pm-authentication-required"),
        _ => t!("bill-pm-saved-card"),
    }
}
