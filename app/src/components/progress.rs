//! A labelled progress bar towards a goal, readable by screen readers.

use crate::i18n::arg;
use crate::model::{format_money, percent_of};
use crate::t;
use leptos::prelude::*;

/// `amount` of `goal` (minor units of `currency`), with a visible label that names both.
#[component]
pub fn GoalProgress(
    /// A unique id for the label.
    id: &'static str,
    amount: i64,
    goal: i64,
    currency: String,
    /// What the amount is, e.g. "a month" or "raised".
    #[prop(into)]
    label: String,
) -> impl IntoView {
    let pct = percent_of(amount, goal);
    let text = t!(
        "pub-goal-of",
        amount = arg(format_money(amount, &currency)),
        goal = arg(format_money(goal, &currency)),
        label = arg(label.as_str()),
    );
    let value_text = format!("{text} ({pct}%)");
    let label_id = format!("{id}-label");
    view! {
        <div class="goal">
            <p class="goal-label" id=label_id.clone()>
                <strong>{format_money(amount, &currency)}</strong>
                " "{t!("pub-goal-of-rest", goal = arg(format_money(goal, &currency)), label = arg(label.as_str()))}
                <span class="goal-pct">{format!("{pct}%")}</span>
            </p>
            // A native progress bar: its role and value need no ARIA, and its width needs no
            // inline style (which the Content Security Policy forbids).
            <progress class="progress" id=id max="100" value=pct.to_string()
                aria-labelledby=label_id aria-valuetext=value_text>
                {format!("{pct}%")}
            </progress>
        </div>
    }
}
