//! What do Chipin's account emails say? Each template returns the plain-text and HTML parts,
//! in the recipient's language: every word comes from `app/locales/<tag>/mail.ftl`, amounts
//! and months are written as that language writes them.
//!
//! Mail that can reach an address not yet verified carries no text a stranger typed: whoever
//! fills in the sign-up form chooses the display name, so such mail greets neutrally
//! ([`greeting`] with `None`) and otherwise says only Chipin's own words and links.

use super::Email;
use crate::i18n::{Locale, arg};
use crate::money::Money;
use crate::t_in;

/// The language mail to an account goes in: the one it saved (`users.language`), English
/// when it has none or one Chipin no longer has.
pub fn recipient_locale(saved: Option<&str>) -> Locale {
    saved.and_then(Locale::from_tag).unwrap_or_default()
}

/// Escapes text for HTML bodies.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The start of every HTML body up to and including the greeting, `width` pixels wide.
fn html_open(width: u32, greeting: &str) -> String {
    format!(
        "<!doctype html><html><body style=\"font-family:system-ui,sans-serif;color:#1f2430;max-width:{width}px;margin:auto;padding:24px\"><p style=\"font-size:20px;font-weight:700;color:#0f766e\">Chipin</p><p>{}</p>", // i18n: not for people
        esc(greeting)
    )
}

/// The end of every HTML body: the small print saying why the mail came.
fn html_close(footer: &str) -> String {
    format!(
        "<p style=\"font-size:13px;color:#5b6270\">{}</p></body></html>", // i18n: not for people
        esc(footer)
    )
}

fn html_page(
    locale: Locale,
    greeting: &str,
    paragraphs: &[&str],
    link: Option<(&str, &str)>,
    footer: &str,
) -> String {
    let mut body = html_open(560, greeting);
    for p in paragraphs {
        body.push_str(&format!("<p>{}</p>", esc(p)));
    }
    if let Some((label, href)) = link {
        body.push_str(&format!(
            "<p><a href=\"{}\" style=\"display:inline-block;background:#0f766e;color:#fff;padding:10px 18px;border-radius:8px;text-decoration:none\">{}</a></p>", // i18n: not for people
            esc(href),
            esc(label)
        ));
        body.push_str(&format!(
            "<p style=\"font-size:13px;color:#5b6270\">{}</p>", // i18n: not for people
            esc(&t_in!(locale, "mail-link-fallback", link = arg(href)))
        ));
    }
    body.push_str(&html_close(footer));
    body
}

/// "Hi Ada," for a name known to belong to the address's owner; "Hello," otherwise.
fn greeting(locale: Locale, name: Option<&str>) -> String {
    match name {
        Some(name) => t_in!(locale, "mail-greeting-named", name = arg(name)),
        None => t_in!(locale, "mail-greeting"),
    }
}

/// The link that confirms a new account's address. It always goes to an unverified address,
/// so it never names the account: the name is whatever the sign-up form's author typed.
pub fn verify_email(to: &str, locale: Locale, link: &str) -> Email {
    let greeting = greeting(locale, None);
    let line = t_in!(locale, "mail-verify-line");
    let confirm = t_in!(locale, "mail-verify-confirm", link = arg(link));
    let expiry = t_in!(locale, "mail-verify-expiry");
    let footer = t_in!(locale, "mail-verify-footer");
    Email {
        to: to.to_owned(),
        subject: t_in!(locale, "mail-verify-subject"),
        text: format!("{greeting}\n\n{line}\n\n{confirm}\n\n{expiry}\n\n{footer}\n"),
        html: html_page(
            locale,
            &greeting,
            &[&line, &expiry],
            Some((&t_in!(locale, "mail-verify-button"), link)),
            &footer,
        ),
    }
}

