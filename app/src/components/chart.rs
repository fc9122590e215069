//! A bar chart drawn on the server as inline SVG: readable without WebAssembly, scaled to its
//! container by its `viewBox`, described for screen readers by `<title>`/`<desc>` and a
//! visually hidden table of the same numbers.

use crate::model::format_money;
use leptos::prelude::*;

/// The drawing's coordinate space; the SVG scales to 100% of its container's width.
const WIDTH: i64 = 400;
const HEIGHT: i64 = 240;
const LEFT: i64 = 56;
const RIGHT: i64 = 6;
const TOP: i64 = 10;
const BOTTOM: i64 = 28;

/// A "nice" top of the value axis at or above `max`: 1, 2 or 5 times a power of ten.
pub fn axis_top(max: i64) -> i64 {
    if max <= 0 {
        return 1;
    }
    let mut step = 1i64;
    loop {
        for m in [1, 2, 5] {
            if let Some(top) = step.checked_mul(m)
                && top >= max
            {
                return top;
            }
        }
        match step.checked_mul(10) {
            Some(s) => step = s,
            None => return max,
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
        "chart-axis chart-alt"
    } else {
        "chart-axis"
    }
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
    // At least four units, so the four gridlines have distinct labels.
    let top = axis_top(max.max(4));
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
    let ticks: Vec<i64> = (0..=4).map(|i| top * i / 4).collect();
    let cur = currency.clone();
    let table_cur = currency.clone();
    let rows = bars.clone();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") width="100%" role="img"
                aria-labelledby="chart-title chart-desc" preserveAspectRatio="xMidYMid meet">
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
                            {label.split(' ').next().unwrap_or_default().to_owned()}
                        </text>
                    }
                }).collect_view()}
                <line class="chart-base" x1=LEFT x2=WIDTH - RIGHT y1=TOP + plot_h y2=TOP + plot_h/>
            </svg>
            <table class="visually-hidden">
                <caption>{title}</caption>
                <thead><tr><th scope="col">"Month"</th><th scope="col">"Amount"</th></tr></thead>
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
    fn the_axis_tops_out_at_a_round_number() {
        assert_eq!(super::axis_top(0), 1);
        assert_eq!(super::axis_top(1), 1);
        assert_eq!(super::axis_top(3), 5);
        assert_eq!(super::axis_top(1234), 2000);
        assert_eq!(super::axis_top(5000), 5000);
        assert_eq!(super::axis_top(5001), 10000);
    }
}
