//! A bar chart drawn on the server as inline SVG: readable without WebAssembly, scaled to its
//! container by its `viewBox`, described for screen readers by `<title>`/`<desc>` and a
//! visually hidden table of the same numbers.

use crate::model::format_money;
use crate::t;
use leptos::prelude::*;

/// The drawing's coordinate space; the SVG scales to 100% of its container's width.
const WIDTH: i64 = 400;
const HEIGHT: i64 = 240;
const LEFT: i64 = 56;
const RIGHT: i64 = 6;
const TOP: i64 = 10;
const BOTTOM: i64 = 28;

/// The gap between the value axis's four gridlines: the smallest 1, 2 or 5 times a power of
/// ten that puts the top gridline at or above `max`.
pub fn axis_step(max: i64) -> i64 {
    let want = (max.max(1) + 3) / 4;
    let mut power = 1i64;
    loop {
        for m in [1, 2, 5] {
            if let Some(step) = power.checked_mul(m)
                && step >= want
            {
                return step;
            }
        }
        match power.checked_mul(10) {
            Some(p) => power = p,
            None => return want,
        }
    }
}

/// A value axis label: whole amounts without their zero cents (`$20`, `$2.50`).
fn axis_label(minor: i64, currency: &str) -> String {
    let full = format_money(minor, currency);
    match full.strip_suffix(".00") {
        Some(whole) => whole.to_owned(),
        None => full,
    }
}

/// Every other label counting back from the last is `chart-alt`, which narrow screens hide
/// so the rest can be larger.
fn month_class(i: usize, count: usize) -> &'static str {
    if (count - 1 - i) % 2 == 1 {
        "chart-axis chart-alt" // i18n: not for people (CSS classes)
    } else {
        "chart-axis"
    }
}

/// The axis label of a bar: its label's first word that is not a year ("Dec" of "Dec 2026",
/// "12월" of "2026년 12월").
fn short_label(label: &str) -> String {
    label
        .split(' ')
        .find(|w| !w.trim_end_matches('년').chars().all(|c| c.is_ascii_digit()))
        .or_else(|| label.split(' ').next())
        .unwrap_or_default()
        .to_owned()
}

/// Bars of amounts in minor units of `currency`, one per `(label, amount)`.
#[component]
pub fn BarChart(
    /// The chart's accessible name.
    title: String,
    /// A sentence summarising what the chart shows.
    desc: String,
    currency: String,
    bars: Vec<(String, i64)>,
) -> impl IntoView {
    let max = bars.iter().map(|(_, v)| *v).max().unwrap_or(0);
    // An empty chart still gets a readable axis: up to one whole unit of the currency.
    let floor = currency
        .parse::<crate::money::Currency>()
        .map_or(100, crate::money::Currency::minor_per_major);
    let step = axis_step(max.max(floor));
    let top = step.saturating_mul(4);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let count = bars.len();
    let n = count.max(1) as i64;
    let slot = plot_w / n;
    let bar_w = (slot * 3 / 5).max(1);
    // Integer geometry: a bar's height in drawing units, never floats for money.
    let y_of = move |v: i64| {
        TOP + plot_h - (i128::from(v.max(0)) * i128::from(plot_h) / i128::from(top)) as i64
    };
    let ticks: Vec<i64> = (0..=4).map(|i| step.saturating_mul(i)).collect();
    let cur = currency.clone();
    let table_cur = currency.clone();
    let rows = bars.clone();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") width="100%" role="img"
                aria-labelledby="chart-title" aria-describedby="chart-desc" preserveAspectRatio="xMidYMid meet">
                <title id="chart-title">{title.clone()}</title>
                <desc id="chart-desc">{desc.clone()}</desc>
                {ticks.into_iter().map(|t| {
                    let y = y_of(t);
                    view! {
                        <line class="chart-grid" x1=LEFT x2=WIDTH - RIGHT y1=y y2=y/>
                        <text class="chart-axis" x=LEFT - 5 y=y + 4 text-anchor="end">{axis_label(t, &cur)}</text>
                    }
                }).collect_view()}
                {bars.into_iter().enumerate().map(|(i, (label, v))| {
                    let x = LEFT + slot * i as i64 + (slot - bar_w) / 2;
                    let y = y_of(v);
                    let h = TOP + plot_h - y;
                    let money = format_money(v, &currency);
                    view! {
                        <rect class="chart-bar" x=x y=y width=bar_w height=h>
                            <title>{format!("{label}: {money}")}</title>
                        </rect>
                        <text class=month_class(i, count) x=x + bar_w / 2 y=HEIGHT - BOTTOM + 18 text-anchor="middle">
                            {short_label(&label)}
                        </text>
                    }
                }).collect_view()}
                <line class="chart-base" x1=LEFT x2=WIDTH - RIGHT y1=TOP + plot_h y2=TOP + plot_h/>
            </svg>
            <table class="visually-hidden">
                <caption>{title}</caption>
                <thead><tr><th scope="col">{t!("pub-chart-month")}</th><th scope="col">{t!("pub-col-amount")}</th></tr></thead>
                <tbody>
                    {rows.into_iter().map(|(label, v)| view! {
                        <tr><th scope="row">{label}</th><td>{format_money(v, &table_cur)}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </figure>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_axis_steps_are_round_numbers_with_room_for_the_largest_bar() {
        assert_eq!(super::axis_step(0), 1);
        assert_eq!(super::axis_step(4), 1);
        assert_eq!(super::axis_step(5), 2);
        assert_eq!(super::axis_step(100), 50);
        assert_eq!(super::axis_step(1408), 500);
        assert_eq!(super::axis_step(2000), 500);
        assert_eq!(super::axis_step(2001), 1000);
    }
}