/// Sent instead of a verification link when someone signs up with an address that already
/// has an account, so the sign-up form reveals nothing. `name` only if the address is verified.
pub fn account_exists(
    to: &str,
    locale: Locale,
    name: Option<&str>,
    login_link: &str,
    reset_link: &str,
) -> Email {
    let greeting = greeting(locale, name);
    let line = t_in!(locale, "mail-exists-line");
    let log_in = t_in!(locale, "mail-exists-log-in", link = arg(login_link));
    let forgot = t_in!(locale, "mail-exists-forgot", link = arg(reset_link));
    let footer = t_in!(locale, "mail-exists-footer");
    Email {
        to: to.to_owned(),
        subject: t_in!(locale, "mail-exists-subject"),
        text: format!("{greeting}\n\n{line}\n\n{log_in}\n{forgot}\n\n{footer}\n"),
        html: html_page(
            locale,
            &greeting,
            &[
                &line,
                &t_in!(locale, "mail-exists-forgot-html", link = arg(reset_link)),
            ],
            Some((&t_in!(locale, "mail-exists-button"), login_link)),
            &footer,
        ),
    }
}

/// The single-use link that sets a new password. `name` only if the address is verified.
pub fn reset_password(to: &str, locale: Locale, name: Option<&str>, link: &str) -> Email {
    let greeting = greeting(locale, name);
    let line = t_in!(locale, "mail-reset-line");
    let choose = t_in!(locale, "mail-reset-choose", link = arg(link));
    let expiry = t_in!(locale, "mail-reset-expiry");
    let footer = t_in!(locale, "mail-reset-footer");
    Email {
        to: to.to_owned(),
        subject: t_in!(locale, "mail-reset-subject"),
        text: format!("{greeting}\n\n{line}\n\n{choose}\n\n{expiry}\n\n{footer}\n"),
        html: html_page(
            locale,
            &greeting,
            &[&line, &expiry],
            Some((&t_in!(locale, "mail-reset-button"), link)),
            &footer,
        ),
    }
}

/// Confirms a password change, so an unexpected one is noticed.
pub fn password_changed(to: &str, locale: Locale, name: &str, reset_link: &str) -> Email {
    let greeting = greeting(locale, Some(name));
    let line = t_in!(locale, "mail-changed-line");
    let not_you = t_in!(locale, "mail-changed-not-you", link = arg(reset_link));
    let footer = t_in!(locale, "mail-changed-footer");
    Email {
        to: to.to_owned(),
        subject: t_in!(locale, "mail-changed-subject"),
        text: format!("{greeting}\n\n{line}\n\n{not_you}\n\n{footer}\n"),
        html: html_page(
            locale,
            &greeting,
            &[&line],
            Some((&t_in!(locale, "mail-changed-button"), reset_link)),
            &footer,
        ),
    }
}

/// A consolidated charge was declined; `final_attempt` says whether Chipin gave up.
pub fn payment_failed(
    to: &str,
    locale: Locale,
    name: &str,
    amount: Money,
    code: &str,
    final_attempt: bool,
    fix_link: &str,
) -> Email {
    let greeting = greeting(locale, Some(name));
    let amount = locale.money(amount);
    let reason = match code {
        "insufficient_funds" => t_in!(locale, "mail-failed-reason-insufficient-funds"),
        "expired_card" => t_in!(locale, "mail-failed-reason-expired-card"),
        "payment_method_missing" => t_in!(locale, "mail-failed-reason-no-method"),
        "authentication_failed" | "payment_intent_authentication_failure" => {
            t_in!(locale, "mail-failed-reason-not-confirmed")
        }
        c if crate::domain::processors::payment_method_unusable(c) => {
            t_in!(locale, "mail-failed-reason-unusable")
        }
        _ => t_in!(locale, "mail-failed-reason-declined"),
    };
    let line = t_in!(
        locale,
        "mail-failed-line",
        amount = arg(&amount),
        reason = arg(&reason)
    );
    let next = if final_attempt {
        t_in!(locale, "mail-failed-final")
    } else {
        t_in!(locale, "mail-failed-retry")
    };
    let update = t_in!(locale, "mail-failed-update", link = arg(fix_link));
    let footer = t_in!(locale, "mail-footer-supporter");
    Email {
        to: to.to_owned(),
        subject: t_in!(locale, "mail-failed-subject", amount = arg(&amount)),
        text: format!("{greeting}\n\n{line}\n\n{next}\n\n{update}\n\n{footer}\n"),
        html: html_page(
            locale,
            &greeting,
            &[&line, &next],
            Some((&t_in!(locale, "mail-failed-button"), fix_link)),
            &footer,
        ),
    }
}

