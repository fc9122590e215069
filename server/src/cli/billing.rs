//! `server billing run`: one billing cycle from the command line, with a progress bar and a
//! summary a person can check against the processor's dashboard.

use super::CliError;
use app::domain::AppState;
use app::domain::billing::{self, Progress, RunSummary};
use app::money::Money;
use chrono::NaiveDate;
use indicatif::{ProgressBar, ProgressStyle};
use std::fmt::Write as _;
use std::time::Duration;

/// Parses `--as-of`: a calendar date written `YYYY-MM-DD`.
pub fn parse_as_of(raw: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| format!("expected a date written YYYY-MM-DD, like 2026-11-01 (got {raw:?})"))
}

/// Runs one cycle as of `as_of` (today, UTC, when `None`) and prints its summary.
pub async fn run(state: &AppState, as_of: Option<NaiveDate>) -> Result<RunSummary, CliError> {
    let as_of = as_of.unwrap_or_else(|| chrono::Utc::now().date_naive());
    let bar = progress_bar();
    let summary = billing::run(
        &state.db,
        state.processor.as_ref(),
        &state.billing,
        as_of,
        &|p| show_progress(&bar, p),
    )
    .await;
    bar.finish_and_clear();
    let summary = summary?;
    println!("Billing run as of {as_of}");
    print!("{}", format_summary(&summary));
    Ok(summary)
}

/// A spinner while supporters are gathered, then a bar over the charges to send. Drawn on
/// standard error, and only on a terminal.
pub fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_style(style("{spinner} gathering due supporters: {pos}"));
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// Moves `bar` along with the run.
pub fn show_progress(bar: &ProgressBar, progress: Progress) {
    match progress {
        Progress::Gathered(n) => bar.set_position(n),
        Progress::ChargesToSend(n) => {
            bar.set_style(style(
                "charging {bar:40} {pos}/{len} charges ({per_sec}, {eta} left)",
            ));
            bar.set_length(n);
            bar.set_position(0);
        }
        Progress::Charged(n) => bar.set_position(n),
    }
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar())
}

/// The summary of a run, one figure a line, then the money per currency.
pub fn format_summary(s: &RunSummary) -> String {
    let mut out = String::new();
    let mut line = |label: &str, value: String| {
        let _ = writeln!(out, "  {label:<26}{value}");
    };
    line("cycle", s.cycle.clone());
    line("supporters due", s.supporters_due.to_string());
    line("charges created", s.charges_created.to_string());
    line("charges succeeded", s.charges_succeeded.to_string());
    line("charges declined", s.charges_declined.to_string());
    line(
        "charges requiring action",
        s.charges_requiring_action.to_string(),
    );
    if s.charges_processing > 0 {
        line("charges processing", s.charges_processing.to_string());
    }
    line(
        "charges unreachable",
        format!("{} (left pending for the next run)", s.charges_unreachable),
    );
    line("items charged", s.items_charged.to_string());
    line(
        "items carried forward",
        format!(
            "{} (from {} supporters)",
            s.items_carried_forward, s.supporters_carried_forward
        ),
    );
    if s.charges_leased_elsewhere > 0 {
        let until = s
            .leased_until
            .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
            .map_or_else(
                || "unknown".to_owned(),
                |t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            );
        line(
            "charges leased elsewhere",
            format!(
                "{} (claimed by another run until {until}; a run after that takes what is left)",
                s.charges_leased_elsewhere
            ),
        );
    }
    line("retries scheduled", s.retries_scheduled.to_string());
    line("items voided", s.items_voided.to_string());
    if s.totals.is_empty() {
        out.push_str("  nothing was charged\n");
    }
    for (currency, t) in &s.totals {
        let money = |minor| Money::new(minor, *currency).to_string();
        let net = t.gross_minor - t.fee_minor - t.platform_fee_minor;
        let _ = writeln!(
            out,
            "  {currency}: gross {}, processor fees {}, platform fees {}, net {}",
            money(t.gross_minor),
            money(t.fee_minor),
            money(t.platform_fee_minor),
            money(net)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::billing::CurrencyTotals;
    use app::money::Currency;

    #[test]
    fn as_of_takes_iso_dates_and_explains_anything_else() {
        assert_eq!(
            parse_as_of("2026-11-01"),
            Ok(NaiveDate::from_ymd_opt(2026, 11, 1).unwrap())
        );
        for bad in ["2026-13-01", "01/11/2026", "tomorrow", ""] {
            let e = parse_as_of(bad).unwrap_err();
            assert!(e.contains("YYYY-MM-DD"), "{bad}: {e}");
        }
    }

    #[test]
    fn the_summary_shows_every_count_and_the_money_per_currency() {
        let mut s = RunSummary {
            cycle: "2026-11".into(),
            supporters_due: 3,
            charges_created: 2,
            charges_succeeded: 1,
            charges_declined: 1,
            items_charged: 3,
            items_carried_forward: 2,
            supporters_carried_forward: 1,
            ..RunSummary::default()
        };
        s.totals.insert(
            Currency::USD,
            CurrencyTotals {
                gross_minor: 123_456,
                fee_minor: 3_610,
                platform_fee_minor: 100,
            },
        );
        s.totals.insert(
            Currency::KRW,
            CurrencyTotals {
                gross_minor: 10_000,
                fee_minor: 340,
                platform_fee_minor: 0,
            },
        );
        let text = format_summary(&s);
        assert!(text.contains("supporters due            3\n"), "{text}");
        assert!(text.contains("items carried forward     2 (from 1 supporters)"));
        assert!(text.contains(
            "USD: gross $1,234.56, processor fees $36.10, platform fees $1.00, net $1,197.46"
        ));
        assert!(text.contains("KRW: gross ₩10,000, processor fees ₩340"));
        assert!(
            !text.contains("processing"),
            "shown only when there are some"
        );
    }
}
