//! What time is it, and how is a day written? Chipin keeps instants as unix seconds (UTC) in
//! the database; these are the only functions that read the clock or turn instants into the
//! labels people see and type.

use super::words::Words;
use chrono::{Datelike as _, NaiveDate};

/// Now, in unix seconds.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// "12 Jun 2026": the one way pages and emails write a day (`model::day_label` writes the
/// same from `YYYY-MM-DD`).
pub fn date_label(date: NaiveDate) -> String {
    date.format("%-d %b %Y").to_string()
}

/// The day of an instant (unix seconds, UTC) for people: "12 Jun 2026".
pub fn instant_label(at: i64) -> String {
    chrono::DateTime::from_timestamp(at, 0).map_or_else(String::new, |d| date_label(d.date_naive()))
}

/// `YYYY-MM-DD` of an instant (UTC), for tables, forms and CSV files.
pub fn iso_day(at: i64) -> String {
    chrono::DateTime::from_timestamp(at, 0)
        .map(|d| d.date_naive().to_string())
        .unwrap_or_default()
}

/// Unix seconds at midnight UTC starting `date`.
pub fn midnight(date: NaiveDate) -> i64 {
    date.and_hms_opt(0, 0, 0)
        .map_or(0, |d| d.and_utc().timestamp())
}

/// A day typed as `YYYY-MM-DD`, as unix seconds at midnight UTC; not in the future.
pub fn parse_day(raw: &str) -> Result<i64, Words> {
    let malformed = || Words::new("studio-error-day-format");
    let day = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| malformed())?;
    let at = day
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp())
        .ok_or_else(malformed)?;
    if at > now() + 86_400 {
        return Err(Words::new("studio-error-day-future"));
    }
    if day.year_ce().1 < 2000 {
        return Err(Words::new("studio-error-day-century"));
    }
    Ok(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_read_as_people_write_days() {
        let day = NaiveDate::from_ymd_opt(2026, 6, 12).unwrap();
        assert_eq!(date_label(day), "12 Jun 2026");
        assert_eq!(instant_label(midnight(day) + 3_600), "12 Jun 2026");
        assert_eq!(iso_day(midnight(day) + 86_399), "2026-06-12");
        // Pages write a `YYYY-MM-DD` from a model the same way as a day from the clock.
        for (y, m, d) in [(2026, 1, 1), (2026, 6, 12), (2027, 12, 31)] {
            let day = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(crate::model::day_label(&day.to_string()), date_label(day));
        }
        for odd in ["", "2026-13-01", "26-01-01", "2026-1-1", "Total"] {
            assert_eq!(crate::model::day_label(odd), odd);
        }
    }

    #[test]
    fn a_typed_day_is_midnight_utc_and_never_in_the_future() {
        let day = NaiveDate::from_ymd_opt(2026, 1, 2).unwrap();
        assert_eq!(parse_day(" 2026-01-02 "), Ok(midnight(day)));
        assert!(parse_day("02/01/2026").is_err());
        assert!(parse_day("1999-12-31").is_err());
        assert!(parse_day("9999-01-01").is_err());
    }
}
