//! A creator's or cause's public page, where supporters pledge monthly or tip once.
//!
//! The page is rendered on the server. The giving forms are the one island: plain posts, so
//! they work before (or without) the WebAssembly bundle. Each form shows the fee share of the
//! amount typed into it: live once the island is hydrated; without WebAssembly its "Preview
//! fee" button posts the form to [`GIVE_PREVIEW_PATH`], which brings it back filled in with
//! the preview for that amount (as does a post that asks to confirm a large amount).

use crate::api::pledges::{CreatePledge, CreateTip, get_give_context, preview_donation};
use crate::api::recipients::get_recipient_page;
use crate::components::form::{
    ConfirmLarge, CsrfField, FieldError, FormAlert, GIVE_PREVIEW_PATH, Typed, action_error,
    focus_if_invalid, invalid,
};
use crate::components::meta::PageMeta;
use crate::components::progress::GoalProgress;
use crate::error::AppError;
use crate::i18n::{arg, num};
use crate::model::trail::BudgetLineRow;
use crate::model::{
    CauseLedger, DonationPreview, GiveContext, PledgeRow, RecipientKind, RecipientPage as Page,
    TierView, VisibilityChoice, format_money,
};
use crate::pages::home::kind_label;
use crate::pages::not_found::ErrorPanel;
use crate::t;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The fee preview for an amount: nothing when no amount is given.
type PreviewResult = Result<Option<DonationPreview>, AppError>;

/// The fee previews the server renders into the tip and pledge forms: for the amount a form
/// came back with (its "Preview fee" button, or a post that failed or asks to confirm).
#[derive(Clone)]
struct Previews {
    tip: PreviewResult,
    pledge: PreviewResult,
}

impl Default for Previews {
    fn default() -> Self {
        Self {
            tip: Ok(None),
            pledge: Ok(None),
        }
    }
}

/// What the give form `kind` (`tip` or `pledge`) came back with: the failed post to `S`, or
/// its "Preview fee" button's.
fn came_back<S: server_fn::ServerFn>(kind: &str) -> Typed {
    let failed = Typed::of::<S>();
    if failed.is_empty() {
        Typed::at(&format!("{GIVE_PREVIEW_PATH}/{kind}"))
    } else {
        failed
    }
}

/// The monthly amount a pledge form holds: its chosen tier's price, or the custom amount.
fn pledge_amount(typed: &Typed, tiers: &[TierView], currency: &str) -> String {
    typed
        .find("tier_id")
        .and_then(|id| tiers.iter().find(|t| t.id.to_string() == id))
        .map(|t| format_money(t.price_minor, currency))
        .unwrap_or_else(|| typed.get("amount"))
}

/// The preview for `amount` given to `slug`, or nothing for no amount.
async fn preview_for(slug: String, amount: String) -> PreviewResult {
    if amount.trim().is_empty() {
        Ok(None)
    } else {
        preview_donation(slug, amount).await.map(Some)
    }
}

