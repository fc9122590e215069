//! `/studio/p/:id/expenses`: a cause's organizer records what the money was spent on (amount,
//! description, date, receipt link or uploaded receipt file), sees the running balance, and corrects a mistaken
//! expense (expenses are never deleted; a correction reverses one and frees its money). It
//! also manages the cause's budget lines: donors earmark tips and pledges to them, and an
//! expense recorded in a line spends that line's earmarked money first.

use super::{id_param, load_failed, saved_message, upload_refusal_text};
use crate::api::trail::{
    CorrectExpense, CreateBudgetLine, RecordExpense, RetireBudgetLine, get_expenses,
};
use crate::components::form::{CsrfField, FieldError, FormAlert, action_error, invalid};
use crate::error::AppError;
use crate::i18n::{arg, num};
use crate::model::format_money;
use crate::model::studio::uploaded_receipt_url;
use crate::model::trail::{BudgetLineRow, ExpenseRow, ExpensesPage};
use crate::t;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ExpensesStudioPage() -> impl IntoView {
    let id = id_param("id");
    let data = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_expenses(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="page">{t!("studio-loading")}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(p) => view! { <ExpensesView p/> }.into_any(),
                    Err(e) => load_failed(e, format!("/studio/p/{}/expenses", id.get_untracked().unwrap_or_default())),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ExpensesView(p: ExpensesPage) -> impl IntoView {
    let record = ServerAction::<RecordExpense>::new();
    let error = action_error(record.value());
    let correct = ServerAction::<CorrectExpense>::new();
    let correct_error = action_error(correct.value());
    let saved = use_query_map()
        .with_untracked(|q| q.get("saved"))
        .and_then(|s| saved_message(&s));
    let (receipt, receipt_problem) = use_query_map().with_untracked(|q| {
        (
            q.get("receipt").and_then(|n| uploaded_receipt_url(&n)),
            q.get("receipt_error")
                .map(|code| upload_refusal_text(&code, t!("studio-receipt-failed"))),
        )
    });
    let upload_action = format!("/studio/p/{}/expenses/receipt", p.recipient_id);
    let c = p.currency.clone();
    let money = move |m: i64| format_money(m, &c);
    let today = p.today.clone();
    let base = format!("/studio/p/{}", p.recipient_id);
    let line_options = p
        .budget_lines
        .iter()
        // A retired line stays on offer while money earmarked to it is left to spend.
        .filter(|l| l.id != 0 && (!l.retired || l.unspent_minor > 0))
        .map(|l| {
            let label = if l.retired {
                t!("studio-line-retired-option", name = arg(&l.name))
            } else {
                l.name.clone()
            };
            view! { <option value=l.id.to_string()>{label}</option> }
        })
        .collect_view();
    let has_lines = p
        .budget_lines
        .iter()
        .any(|l| l.id != 0 && (!l.retired || l.unspent_minor > 0));
    // The running balance: unspent after each live expense, oldest first.
    let mut running = p.received_minor;
    let mut balances: Vec<(i64, i64)> = Vec::new();
    for e in p.expenses.iter().rev() {
        if e.corrected.is_none() {
            running -= e.amount_minor;
        }
        balances.push((e.id, running));
    }
    let rows = p
        .expenses
        .iter()
        .cloned()
        .map(|e| {
            let after = balances.iter().find(|b| b.0 == e.id).map_or(0, |b| b.1);
            view! { <ExpenseLine e after=money(after) recipient=p.recipient_id currency=p.currency.clone() error=correct_error/> }
        })
        .collect_view();
    view! {
        <Title text=t!("studio-expenses-title", name = arg(&p.name))/>
        <section class="page studio">
            <p><a href=base>{t!("studio-back", name = arg(&p.name))}</a></p>
            <header class="page-head">
                <h1>{t!("studio-nav-expenses")}</h1>
                <p class="lead">{t!("studio-expenses-lead")}</p>
            </header>
            {saved.map(|m| view! { <div class="alert alert-success" role="status">{m}</div> })}
            <div class="stats">
                <div class="stat">
                    <h2 class="stat-label">{t!("studio-expenses-received")}</h2>
                    <p class="stat-value" id="received">{money(p.received_minor)}</p>
                </div>
                <div class="stat">
                    <h2 class="stat-label">{t!("studio-expenses-spent")}</h2>
                    <p class="stat-value" id="spent">{money(p.spent_minor)}</p>
                </div>
                <div class="stat">
                    <h2 class="stat-label">{t!("studio-expenses-unspent")}</h2>
                    <p class="stat-value" id="unspent">{money(p.unspent_minor)}</p>
                </div>
            </div>
            <section class="panel" id="new-expense" aria-labelledby="new-expense-title">
                <h2 id="new-expense-title">{t!("studio-expense-record-title")}</h2>
                <form method="post" action=upload_action enctype="multipart/form-data" class="stack">
                    // First, before the file: the server reads only the start of the body for it.
                    <CsrfField/>
                    <div class="field">
                        <label for="receipt-file">{t!("studio-receipt-file")}</label>
                        <input id="receipt-file" name="receipt" type="file" required
                            accept="application/pdf,image/png,image/jpeg,image/webp"
                            aria-invalid=if receipt_problem.is_some() { "true" } else { "false" }
                            aria-describedby="receipt-file-help receipt-file-error"/>
                        <p class="help" id="receipt-file-help">{t!("studio-receipt-file-help")}</p>
                        {receipt_problem.map(|m| view! { <p class="field-error" id="receipt-file-error" role="alert">{m}</p> })}
                    </div>
                    <button type="submit" class="button button-secondary">{t!("studio-receipt-upload")}</button>
                </form>
                {receipt.clone().map(|u| view! {
                    <div class="alert alert-success" role="status">
                        {t!("studio-receipt-uploaded")} " " <a href=u.clone() target="_blank" rel="noopener">{t!("studio-receipt-view")}</a>
                        {t!("studio-receipt-attached")}
                    </div>
                })}
                <form method="post" action="/api/trail/record_expense" class="stack" novalidate>
                    <CsrfField/>
                    <input type="hidden" name="recipient_id" value=p.recipient_id.to_string()/>
                    <FormAlert error/>
                    <div class="field">
                        <label for="expense-amount">{t!("studio-amount-label", currency = arg(&p.currency))}</label>
                        <input id="expense-amount" name="amount" inputmode="decimal" autocomplete="off" required
                            aria-invalid=invalid(error, "amount") aria-describedby="amount-error"/>
                        <FieldError error field="amount"/>
                    </div>
                    <div class="field">
                        <label for="expense-description">{t!("studio-expense-description")}</label>
                        <input id="expense-description" name="description" maxlength="300" autocomplete="off" required
                            aria-invalid=invalid(error, "description") aria-describedby="description-error"/>
                        <FieldError error field="description"/>
                    </div>
                    <div class="field">
                        <label for="expense-date">{t!("studio-expense-date")}</label>
                        <input id="expense-date" name="spent_on" type="date" value=today.clone() max=today required
                            aria-invalid=invalid(error, "spent_on") aria-describedby="spent_on-error"/>
                        <FieldError error field="spent_on"/>
                    </div>
                    {has_lines.then(|| view! {
                        <div class="field">
                            <label for="expense-line">{t!("studio-expense-line")}</label>
                            <select id="expense-line" name="budget_line_id"
                                aria-invalid=invalid(error, "budget_line_id") aria-describedby="expense-line-help budget_line_id-error">
                                <option value="">{t!("studio-expense-line-none")}</option>
                                {line_options}
                            </select>
                            <p class="help" id="expense-line-help">{t!("studio-expense-line-help")}</p>
                            <FieldError error field="budget_line_id"/>
                        </div>
                    })}
                    <div class="field">
                        <label for="expense-receipt">{t!("studio-expense-receipt")}</label>
                        <input id="expense-receipt" name="receipt_url" type="url" placeholder="https://" autocomplete="off"
                            value=receipt.unwrap_or_default()
                            aria-invalid=invalid(error, "receipt_url") aria-describedby="receipt_url-error receipt-hint"/>
                        <p class="hint" id="receipt-hint">{t!("studio-expense-receipt-help")}</p>
                        <FieldError error field="receipt_url"/>
                    </div>
                    <button type="submit" class="button">{t!("studio-expense-record")}</button>
                </form>
            </section>
            <BudgetLines p=p.clone()/>
            <section class="panel" aria-labelledby="expenses-title">
                <h2 id="expenses-title">{t!("studio-expenses-published")}</h2>
                <FormAlert error=correct_error/>
                {if p.expenses.is_empty() {
                    view! { <p class="muted">{t!("studio-expenses-none")}</p> }.into_any()
                } else {
                    view! { <ul class="expense-list">{rows}</ul> }.into_any()
                }}
            </section>
        </section>
    }
    .into_any()
}

#[component]
fn ExpenseLine(
    e: ExpenseRow,
    after: String,
    recipient: i64,
    currency: String,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let amount = format_money(e.amount_minor, &currency);
    let reason_id = format!("reason-{}", e.id);
    let reason_error = format!("reason-{}-error", e.id);
    view! {
        <li class="expense" class:corrected=e.corrected.is_some()>
            <p>
                <strong>{e.description.clone()}</strong>
                " · " {amount} " · " {crate::model::day_label(&e.spent_on)}
                {e.budget_line.clone().map(|l| view! { " · " <span class="badge status-off">{l}</span> })}
                {e.receipt_url.clone().map(|u| view! { " · " <a href=u rel="nofollow noopener" target="_blank">{t!("studio-expense-receipt-link")}</a> })}
            </p>
            {match e.corrected.clone() {
                Some(reason) => view! { <p class="muted">{t!("studio-expense-corrected", reason = arg(reason))}</p> }.into_any(),
                None => view! {
                    <p class="muted">{t!("studio-expense-paid-by", count = num(e.donations), after = arg(after))}</p>
                    <details>
                        <summary>{t!("studio-expense-correct")}</summary>
                        <form method="post" action="/api/trail/correct_expense" class="stack" novalidate>
                            <CsrfField/>
                            <input type="hidden" name="recipient_id" value=recipient.to_string()/>
                            <input type="hidden" name="expense_id" value=e.id.to_string()/>
                            <div class="field">
                                <label for=reason_id.clone()>{t!("studio-expense-correct-reason")}</label>
                                <input id=reason_id name="reason" maxlength="300" required
                                    aria-invalid=invalid(error, "reason") aria-describedby=reason_error.clone()/>
                                <FieldError error field="reason" id=reason_error/>
                            </div>
                            <button type="submit" class="button button-secondary">{t!("studio-expense-reverse")}</button>
                        </form>
                    </details>
                }.into_any(),
            }}
        </li>
    }
}

/// The cause's budget lines: their earmarked money, a form to add one and a button to retire
/// each active one.
#[component]
fn BudgetLines(p: ExpensesPage) -> impl IntoView {
    let create = ServerAction::<CreateBudgetLine>::new();
    let error = action_error(create.value());
    let retire = ServerAction::<RetireBudgetLine>::new();
    let retire_error = action_error(retire.value());
    let c = p.currency.clone();
    let recipient = p.recipient_id;
    let row = move |mut l: BudgetLineRow| {
        let money = |m: i64| format_money(m, &c);
        // Line 0 is the money not earmarked to any line: its name is Chipin's, not the owner's.
        if l.id == 0 {
            l.name = t!("studio-line-general");
            l.description = t!("studio-line-general-description");
        }
        let retire_form = (!l.retired && l.id != 0).then(|| {
            view! {
                <form method="post" action="/api/trail/retire_budget_line" class="inline-form">
                    <CsrfField/>
                    <input type="hidden" name="recipient_id" value=recipient.to_string()/>
                    <input type="hidden" name="budget_line_id" value=l.id.to_string()/>
                    <button type="submit" class="button button-small button-secondary"
                        aria-label=t!("studio-retire-label", name = arg(&l.name))>{t!("studio-retire")}</button>
                </form>
            }
        });
        view! {
            <tr class:corrected=l.retired>
                <th scope="row">
                    {l.name.clone()}
                    {l.retired.then(|| view! { <span class="item-label">{t!("studio-line-retired")}</span> })}
                    {(!l.description.is_empty()).then(|| view! { <span class="item-label">{l.description.clone()}</span> })}
                </th>
                <td class="num" data-label=t!("studio-line-earmarked")>{money(l.earmarked_minor)}</td>
                <td class="num" data-label=t!("studio-line-spent")>{money(l.spent_minor)}</td>
                <td class="num" data-label=t!("studio-line-unspent")>{money(l.unspent_minor)}</td>
                <td>{retire_form}</td>
            </tr>
        }
    };
    let rows = p
        .budget_lines
        .iter()
        .cloned()
        .chain(std::iter::once(p.unearmarked.clone()))
        .map(row)
        .collect_view();
    view! {
        <section class="panel" id="budget-lines" aria-labelledby="budget-lines-title">
            <h2 id="budget-lines-title">{t!("studio-lines")}</h2>
            <p class="muted">{t!("studio-lines-help")}</p>
            <FormAlert error=retire_error/>
            // Scrolls sideways on a phone: focusable, so the keyboard can scroll it too.
            <div class="table-scroll" tabindex="0" role="region" aria-labelledby="budget-lines-title">
                <table class="items stack" aria-labelledby="budget-lines-title">
                    <thead>
                        <tr>
                            <th scope="col">{t!("studio-line")}</th>
                            <th scope="col" class="num">{t!("studio-line-earmarked")}</th>
                            <th scope="col" class="num">{t!("studio-line-spent")}</th>
                            <th scope="col" class="num">{t!("studio-line-unspent")}</th>
                            <th scope="col"><span class="visually-hidden">{t!("studio-actions")}</span></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <form method="post" action="/api/trail/create_budget_line" class="stack" novalidate>
                <CsrfField/>
                <input type="hidden" name="recipient_id" value=recipient.to_string()/>
                <FormAlert error/>
                <div class="field">
                    <label for="line-name">{t!("studio-line-name")}</label>
                    <input id="line-name" name="name" maxlength="60" autocomplete="off" required
                        aria-invalid=invalid(error, "name") aria-describedby="line-name-error"/>
                    <FieldError error field="name" id="line-name-error"/>
                </div>
                <div class="field">
                    <label for="line-description">{t!("studio-line-description")}</label>
                    <input id="line-description" name="description" maxlength="200" autocomplete="off"
                        aria-invalid=invalid(error, "description") aria-describedby="line-description-help line-description-error"/>
                    <p class="help" id="line-description-help">{t!("studio-line-description-help")}</p>
                    <FieldError error field="description" id="line-description-error"/>
                </div>
                <button type="submit" class="button button-secondary">{t!("studio-line-add")}</button>
            </form>
        </section>
    }
}