/// The bank wants the supporter to confirm a charge (3-D Secure).
pub fn authentication_required(
    to: &str,
    locale: Locale,
    name: &str,
    amount: Money,
    link: &str,
) -> Email {
    let greeting = greeting(locale, Some(name));
    let amount = locale.money(amount);
    let line = t_in!(locale, "mail-authenticate-line", amount = arg(&amount));
    let confirm = t_in!(locale, "mail-authenticate-confirm", link = arg(link));
    let footer = t_in!(locale, "mail-footer-supporter");
    Email {
        to: to.to_owned(),
        subject: t_in!(locale, "mail-authenticate-subject", amount = arg(&amount)),
        text: format!("{greeting}\n\n{line}\n\n{confirm}\n\n{footer}\n"),
        html: html_page(
            locale,
            &greeting,
            &[&line],
            Some((&t_in!(locale, "mail-authenticate-button"), link)),
            &footer,
        ),
    }
}

/// One donation on a charge receipt.
#[derive(Clone, Debug)]
pub struct ReceiptLine {
    pub recipient: String,
    /// The pledge's period (`YYYY-MM`), or `None` for a tip.
    pub period: Option<String>,
    /// The budget line the donation is earmarked for, if any.
    pub budget_line: Option<String>,
    pub gross: Money,
    pub fee: Money,
    pub platform_fee: Money,
    pub net: Money,
    /// The donation's trail page.
    pub link: String,
}

/// A pledge period (`YYYY-MM`) as the receipt names it. English receipts have always shown
/// the period as stored; other languages get their way of writing a month.
fn period_label(locale: Locale, period: &str) -> String {
    if locale == Locale::En {
        return period.to_owned();
    }
    let mut parts = period.splitn(2, '-');
    match (
        parts.next().and_then(|y| y.parse::<i32>().ok()),
        parts.next().and_then(|m| m.parse::<u32>().ok()),
    ) {
        (Some(year), Some(month)) if (1..=12).contains(&month) => locale.month(year, month),
        _ => period.to_owned(),
    }
}

/// What a receipt line is: a monthly pledge for a period or a tip, perhaps earmarked.
fn receipt_label(locale: Locale, line: &ReceiptLine) -> String {
    let kind = match &line.period {
        Some(p) => t_in!(
            locale,
            "mail-receipt-pledge",
            period = arg(period_label(locale, p))
        ),
        None => t_in!(locale, "mail-receipt-tip"),
    };
    match &line.budget_line {
        Some(budget_line) => t_in!(
            locale,
            "mail-receipt-earmarked",
            kind = arg(kind),
            line = arg(budget_line.as_str())
        ),
        None => kind,
    }
}

/// The receipt for a successful consolidated charge: every donation with its fee shares and
/// a link to the page that follows it to its payout and, for causes, its expenses.
pub fn charge_receipt(
    to: &str,
    locale: Locale,
    name: &str,
    charge_id: i64,
    amount: Money,
    fee: Money,
    lines: &[ReceiptLine],
) -> Email {
    let greeting = greeting(locale, Some(name));
    let amount = locale.money(amount);
    let intro = t_in!(
        locale,
        "mail-receipt-intro",
        amount = arg(&amount),
        reference = arg(crate::model::charge_reference(charge_id)),
        fee = arg(locale.money(fee))
    );
    let outro = t_in!(locale, "mail-receipt-outro");
    let footer = t_in!(locale, "mail-footer-supporter");
    let mut text = format!("{greeting}\n\n{intro}\n\n");
    let mut html = html_open(640, &greeting);
    html.push_str(&format!("<p>{}</p>", esc(&intro)));
    html.push_str(&format!(
        "<table style=\"border-collapse:collapse;width:100%\"><thead><tr><th align=\"left\">{}</th><th align=\"right\">{}</th><th align=\"right\">{}</th><th align=\"right\">{}</th><th align=\"right\">{}</th></tr></thead><tbody>", // i18n: not for people
        esc(&t_in!(locale, "mail-receipt-head-donation")),
        esc(&t_in!(locale, "mail-receipt-head-gross")),
        esc(&t_in!(locale, "mail-receipt-head-fee")),
        esc(&t_in!(locale, "mail-receipt-head-platform-fee")),
        esc(&t_in!(locale, "mail-receipt-head-net")),
    ));
    for l in lines {
        let label = receipt_label(locale, l);
        let (gross, fee, platform_fee, net) = (
            locale.money(l.gross),
            locale.money(l.fee),
            locale.money(l.platform_fee),
            locale.money(l.net),
        );
        let line = t_in!(
            locale,
            "mail-receipt-line",
            recipient = arg(l.recipient.as_str()),
            label = arg(&label),
            gross = arg(&gross),
            fee = arg(&fee),
            platform_fee = arg(&platform_fee),
            net = arg(&net),
            link = arg(l.link.as_str())
        );
        text.push_str(&format!("- {line}\n"));
        html.push_str(&format!(
            "<tr><td><a href=\"{}\">{}</a> ({})</td><td align=\"right\">{}</td><td align=\"right\">{}</td><td align=\"right\">{}</td><td align=\"right\">{}</td></tr>", // i18n: not for people
            esc(&l.link),
            esc(&l.recipient),
            esc(&label),
            esc(&gross),
            esc(&fee),
            esc(&platform_fee),
            esc(&net)
        ));
    }
    text.push_str(&format!("\n{outro}\n\n{footer}\n"));
    html.push_str(&format!("</tbody></table><p>{}</p>", esc(&outro)));
    html.push_str(&html_close(&footer));
    Email {
        to: to.to_owned(),
        subject: t_in!(locale, "mail-receipt-subject", amount = arg(&amount)),
        text,
        html,
    }
}