#[component]
pub fn RecipientPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.with(|p| p.get("slug").unwrap_or_default());
    let page = Resource::new(slug, get_recipient_page);
    let give = Resource::new(slug, get_give_context);
    view! {
        <Suspense fallback=|| view! { <p class="page">{t!("pub-loading")}</p> }>
            {move || Suspend::new(async move {
                match (page.await, give.await) {
                    (Ok(p), give) => {
                        let previews = match &give {
                            Ok(g) if !g.is_owner && !p.closed => {
                                let tip = came_back::<CreateTip>("tip").get("amount");
                                let pledge = pledge_amount(
                                    &came_back::<CreatePledge>("pledge"),
                                    &p.tiers,
                                    &p.currency,
                                );
                                Previews {
                                    tip: preview_for(p.slug.clone(), tip).await,
                                    pledge: preview_for(p.slug.clone(), pledge).await,
                                }
                            }
                            _ => Previews::default(),
                        };
                        view! { <RecipientView page=p give previews/> }.into_any()
                    }
                    (Err(e), _) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn RecipientView(
    page: Page,
    give: Result<GiveContext, AppError>,
    previews: Previews,
) -> impl IntoView {
    // Tiers can be chosen only by someone who may pledge here and does not already.
    let can_choose = !page.closed && matches!(&give, Ok(g) if !g.is_owner && g.pledge.is_none());
    let aside = match give {
        _ if page.closed => view! {
            <div class="panel" role="status">
                <h2>{t!("pub-closed-title")}</h2>
                <p class="muted">{t!("pub-closed-lead")}</p>
            </div>
        }
        .into_any(),
        Ok(g) if g.is_owner => view! {
            <div class="panel">
                <h2>{t!("pub-yours-title")}</h2>
                <p class="muted">{t!("pub-yours-lead")}</p>
            </div>
        }
        .into_any(),
        Ok(g) => {
            let query = use_query_map();
            // A tier card links here with `?tier=`.
            let tier = query.with_untracked(|q| q.get("tier"));
            // A plain post that failed comes back with its error in the URL.
            let pledge_error =
                action_error(ServerAction::<CreatePledge>::new().value()).get_untracked();
            let tip_error = action_error(ServerAction::<CreateTip>::new().value()).get_untracked();
            // ... and what was typed into it (or into the form whose fee was previewed), from
            // the one-time flash.
            let pledge_typed = came_back::<CreatePledge>("pledge");
            let tip_typed = came_back::<CreateTip>("tip");
            let lines: Vec<BudgetLineRow> = page
                .ledger
                .as_ref()
                .map(|l| {
                    l.budget_lines
                        .iter()
                        .filter(|b| !b.retired)
                        .cloned()
                        .collect()
                })
                .unwrap_or_default();
            view! {
                <GiveForms
                    locale=crate::i18n::current()
                    slug=page.slug.clone()
                    currency=page.currency.clone()
                    tiers=page.tiers.clone()
                    pledge=g.pledge
                    tier
                    tip_preview=previews.tip
                    pledge_preview=previews.pledge
                    pledge_error
                    tip_error
                    pledge_typed
                    tip_typed
                    lines
                />
            }
            .into_any()
        }
        Err(_) => {
            let login = format!("/login?next=/c/{}", page.slug);
            view! {
                <div class="panel">
                    <h2>{t!("pub-support-name", name = arg(page.name.as_str()))}</h2>
                    <p>{t!("pub-log-in-lead")}</p>
                    <p class="hero-actions start">
                        <a class="button" href=login>{t!("pub-log-in-to-give")}</a>
                        <a class="button button-secondary" href="/signup">{t!("pub-create-account")}</a>
                    </p>
                </div>
            }
            .into_any()
        }
    };
    let description = if page.tagline.is_empty() {
        t!("pub-support-on-chipin", name = arg(page.name.as_str()))
    } else {
        page.tagline.clone()
    };
    let og_type = match page.kind {
        RecipientKind::Creator => "profile",
        RecipientKind::Cause => "website",
    };
    let tiers = page.tiers.clone();
    let ledger = page.ledger.clone();
    view! {
        <PageMeta title=page.name.clone() description image=page.image_url.clone() og_type/>
        <article class="page">
            <ProfileHead page=page.clone()/>
            <div class="profile-body">
                <div class="profile-main">
                    <section class="bio" aria-label=t!("pub-about") inner_html=page.bio_html.clone()></section>
                    <TierList tiers currency=page.currency.clone() can_choose/>
                    <crate::pages::posts::PostsSection slug=page.slug.clone()/>
                    {ledger.map(|l| view! { <CauseLedgerView ledger=l currency=page.currency.clone()/> })}
                    <SupportersView page=page.clone()/>
                </div>
                <aside class="give-panel" aria-label=t!("pub-support-name", name = arg(page.name.as_str()))>
                    {aside}
                </aside>
            </div>
        </article>
    }
    .into_any()
}

/// Name, picture, goal and progress.
#[component]
fn ProfileHead(page: Page) -> impl IntoView {
    let currency = page.currency.clone();
    let supporters = t!("pub-supporters", count = num(page.supporters));
    let is_cause = page.kind == RecipientKind::Cause;
    let raised = page.ledger.as_ref().map_or(0, |l| l.net_minor);
    let progress = page.goal_minor.map(|goal| {
        if is_cause {
            view! {
                <GoalProgress id="goal-progress" amount=raised goal currency=currency.clone()
                    label=t!("pub-goal-raised")/>
            }
        } else {
            view! {
                <GoalProgress id="goal-progress" amount=page.monthly_minor goal currency=currency.clone()
                    label=t!("pub-goal-pledged")/>
            }
        }
    });
    let alt = t!("pub-picture-of", name = arg(page.name.as_str()));
    view! {
        <header class="profile-head">
            {page.image_url.clone().map(|src| view! {
                <img class="profile-image" src=src alt=alt width="640" height="320"/>
            })}
            <div class="profile-title">
                <p class="card-meta">
                    <span class=format!("badge badge-{}", page.kind.label().to_lowercase())>{kind_label(page.kind)}</span> // i18n: not for people (CSS classes)
                    <span class="muted">{crate::model::studio::category_name(&page.category)}</span>
                </p>
                <h1>{page.name.clone()}</h1>
                <p class="lead">{page.tagline.clone()}</p>
                <p class="profile-facts">
                    <span class="supporter-count">{supporters}</span>
                    {is_cause.then(|| view! { <span>{t!("pub-organized-by", name = arg(page.owner_name.as_str()))}</span> })}
                    {page.deadline_day.clone().map(|d| view! { <span>{t!("pub-ends", day = arg(crate::model::day_label(&d)))}</span> })}
                </p>
                {progress}
            </div>
        </header>
    }
}

#[component]
fn TierList(tiers: Vec<TierView>, currency: String, can_choose: bool) -> impl IntoView {
    (!tiers.is_empty()).then(|| {
        view! {
            <section aria-labelledby="tiers-title">
                <h2 id="tiers-title">{t!("pub-tiers")}</h2>
                <ul class="tier-list">
                    {tiers.into_iter().map(|t| {
                        let price = format_money(t.price_minor, &currency);
                        let choose = format!("?tier={}#pledge", t.id);
                        let name = t.name.clone();
                        let full = t.remaining == Some(0);
                        let places = t.supporter_limit.zip(t.remaining).map(|(limit, left)| match left {
                            0 => t!("pub-tier-full", limit = num(limit)),
                            n => t!("pub-tier-places-left", left = num(n), limit = num(limit)),
                        });
                        view! {
                            <li class="tier">
                                <h3>{t.name}</h3>
                                <p class="tier-price">{price}<span class="muted">" / "{t!("pub-per-month")}</span></p>
                                {places.map(|p| view! { <p class="tier-places" class:is-full=full>{p}</p> })}
                                <p>{t.description}</p>
                                <ul class="perks">
                                    {t.perks.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}
                                </ul>
                                {(can_choose && !full).then(|| view! {
                                    <p class="tier-action">
                                        <a class="button button-small button-secondary" href=choose>
                                            {t!("pub-tier-choose", name = arg(name.as_str()))}
                                        </a>
                                    </p>
                                })}
                            </li>
                        }
                        .into_any()
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}

/// Recent supporters and tip messages; private ones never reach the page.
#[component]
fn SupportersView(page: Page) -> impl IntoView {
    let who = |name: Option<String>| name.unwrap_or_else(|| t!("pub-anonymous"));
    let currency = page.currency.clone();
    let supporters = (!page.recent_supporters.is_empty()).then(|| {
        view! {
            <section aria-labelledby="supporters-title">
                <h2 id="supporters-title">{t!("pub-recent-supporters")}</h2>
                <ul class="supporter-list">
                    {page.recent_supporters.into_iter().map(|s| view! {
                        <li>
                            <span class="supporter-name">{who(s.name)}</span>
                            <span class="muted">" "{t!("pub-supporter-since", day = arg(crate::model::day_label(&s.since_day)))}</span>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        }
    });
    let tips = (!page.recent_tips.is_empty()).then(|| {
        view! {
            <section aria-labelledby="messages-title">
                <h2 id="messages-title">{t!("pub-tip-messages")}</h2>
                <ul class="message-list">
                    {page.recent_tips.into_iter().map(|t| view! {
                        <li class="message">
                            <blockquote>{t.message}</blockquote>
                            <p class="muted">
                                <span class="supporter-name">{who(t.name)}</span>
                                " "{t!("pub-tipped", amount = arg(format_money(t.amount_minor, &currency)), day = arg(crate::model::day_label(&t.day)))}
                            </p>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        }
    });
    view! { {supporters} {tips} }
}

/// A cause's public ledger: every donation received, and (once published) expenses.
#[component]
fn CauseLedgerView(ledger: CauseLedger, currency: String) -> impl IntoView {
    let cur = currency.clone();
    let money = move |m: i64| format_money(m, &cur);
    let shown = ledger.income.len() as i64;
    let rows = ledger
        .income
        .into_iter()
        .map(|i| {
            let donor = i.donor.unwrap_or_else(|| t!("pub-anonymous"));
            let kind = if i.is_tip { t!("pub-ledger-tip") } else { t!("pub-ledger-pledge") };
            view! {
                <tr>
                    <td data-label=t!("pub-col-date")>{crate::model::day_label(&i.day)}</td>
                    <td data-label=t!("pub-col-from")>{donor}<span class="item-label">{kind}</span></td>
                    <td class="num" data-label=t!("pub-col-given")>{money(i.gross_minor)}</td>
                    <td class="num" data-label=t!("pub-col-fees")>{money(i.fee_minor)}</td>
                    <td class="num" data-label=t!("pub-col-received")>{money(i.net_minor)}</td>
                </tr>
            }
        })
        .collect_view();
    let more = (ledger.income_count > shown).then(|| {
        t!(
            "pub-ledger-more",
            shown = num(shown),
            count = num(ledger.income_count)
        )
    });
    view! {
        <section class="ledger" aria-labelledby="ledger-title">
            <h2 id="ledger-title">{t!("pub-ledger")}</h2>
            <h3 id="money-in-title">{t!("pub-money-in")}</h3>
            {if ledger.income_count == 0 {
                view! { <p class="muted">{t!("pub-ledger-empty")}</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                        <table class="items ledger-table stack" aria-labelledby="money-in-title">
                            <thead>
                                <tr>
                                    <th scope="col">{t!("pub-col-date")}</th>
                                    <th scope="col">{t!("pub-col-from")}</th>
                                    <th scope="col" class="num">{t!("pub-col-given")}</th>
                                    <th scope="col" class="num">{t!("pub-col-fees")}</th>
                                    <th scope="col" class="num">{t!("pub-col-received")}</th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                            <tfoot>
                                <tr class="ledger-total">
                                    <th scope="row" colspan="2">{t!("pub-ledger-total", count = num(ledger.income_count))}</th>
                                    <td class="num" data-label=t!("pub-col-given")>{format_money(ledger.gross_minor, &currency)}</td>
                                    <td class="num" data-label=t!("pub-col-fees")>{format_money(ledger.fees_minor, &currency)}</td>
                                    <td class="num" data-label=t!("pub-col-received")>{format_money(ledger.net_minor, &currency)}</td>
                                </tr>
                            </tfoot>
                        </table>
                    </div>
                    {more.map(|m| view! { <p class="muted">{m}</p> })}
                }
                .into_any()
            }}
            <MoneyOut ledger_totals=(ledger.gross_minor, ledger.fees_minor, ledger.net_minor, ledger.spent_minor, ledger.unspent_minor)
                expenses=ledger.expenses currency=currency.clone()/>
            <BudgetLinesView lines=ledger.budget_lines unearmarked=ledger.unearmarked currency=currency.clone()/>
        </section>
    }
}

/// A cause's money out: totals, the spending breakdown as a chart drawn on the server, and
/// every expense with how many donations paid for it and its receipt.
#[component]
fn MoneyOut(
    ledger_totals: (i64, i64, i64, i64, i64),
    expenses: Vec<crate::model::trail::ExpenseRow>,
    currency: String,
) -> impl IntoView {
    let (gross, fees, net, spent, unspent) = ledger_totals;
    let cur = currency.clone();
    let money = move |m: i64| format_money(m, &cur);
    let desc = t!(
        "pub-money-out-desc",
        given = arg(money(gross)),
        fees = arg(money(fees)),
        spent = arg(money(spent)),
        unspent = arg(money(unspent)),
    );
    let bars = vec![
        (t!("pub-col-fees"), fees),
        (t!("pub-spent"), spent),
        (t!("pub-unspent"), unspent.max(0)),
    ];
    let has_expenses = !expenses.is_empty();
    let row_money = money.clone();
    let rows = expenses
        .into_iter()
        .map(move |e| {
            let money = row_money.clone();
            let corrected = e.corrected.clone();
            let is_corrected = corrected.is_some();
            view! {
                <tr class:corrected=is_corrected>
                    <td data-label=t!("pub-col-date")>{crate::model::day_label(&e.spent_on)}</td>
                    <td data-label=t!("pub-col-expense")>
                        {e.description}
                        {e.budget_line.map(|l| view! { <span class="item-label">{t!("pub-budget-line", name = arg(l))}</span> })}
                        {corrected.map(|r| view! { <span class="item-label">{t!("pub-corrected", reason = arg(r))}</span> })}
                    </td>
                    <td class="num" data-label=t!("pub-col-donations")>{e.donations}</td>
                    <td data-label=t!("pub-col-receipt")>{match e.receipt_url {
                        Some(u) => view! { <a href=u rel="nofollow noopener">{t!("pub-receipt")}</a> }.into_any(),
                        None => view! { <span class="muted">{t!("pub-no-receipt")}</span> }.into_any(),
                    }}</td>
                    <td class="num" data-label=t!("pub-col-amount")>{money(e.amount_minor)}</td>
                </tr>
            }
        })
        .collect_view();
    let empty = spent == 0 && fees == 0 && gross == 0;
    view! {
        <h3 id="money-out-title">{t!("pub-money-out")}</h3>
        <dl class="ledger-totals">
            <div><dt>{t!("pub-col-given")}</dt><dd id="total-in">{money(gross)}</dd></div>
            <div><dt>{t!("pub-col-fees")}</dt><dd id="total-fees">{money(fees)}</dd></div>
            <div><dt>{t!("pub-col-received")}</dt><dd id="total-net">{money(net)}</dd></div>
            <div><dt>{t!("pub-spent")}</dt><dd id="total-spent">{money(spent)}</dd></div>
            <div><dt>{t!("pub-unspent")}</dt><dd id="total-unspent">{money(unspent)}</dd></div>
        </dl>
        {(!empty).then(|| view! {
            <crate::components::chart::BarChart title=t!("pub-where-money-went") desc currency=currency.clone() bars/>
        })}
        {(!has_expenses).then(|| view! {
            <p class="muted">{t!("pub-no-expenses")}</p>
        })}
        {has_expenses.then(|| view! {
        <div class="table-scroll">
            <table class="items ledger-table stack" aria-labelledby="money-out-title">
                <thead>
                    <tr>
                        <th scope="col">{t!("pub-col-date")}</th>
                        <th scope="col">{t!("pub-col-expense")}</th>
                        <th scope="col" class="num">{t!("pub-col-donations")}</th>
                        <th scope="col">{t!("pub-col-receipt")}</th>
                        <th scope="col" class="num">{t!("pub-col-amount")}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        })}
    }
}

/// A cause's budget lines on its public ledger: per line, the money earmarked to it, what
/// expenses took from it and what is still reserved for it; then the unearmarked money.
#[component]
fn BudgetLinesView(
    lines: Vec<BudgetLineRow>,
    unearmarked: BudgetLineRow,
    currency: String,
) -> impl IntoView {
    (!lines.is_empty()).then(|| {
        let rows = lines
            .into_iter()
            .chain(std::iter::once(unearmarked))
            .map(|l| {
                let m = |minor: i64| format_money(minor, &currency);
                let spent_in = (l.id != 0 && l.expenses_minor > 0)
                    .then(|| t!("pub-line-expenses", amount = arg(m(l.expenses_minor))));
                view! {
                    <tr id=format!("budget-line-{}", l.id)>
                        <th scope="row">
                            {l.name.clone()}
                            {l.retired.then(|| view! { <span class="item-label">{t!("pub-line-retired")}</span> })}
                            {(!l.description.is_empty()).then(|| view! { <span class="item-label">{l.description.clone()}</span> })}
                            {spent_in.map(|t| view! { <span class="item-label">{t}</span> })}
                        </th>
                        <td class="num" data-label=t!("pub-line-earmarked")>{m(l.earmarked_minor)}</td>
                        <td class="num" data-label=t!("pub-line-spent")>{m(l.spent_minor)}</td>
                        <td class="num" data-label=t!("pub-unspent")>{m(l.unspent_minor)}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <h3 id="budget-lines-title">{t!("pub-budget-lines")}</h3>
            <p class="muted">{t!("pub-budget-lines-lead")}</p>
            <div class="table-scroll" tabindex="0" role="region" aria-labelledby="budget-lines-title">
                <table class="items ledger-table stack" aria-labelledby="budget-lines-title">
                    <thead>
                        <tr>
                            <th scope="col">{t!("pub-line")}</th>
                            <th scope="col" class="num">{t!("pub-line-earmarked")}</th>
                            <th scope="col" class="num">{t!("pub-line-spent")}</th>
                            <th scope="col" class="num">{t!("pub-unspent")}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
    })
}

/// The pledge, tip and preview forms for a logged-in supporter: the page's island. Its props
/// are everything it needs, written into the page by the server (the reader's language too);
/// it reads no context and no router state, so it hydrates on its own.
#[allow(clippy::too_many_arguments)]
#[island]
fn GiveForms(
    /// The reader's language, so the forms read the same once hydrated.
    locale: crate::i18n::Locale,
    slug: String,
    currency: String,
    tiers: Vec<TierView>,
    /// The supporter's open pledge here, if any (then there is no pledge form).
    pledge: Option<PledgeRow>,
    /// The tier chosen on a tier card (`?tier=`).
    tier: Option<String>,
    /// The tip form's fee preview, for the amount it came back with.
    tip_preview: PreviewResult,
    /// The pledge form's fee preview, for the amount it came back with.
    pledge_preview: PreviewResult,
    /// The error of the pledge form's last post, if it failed.
    pledge_error: Option<AppError>,
    /// The error of the tip form's last post, if it failed.
    tip_error: Option<AppError>,
    /// What the pledge form's failed post typed.
    pledge_typed: Typed,
    /// What the tip form's failed post typed.
    tip_typed: Typed,
    /// A cause's open budget lines, to earmark a gift to.
    lines: Vec<BudgetLineRow>,
) -> impl IntoView {
    provide_context(locale);
    let tip_lines = lines.clone();
    let tip_amount = RwSignal::new(String::new());
    let pledge_amount = RwSignal::new(String::new());
    let tip_preview = RwSignal::new(tip_preview);
    let pledge_preview = RwSignal::new(pledge_preview);
    follow_amount(slug.clone(), tip_amount, tip_preview);
    follow_amount(slug.clone(), pledge_amount, pledge_preview);
    let pledge = match pledge {
        Some(p) => {
            let amount = format_money(p.amount_minor, &p.currency);
            let status = pledge_status(p.status);
            let text = match p.tier_name {
                Some(tier) => t!(
                    "give-your-pledge-tier",
                    amount = arg(amount),
                    tier = arg(tier),
                    status = arg(status)
                ),
                None => t!(
                    "give-your-pledge",
                    amount = arg(amount),
                    status = arg(status)
                ),
            };
            view! {
                <section class="panel" id="pledge" aria-labelledby="pledge-title">
                    <h2 id="pledge-title">{t!("give-your-pledge-title")}</h2>
                    <p>{text}</p>
                    <p><a href="/account/billing#pledges">{t!("give-your-pledge-change")}</a></p>
                </section>
            }
            .into_any()
        }
        None => view! {
            <PledgeForm slug=slug.clone() currency=currency.clone() tiers tier amount=pledge_amount
                preview=pledge_preview lines error=Signal::stored(pledge_error) typed=pledge_typed/>
        }
        .into_any(),
    };
    view! {
        {pledge}
        <TipForm slug=slug.clone() code=currency.clone() amount=tip_amount preview=tip_preview
            lines=tip_lines error=Signal::stored(tip_error) typed=tip_typed/>
    }
    .into_any()
}

/// A pledge's state in a sentence ("active", "paused"), in the reader's language.
fn pledge_status(status: crate::model::PledgeStatus) -> String {
    use crate::model::PledgeStatus;
    match status {
        PledgeStatus::Active => t!("give-status-active"),
        PledgeStatus::PastDue => t!("give-status-past-due"),
        PledgeStatus::Paused => t!("give-status-paused"),
        PledgeStatus::Cancelled => t!("give-status-cancelled"),
    }
}

/// Once hydrated: fetches the fee preview for every amount typed after the first render (the
/// server rendered the first), showing only the answer for the latest amount.
fn follow_amount(slug: String, amount: RwSignal<String>, preview: RwSignal<PreviewResult>) {
    let asked = StoredValue::new(0_u64);
    Effect::new(move |seen: Option<()>| {
        let typed = amount.get();
        if seen.is_some() {
            let n = asked.get_value() + 1;
            asked.set_value(n);
            let slug = slug.clone();
            leptos::task::spawn_local(async move {
                let result = preview_for(slug, typed).await;
                if asked.get_value() == n {
                    preview.set(result);
                }
            });
        }
    });
}

#[allow(clippy::too_many_arguments)]
#[component]
fn PledgeForm(
    slug: String,
    currency: String,
    tiers: Vec<TierView>,
    tier: Option<String>,
    amount: RwSignal<String>,
    preview: RwSignal<PreviewResult>,
    lines: Vec<BudgetLineRow>,
    error: Signal<Option<AppError>>,
    typed: Typed,
) -> impl IntoView {
    // The chosen tier (or "custom"): what the failed post sent, the tier card's, then the
    // person's clicks.
    let has_tiers = !tiers.is_empty();
    let choice = RwSignal::new(typed.find("tier_id").or(tier).unwrap_or_else(|| {
        if has_tiers {
            String::new()
        } else {
            "custom".to_owned()
        }
    }));
    let code = currency.clone();
    let holds = pledge_amount(&typed, &tiers, &currency);
    let tiers = tiers
        .into_iter()
        .map(|t: TierView| {
            let id = format!("tier-{}", t.id);
            let for_id = id.clone();
            let value = t.id.to_string();
            let mine = value.clone();
            let picked = value.clone();
            let price = format_money(t.price_minor, &currency);
            let typed = price.clone();
            view! {
                <label class="choice" for=for_id>
                    <input type="radio" id=id name="tier_id" value=value
                        checked=choice.get_untracked() == mine
                        prop:checked=move || choice.get() == picked
                        on:change=move |_| {
                            choice.set(t.id.to_string());
                            amount.set(typed.clone());
                        }/>
                    <span class="choice-name">{t.name}</span>
                    <span class="choice-price">{price}" / "{t!("pub-per-month")}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <section class="panel" id="pledge" aria-labelledby="pledge-title">
            <h2 id="pledge-title">{t!("give-pledge-title")}</h2>
            <p class="muted">{t!("give-pledge-lead")}</p>
            <form method="post" action="/api/create_pledge" class="stack" novalidate>
                <CsrfField/>
                <input type="hidden" name="slug" value=slug/>
                <FormAlert error/>
                <fieldset class="choices" aria-describedby="pledge-tier_id-error">
                    <legend>{if has_tiers { t!("give-pledge-choose") } else { t!("give-pledge-your-amount") }}</legend>
                    {tiers}
                    <label class="choice" for="tier-custom">
                        <input type="radio" id="tier-custom" name="tier_id" value="custom"
                            checked=choice.get_untracked() == "custom"
                            prop:checked=move || choice.get() == "custom"
                            on:change=move |_| choice.set("custom".to_owned())/>
                        <span class="choice-name">{t!("give-custom-amount")}</span>
                    </label>
                    <FieldError error field="tier_id" id="pledge-tier_id-error"/>
                </fieldset>
                <div class="field">
                    <label for="pledge-amount">{t!("give-custom-monthly-amount", currency = arg(code.as_str()))}</label>
                    <input id="pledge-amount" name="amount" inputmode="decimal" autocomplete="off"
                        value=typed.get("amount") autofocus=focus_if_invalid(error, "amount")
                        aria-invalid=invalid(error, "amount") aria-describedby="pledge-amount-help pledge-amount-error"
                        on:input=move |ev| {
                            choice.set("custom".to_owned());
                            amount.set(event_target_value(&ev));
                        }/>
                    <p class="help" id="pledge-amount-help">{amount_help(&currency)}</p>
                    <FieldError error field="amount" id="pledge-amount-error"/>
                    <ConfirmLarge prefix="pledge" error amount=holds currency=currency.clone() yes=t!("give-yes-pledge")/>
                    <FeePreview prefix="pledge" preview error/>
                </div>
                <EarmarkChoice prefix="pledge" lines error typed=typed.clone()/>
                <VisibilityChoices prefix="pledge" error typed/>
                <div class="button-row">
                    <button type="submit" class="button">{t!("give-pledge-button")}</button>
                    <PreviewFeeButton kind="pledge"/>
                </div>
            </form>
        </section>
    }
    .into_any()
}

#[component]
fn TipForm(
    slug: String,
    code: String,
    amount: RwSignal<String>,
    preview: RwSignal<PreviewResult>,
    lines: Vec<BudgetLineRow>,
    error: Signal<Option<AppError>>,
    typed: Typed,
) -> impl IntoView {
    view! {
        <section class="panel" id="tip" aria-labelledby="tip-title">
            <h2 id="tip-title">{t!("give-tip-title")}</h2>
            <p class="muted">{t!("give-tip-lead")}</p>
            <form method="post" action="/api/create_tip" class="stack" novalidate>
                <CsrfField/>
                <input type="hidden" name="slug" value=slug/>
                <FormAlert error/>
                <div class="field">
                    <label for="tip-amount">{t!("give-tip-amount", currency = arg(code.as_str()))}</label>
                    <input id="tip-amount" name="amount" inputmode="decimal" autocomplete="off" required
                        value=typed.get("amount") autofocus=focus_if_invalid(error, "amount")
                        aria-invalid=invalid(error, "amount") aria-describedby="tip-amount-error"
                        on:input=move |ev| amount.set(event_target_value(&ev))/>
                    <FieldError error field="amount" id="tip-amount-error"/>
                    <ConfirmLarge prefix="tip" error amount=typed.get("amount") currency=code.clone() yes=t!("give-yes-give")/>
                    <FeePreview prefix="tip" preview error/>
                </div>
                <div class="field">
                    <label for="tip-message">{t!("give-tip-message")}</label>
                    <textarea id="tip-message" name="message" maxlength="500" rows="3"
                        autofocus=focus_if_invalid(error, "message")
                        aria-invalid=invalid(error, "message") aria-describedby="tip-message-help tip-message-error"
                        >{typed.get("message")}</textarea>
                    <p class="help" id="tip-message-help">{t!("give-tip-message-help")}</p>
                    <FieldError error field="message" id="tip-message-error"/>
                </div>
                <EarmarkChoice prefix="tip" lines error typed=typed.clone()/>
                <VisibilityChoices prefix="tip" error typed/>
                <div class="button-row">
                    <button type="submit" class="button">{t!("give-tip-button")}</button>
                    <PreviewFeeButton kind="tip"/>
                </div>
            </form>
        </section>
    }
    .into_any()
}

/// Where the money should go, for a cause with budget lines: one active line, or where it is
/// needed most (no earmark). A plain select, so it posts without WebAssembly.
#[component]
fn EarmarkChoice(
    prefix: &'static str,
    lines: Vec<BudgetLineRow>,
    error: Signal<Option<AppError>>,
    typed: Typed,
) -> impl IntoView {
    (!lines.is_empty()).then(|| {
        let id = format!("{prefix}-budget-line");
        let help = format!("{prefix}-budget-line-help");
        let error_id = format!("{prefix}-budget_line_id-error");
        let described = format!("{help} {error_id}");
        let hints = lines
            .iter()
            .filter(|l| !l.description.is_empty())
            .map(|l| format!("{}: {}", l.name, l.description))
            .collect::<Vec<_>>()
            .join(" · ");
        view! {
            <div class="field">
                <label for=id.clone()>{t!("give-earmark")}</label>
                <select id=id name="budget_line_id"
                    aria-invalid=invalid(error, "budget_line_id") aria-describedby=described>
                    <option value="" selected=typed.get("budget_line_id").is_empty()>
                        {t!("give-earmark-anywhere")}
                    </option>
                    {lines.into_iter().map(|l| {
                        let chosen = typed.chose("budget_line_id", &l.id.to_string());
                        view! { <option value=l.id.to_string() selected=chosen>{l.name}</option> }
                    }).collect_view()}
                </select>
                <p class="help" id=help>
                    {t!("give-earmark-help")}" "{hints}
                </p>
                <FieldError error field="budget_line_id" id=error_id/>
            </div>
        }
    })
}

/// Public, anonymous or private.
#[component]
fn VisibilityChoices(
    prefix: &'static str,
    error: Signal<Option<AppError>>,
    typed: Typed,
) -> impl IntoView {
    let picked = typed
        .find("visibility")
        .unwrap_or_else(|| VisibilityChoice::Public.value().to_owned());
    let error_id = format!("{prefix}-visibility-error");
    let described = error_id.clone();
    view! {
        <fieldset class="choices compact" aria-describedby=described>
            <legend>{t!("give-visibility")}</legend>
            {VisibilityChoice::ALL.into_iter().map(|v| {
                let id = format!("{prefix}-visibility-{}", v.value());
                let for_id = id.clone();
                view! {
                    <label class="choice" for=for_id>
                        <input type="radio" id=id name="visibility" value=v.value()
                            checked=v.value() == picked/>
                        <span>{visibility_label(v)}</span>
                    </label>
                }
            }).collect_view()}
            <FieldError error field="visibility" id=error_id/>
        </fieldset>
    }
    .into_any()
}

/// Public, anonymous or private, in the reader's language.
fn visibility_label(v: VisibilityChoice) -> String {
    match v {
        VisibilityChoice::Public => t!("give-visibility-public"),
        VisibilityChoice::Anonymous => t!("give-visibility-anonymous"),
        VisibilityChoice::Private => t!("give-visibility-private"),
    }
}

/// "For example 5 or 12.50": amounts as this currency is typed (no decimals for won or yen).
fn amount_help(currency: &str) -> String {
    match currency.parse::<crate::money::Currency>() {
        Ok(c) if c.minor_per_major() == 1 => t!("give-custom-amount-help-whole"),
        _ => t!("give-custom-amount-help"),
    }
}

/// Without WebAssembly: brings the form back with the fee for the amount typed, giving nothing.
#[component]
fn PreviewFeeButton(kind: &'static str) -> impl IntoView {
    view! {
        <button type="submit" class="button button-secondary" formaction=GIVE_PREVIEW_PATH
            formnovalidate=true name="preview" value=kind>{t!("give-preview-fee")}</button>
    }
}

/// The fee share of the amount in a give form (`prefix` is `tip` or `pledge`).
#[component]
fn FeePreview(
    prefix: &'static str,
    preview: RwSignal<PreviewResult>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let id = format!("{prefix}-fee");
    view! {
        <div class="fee-preview" id=id aria-live="polite">
            {move || match preview.get() {
                Ok(Some(p)) => view! { <PreviewView preview=p/> }.into_any(),
                Ok(None) => view! {
                    <p class="help">{t!("give-preview-empty")}</p>
                }.into_any(),
                // The form's own error already says what is wrong with the amount.
                Err(_) if error.get().is_some() => ().into_any(),
                Err(AppError::Invalid { message, .. }) => view! {
                    <p class="field-error">{message}</p>
                }.into_any(),
                Err(e) => view! { <p class="field-error">{e.to_string()}</p> }.into_any(),
            }}
        </div>
    }
}

/// What one item of a coming charge is ("Tip", "Monthly pledge · Gold", "This donation"), in
/// the reader's language.
pub(crate) fn upcoming_item_label(i: &crate::model::UpcomingItem) -> String {
    if i.is_new {
        return crate::model::ItemKind::ThisDonation.name();
    }
    i.kind.name()
}

#[component]
pub(crate) fn PreviewView(preview: DonationPreview) -> impl IntoView {
    let c = preview.charge;
    let cur = c.currency.clone();
    let money = move |m: i64| format_money(m, &cur);
    let saved = preview.alone_fee_minor - preview.share_minor;
    let alone = c.items.len() == 1;
    let summary = if alone {
        t!(
            "give-fee-alone",
            fee = arg(money(preview.share_minor)),
            amount = arg(money(preview.amount_minor)),
            rule = arg(preview.fee_rule.as_str()),
        )
    } else if saved > 0 {
        t!(
            "give-fee-shared-saves",
            fee = arg(money(preview.share_minor)),
            amount = arg(money(preview.amount_minor)),
            rule = arg(preview.fee_rule.as_str()),
            alone = arg(money(preview.alone_fee_minor)),
            saved = arg(money(saved)),
        )
    } else {
        t!(
            "give-fee-shared",
            fee = arg(money(preview.share_minor)),
            amount = arg(money(preview.amount_minor)),
            rule = arg(preview.fee_rule.as_str()),
            alone = arg(money(preview.alone_fee_minor)),
        )
    };
    view! {
        <div class="preview">
            <p class="fee-share">{summary}</p>
            <details>
                <summary>{t!("give-next-charge", currency = arg(c.currency.as_str()), day = arg(crate::model::day_label(&c.day)))}</summary>
                <table class="items">
                    <caption class="visually-hidden">{t!("give-next-charge-caption")}</caption>
                    <thead>
                        <tr><th scope="col">{t!("give-col-donation")}</th><th scope="col" class="num">{t!("pub-col-amount")}</th></tr>
                    </thead>
                    <tbody>
                        {c.items.iter().map(|i| view! {
                            <tr class:is-new=i.is_new>
                                <td>
                                    <span class="item-name">{i.recipient_name.clone()}</span>
                                    <span class="item-label">{upcoming_item_label(i)}</span>
                                </td>
                                <td class="num">{money(i.amount_minor)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                    <tfoot>
                        <tr><th scope="row">{t!("give-you-pay")}</th><td class="num">{money(c.total_minor)}</td></tr>
                        <tr class="fee-row">
                            <th scope="row">{t!("give-estimated-fee", rule = arg(preview.fee_rule.as_str()))}</th>
                            <td class="num">{money(c.estimated_fee_minor)}</td>
                        </tr>
                    </tfoot>
                </table>
            </details>
            {c.will_carry_forward.then(|| view! {
                <p class="note">
                    {t!("give-below-minimum", minimum = arg(money(c.min_charge_minor)))}
                </p>
            })}
        </div>
    }
    .into_any()
}