/// The receipt for a refund: how much, which donations, and when the bank shows it. `lines`
/// are `(page name, amount refunded of that donation)`.
pub fn refund_receipt(
    to: &str,
    locale: Locale,
    name: &str,
    amount: Money,
    lines: &[(String, Money)],
) -> Email {
    let greeting = greeting(locale, Some(name));
    let amount = locale.money(amount);
    let intro = t_in!(locale, "mail-refund-intro", amount = arg(&amount));
    let list = lines
        .iter()
        .map(|(page, part)| {
            t_in!(
                locale,
                "mail-refund-part",
                amount = arg(locale.money(*part)),
                page = arg(page.as_str())
            )
        })
        .collect::<Vec<_>>();
    let which = t_in!(locale, "mail-refund-which", list = arg(list.join("; ")));
    let footer = t_in!(locale, "mail-footer-supporter");
    Email {
        to: to.to_owned(),
        subject: t_in!(locale, "mail-refund-subject", amount = arg(&amount)),
        text: format!("{greeting}\n\n{intro}\n\n{which}\n\n{footer}\n"),
        html: html_page(locale, &greeting, &[&intro, &which], None, &footer),
    }
}

/// A page's owner is asked for refunds: `lines` are `(donation id, amount)` of their page's
/// donations the supporter asked about, `reason` the supporter's words, `link` the studio list.
pub fn refund_requested(
    to: &str,
    locale: Locale,
    name: &str,
    page: &str,
    lines: &[(i64, Money)],
    reason: &str,
    link: &str,
) -> Email {
    let greeting = greeting(locale, Some(name));
    let list = lines
        .iter()
        .map(|(item, amount)| {
            t_in!(
                locale,
                "mail-refund-request-item",
                item = arg(item.to_string()),
                amount = arg(locale.money(*amount))
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let intro = t_in!(
        locale,
        "mail-refund-request-intro",
        page = arg(page),
        list = arg(&list)
    );
    let why = t_in!(locale, "mail-refund-request-why", reason = arg(reason));
    let next = t_in!(locale, "mail-refund-request-next");
    let see = t_in!(locale, "mail-refund-request-see", link = arg(link));
    let footer = t_in!(locale, "mail-footer-owner");
    Email {
        to: to.to_owned(),
        subject: t_in!(locale, "mail-refund-request-subject", page = arg(page)),
        text: format!("{greeting}\n\n{intro}\n\n{why}\n\n{next}\n\n{see}\n\n{footer}\n"),
        html: html_page(
            locale,
            &greeting,
            &[&intro, &why, &next],
            Some((&t_in!(locale, "mail-refund-request-button"), link)),
            &footer,
        ),
    }
}

/// The supporter's refund request was declined, with the owner's reason.
pub fn refund_declined(
    to: &str,
    locale: Locale,
    name: &str,
    page: &str,
    amount: Money,
    reason: &str,
    link: &str,
) -> Email {
    let greeting = greeting(locale, Some(name));
    let intro = t_in!(
        locale,
        "mail-refund-declined-intro",
        page = arg(page),
        amount = arg(locale.money(amount))
    );
    let why = t_in!(locale, "mail-refund-declined-why", reason = arg(reason));
    let see = t_in!(locale, "mail-refund-declined-see", link = arg(link));
    let footer = t_in!(locale, "mail-footer-supporter");
    Email {
        to: to.to_owned(),
        subject: t_in!(locale, "mail-refund-declined-subject", page = arg(page)),
        text: format!("{greeting}\n\n{intro}\n\n{why}\n\n{see}\n\n{footer}\n"),
        html: html_page(
            locale,
            &greeting,
            &[&intro, &why],
            Some((&t_in!(locale, "mail-refund-declined-button"), link)),
            &footer,
        ),
    }
}

/// Stands in for a variable that the HTML part wraps in markup: the message is escaped with
/// it in place, then the marked-up, escaped value replaces it.
const MARK: &str = "\u{E000}";

/// A message escaped for HTML, with its one variable `MARK` replaced by `markup`.
fn html_around(message: &str, markup: &str) -> String {
    esc(message).replace(MARK, markup)
}

/// A page's webhook endpoint failed for three days and Chipin stopped sending to it: the
/// page's owner is told how to turn it back on.
pub fn webhooks_disabled(to: &str, locale: Locale, page: &str, url: &str, link: &str) -> Email {
    let before = |page: &str| t_in!(locale, "mail-hooks-disabled-before-url", page = arg(page));
    let after = t_in!(locale, "mail-hooks-disabled-after-url");
    let again = t_in!(locale, "mail-hooks-disabled-again-text");
    let html = format!(
        "<p>{} <code>{}</code> {}</p><p>{}</p>", // i18n: not for people
        html_around(&before(MARK), &format!("<strong>{}</strong>", esc(page))),
        esc(url),
        esc(&after),
        html_around(
            &t_in!(locale, "mail-hooks-disabled-again", action = arg(MARK)),
            &format!(
                "<a href=\"{}\">{}</a>", // i18n: not for people
                esc(link),
                esc(&t_in!(locale, "mail-hooks-disabled-action"))
            )
        ),
    );
    Email {
        to: to.to_owned(),
        subject: t_in!(locale, "mail-hooks-disabled-subject", url = arg(url)),
        text: format!(
            "{}\n\n  {url}\n\n{after}\n\n{again}\n\n{link}\n",
            before(page)
        ),
        html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    #[test]
    fn names_are_escaped_in_html_but_kept_in_text() {
        let e = reset_password(
            "a@example.org",
            Locale::En,
            Some("<b>Ada</b>"),
            "http://x/reset?token=t",
        );
        assert!(e.html.contains("&lt;b&gt;Ada&lt;/b&gt;"));
        assert!(!e.html.contains("<b>Ada"));
        assert!(e.text.contains("<b>Ada</b>"));
        assert!(e.text.contains("http://x/reset?token=t"));
    }

    #[test]
    fn mail_that_may_reach_an_unverified_address_greets_neutrally() {
        for e in [
            verify_email("a@example.org", Locale::En, "http://x/verify?token=t"),
            account_exists(
                "a@example.org",
                Locale::En,
                None,
                "http://x/login",
                "http://x/forgot",
            ),
            reset_password("a@example.org", Locale::En, None, "http://x/reset?token=t"),
        ] {
            assert!(e.text.starts_with("Hello,\n"), "{}", e.text);
            assert!(e.html.contains("<p>Hello,</p>"), "{}", e.html);
        }
    }

    #[test]
    fn english_mail_reads_as_it_always_has() {
        let e = verify_email("a@example.org", Locale::En, "http://x/v");
        assert_eq!(e.subject, "Confirm your Chipin account");
        assert_eq!(
            e.text,
            "Hello,\n\nWelcome to Chipin! Please confirm your email address so you can log in.\n\n\
             Confirm your address: http://x/v\n\nThe link works for 48 hours.\n\n\
             If you did not sign up for Chipin, ignore this email and nothing will happen.\n"
        );
        assert!(
            e.html
                .contains("Or paste this address into your browser: http://x/v")
        );
        let line = ReceiptLine {
            recipient: "Mara".into(),
            period: Some("2027-01".into()),
            budget_line: Some("Books".into()),
            gross: Money::new(700, Currency::USD),
            fee: Money::new(30, Currency::USD),
            platform_fee: Money::new(0, Currency::USD),
            net: Money::new(670, Currency::USD),
            link: "http://x/d/1".into(),
        };
        let receipt = charge_receipt(
            "a@example.org",
            Locale::En,
            "Ada",
            7,
            Money::new(700, Currency::USD),
            Money::new(30, Currency::USD),
            &[line],
        );
        assert_eq!(receipt.subject, "Your Chipin receipt: $7.00");
        assert!(receipt.text.starts_with(
            "Hi Ada,\n\nThank you! We charged your card $7.00 (reference CH-000007); the card \
             processor's fee was $0.30, shared among your donations in proportion to their size.\n\n\
             - Mara (monthly pledge, 2027-01, earmarked for Books): $7.00 given, fee share $0.30, \
             platform fee $0.00, $6.70 to them. Where it goes: http://x/d/1\n"
        ));
    }

    #[test]
    fn korean_mail_writes_won_and_months_the_korean_way() {
        let line = ReceiptLine {
            recipient: "한지 공방".into(),
            period: Some("2027-01".into()),
            budget_line: None,
            gross: Money::new(5_000, Currency::KRW),
            fee: Money::new(200, Currency::KRW),
            platform_fee: Money::new(0, Currency::KRW),
            net: Money::new(4_800, Currency::KRW),
            link: "http://x/d/1".into(),
        };
        let e = charge_receipt(
            "a@example.org",
            Locale::Ko,
            "지우",
            7,
            Money::new(5_000, Currency::KRW),
            Money::new(200, Currency::KRW),
            &[line],
        );
        assert_eq!(e.subject, "Chipin 영수증: 5,000원");
        assert!(e.text.starts_with("지우님, 안녕하세요."), "{}", e.text);
        assert!(e.text.contains("정기 후원, 2027년 1월"), "{}", e.text);
        assert!(e.text.contains("실수령액 4,800원"), "{}", e.text);
        assert!(
            e.html.contains("<th align=\"right\">총액</th>"),
            "{}",
            e.html
        );
        assert_eq!(recipient_locale(Some("ko")), Locale::Ko);
        assert_eq!(recipient_locale(None), Locale::En);
        assert_eq!(recipient_locale(Some("xx")), Locale::En);
    }

    #[test]
    fn the_webhook_notice_keeps_its_words_and_escapes_what_owners_typed() {
        let e = webhooks_disabled(
            "o@example.org",
            Locale::En,
            "A&B",
            "https://hooks.example/in",
            "http://x/studio/p/1/webhooks",
        );
        assert_eq!(
            e.subject,
            "Webhooks to https://hooks.example/in are disabled"
        );
        assert_eq!(
            e.text,
            "Chipin could not deliver webhooks from your page A&B to\n\n  https://hooks.example/in\n\n\
             for three days, so it has stopped sending to it. Nothing is lost: the deliveries are \
             kept in the log.\n\nOnce the endpoint answers again, enable it and send the failed \
             deliveries again from the studio:\n\nhttp://x/studio/p/1/webhooks\n"
        );
        assert_eq!(
            e.html,
            "<p>Chipin could not deliver webhooks from your page <strong>A&amp;B</strong> to \
             <code>https://hooks.example/in</code> for three days, so it has stopped sending to it. \
             Nothing is lost: the deliveries are kept in the log.</p><p>Once the endpoint answers \
             again, <a href=\"http://x/studio/p/1/webhooks\">enable it and send the failed \
             deliveries again</a>.</p>"
        );
        let ko = webhooks_disabled("o@example.org", Locale::Ko, "A&B", "https://h", "http://x");
        assert!(ko.html.contains("<strong>A&amp;B</strong>"), "{}", ko.html);
        assert!(ko.html.contains("<a href=\"http://x\">"), "{}", ko.html);
        assert!(!ko.html.contains(MARK));
    }
}
