//! What do Chipin's account emails say? Each template returns the plain-text and HTML parts.
//!
//! Mail that can reach an address not yet verified carries no text a stranger typed: whoever
//! fills in the sign-up form chooses the display name, so such mail greets neutrally
//! ([`greeting`] with `None`) and otherwise says only Chipin's own words and links.

use super::Email;

/// Escapes text for HTML bodies.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn html_page(
    greeting: &str,
    paragraphs: &[&str],
    link: Option<(&str, &str)>,
    footer: &str,
) -> String {
    let mut body = format!(
        "<!doctype html><html><body style=\"font-family:system-ui,sans-serif;color:#1f2430;max-width:560px;margin:auto;padding:24px\">\
         <p style=\"font-size:20px;font-weight:700;color:#0f766e\">Chipin</p><p>{}</p>",
        esc(greeting)
    );
    for p in paragraphs {
        body.push_str(&format!("<p>{}</p>", esc(p)));
    }
    if let Some((label, href)) = link {
        body.push_str(&format!(
            "<p><a href=\"{0}\" style=\"display:inline-block;background:#0f766e;color:#fff;padding:10px 18px;border-radius:8px;text-decoration:none\">{1}</a></p>\
             <p style=\"font-size:13px;color:#5b6270\">Or paste this address into your browser: {0}</p>",
            esc(href),
            esc(label)
        ));
    }
    body.push_str(&format!(
        "<p style=\"font-size:13px;color:#5b6270\">{}</p></body></html>",
        esc(footer)
    ));
    body
}

/// "Hi Ada," for a name known to belong to the address's owner; "Hello," otherwise.
fn greeting(name: Option<&str>) -> String {
    match name {
        Some(name) => format!("Hi {name},"),
        None => "Hello,".to_owned(),
    }
}

/// The link that confirms a new account's address. It always goes to an unverified address,
/// so it never names the account: the name is whatever the sign-up form's author typed.
pub fn verify_email(to: &str, link: &str) -> Email {
    let greeting = greeting(None);
    let line = "Welcome to Chipin! Please confirm your email address so you can log in.";
    let footer = "If you did not sign up for Chipin, ignore this email and nothing will happen.";
    Email {
        to: to.to_owned(),
        subject: "Confirm your Chipin account".to_owned(),
        text: format!(
            "{greeting}\n\n{line}\n\nConfirm your address: {link}\n\nThe link works for 48 hours.\n\n{footer}\n"
        ),
        html: html_page(
            &greeting,
            &[line, "The link works for 48 hours."],
            Some(("Confirm my email", link)),
            footer,
        ),
    }
}

/// Sent instead of a verification link when someone signs up with an address that already
/// has an account, so the sign-up form reveals nothing. `name` only if the address is verified.
pub fn account_exists(to: &str, name: Option<&str>, login_link: &str, reset_link: &str) -> Email {
    let greeting = greeting(name);
    let line = "Someone (hopefully you) tried to create a Chipin account with this email address, but you already have one.";
    let footer = "If this was not you, you can ignore this email; your account is unchanged.";
    Email {
        to: to.to_owned(),
        subject: "You already have a Chipin account".to_owned(),
        text: format!(
            "{greeting}\n\n{line}\n\nLog in: {login_link}\nForgot your password? {reset_link}\n\n{footer}\n"
        ),
        html: html_page(
            &greeting,
            &[
                line,
                &format!("Forgot your password? Reset it at {reset_link}"),
            ],
            Some(("Log in", login_link)),
            footer,
        ),
    }
}

/// The single-use link that sets a new password. `name` only if the address is verified.
pub fn reset_password(to: &str, name: Option<&str>, link: &str) -> Email {
    let greeting = greeting(name);
    let line = "We received a request to reset your Chipin password.";
    let footer = "If you did not ask for this, ignore this email; your password stays the same.";
    Email {
        to: to.to_owned(),
        subject: "Reset your Chipin password".to_owned(),
        text: format!(
            "{greeting}\n\n{line}\n\nChoose a new password: {link}\n\nThe link works once, for one hour.\n\n{footer}\n"
        ),
        html: html_page(
            &greeting,
            &[line, "The link works once, for one hour."],
            Some(("Choose a new password", link)),
            footer,
        ),
    }
}

/// Confirms a password change, so an unexpected one is noticed.
pub fn password_changed(to: &str, name: &str, reset_link: &str) -> Email {
    let greeting = format!("Hi {name},");
    let line = "The password of your Chipin account was just changed, and every other session was logged out.";
    let footer = "If this was not you, reset your password at once with the link above.";
    Email {
        to: to.to_owned(),
        subject: "Your Chipin password was changed".to_owned(),
        text: format!("{greeting}\n\n{line}\n\nNot you? Reset it: {reset_link}\n\n{footer}\n"),
        html: html_page(
            &greeting,
            &[line],
            Some(("Reset my password", reset_link)),
            footer,
        ),
    }
}

/// A consolidated charge was declined; `final_attempt` says whether Chipin gave up.
pub fn payment_failed(
    to: &str,
    name: &str,
    amount: &str,
    code: &str,
    final_attempt: bool,
    fix_link: &str,
) -> Email {
    let greeting = format!("Hi {name},");
    let reason = match code {
        "insufficient_funds" => "your bank reported insufficient funds",
        "expired_card" => "your card has expired",
        "payment_method_missing" => "there is no payment method on your account",
        "authentication_failed" | "payment_intent_authentication_failure" => {
            "your bank could not confirm the payment"
        }
        c if crate::domain::processors::payment_method_unusable(c) => {
            "your saved payment method can no longer be used"
        }
        _ => "your bank declined it",
    };
    let line = format!("We could not collect your monthly Chipin charge of {amount}: {reason}.");
    let next = if final_attempt {
        "We have tried several times, so your pledges are paused and this month's donations were not made. Update your payment method and resume them whenever you like."
    } else {
        "Nothing is lost: we will try again in a few days. Updating your payment method now makes sure your creators and causes get your support."
    };
    let footer = "You are receiving this because you support creators or causes on Chipin.";
    Email {
        to: to.to_owned(),
        subject: format!("Your Chipin payment of {amount} did not go through"),
        text: format!(
            "{greeting}\n\n{line}\n\n{next}\n\nUpdate your payment method: {fix_link}\n\n{footer}\n"
        ),
        html: html_page(
            &greeting,
            &[&line, next],
            Some(("Update payment method", fix_link)),
            footer,
        ),
    }
}

/// The bank wants the supporter to confirm a charge (3-D Secure).
pub fn authentication_required(to: &str, name: &str, amount: &str, link: &str) -> Email {
    let greeting = format!("Hi {name},");
    let line = format!(
        "Your bank asks you to confirm your monthly Chipin charge of {amount}. Until you do, the charge waits."
    );
    let footer = "You are receiving this because you support creators or causes on Chipin.";
    Email {
        to: to.to_owned(),
        subject: format!("Please confirm your Chipin payment of {amount}"),
        text: format!("{greeting}\n\n{line}\n\nConfirm the payment: {link}\n\n{footer}\n"),
        html: html_page(&greeting, &[&line], Some(("Confirm payment", link)), footer),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_escaped_in_html_but_kept_in_text() {
        let e = reset_password(
            "a@example.org",
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
            verify_email("a@example.org", "http://x/verify?token=t"),
            account_exists("a@example.org", None, "http://x/login", "http://x/forgot"),
            reset_password("a@example.org", None, "http://x/reset?token=t"),
        ] {
            assert!(e.text.starts_with("Hello,\n"), "{}", e.text);
            assert!(e.html.contains("<p>Hello,</p>"), "{}", e.html);
        }
    }
}

/// One donation on a charge receipt.
#[derive(Clone, Debug)]
pub struct ReceiptLine {
    pub recipient: String,
    pub label: String,
    pub gross: String,
    pub fee: String,
    pub platform_fee: String,
    pub net: String,
    /// The donation's trail page.
    pub link: String,
}

/// The receipt for a successful consolidated charge: every donation with its fee shares and
/// a link to the page that follows it to its payout and, for causes, its expenses.
pub fn charge_receipt(
    to: &str,
    name: &str,
    charge_id: i64,
    amount: &str,
    fee: &str,
    lines: &[ReceiptLine],
) -> Email {
    let greeting = format!("Hi {name},");
    let reference = crate::model::charge_reference(charge_id);
    let intro = format!(
        "Thank you! We charged your card {amount} (reference {reference}); the card processor's fee was {fee}, shared among your donations in proportion to their size."
    );
    let footer = "You are receiving this because you support creators or causes on Chipin.";
    let mut text = format!("{greeting}\n\n{intro}\n\n");
    let mut html = format!(
        "<!doctype html><html><body style=\"font-family:system-ui,sans-serif;color:#1f2430;max-width:640px;margin:auto;padding:24px\">\
         <p style=\"font-size:20px;font-weight:700;color:#0f766e\">Chipin</p><p>{}</p><p>{}</p>\
         <table style=\"border-collapse:collapse;width:100%\"><thead><tr>\
         <th align=\"left\">Donation</th><th align=\"right\">Gross</th><th align=\"right\">Fee share</th>\
         <th align=\"right\">Platform fee</th><th align=\"right\">Net</th></tr></thead><tbody>",
        esc(&greeting),
        esc(&intro)
    );
    for l in lines {
        text.push_str(&format!(
            "- {} ({}): {} given, fee share {}, platform fee {}, {} to them. Where it goes: {}\n",
            l.recipient, l.label, l.gross, l.fee, l.platform_fee, l.net, l.link
        ));
        html.push_str(&format!(
            "<tr><td><a href=\"{}\">{}</a> ({})</td><td align=\"right\">{}</td><td align=\"right\">{}</td>\
             <td align=\"right\">{}</td><td align=\"right\">{}</td></tr>",
            esc(&l.link),
            esc(&l.recipient),
            esc(&l.label),
            esc(&l.gross),
            esc(&l.fee),
            esc(&l.platform_fee),
            esc(&l.net)
        ));
    }
    text.push_str(&format!(
        "\nEach link shows where that donation goes next: the payout that pays it out and, for causes, the expenses it pays for.\n\n{footer}\n"
    ));
    html.push_str(&format!(
        "</tbody></table><p>Each link shows where that donation goes next: the payout that pays it out and, for causes, the expenses it pays for.</p>\
         <p style=\"font-size:13px;color:#5b6270\">{}</p></body></html>",
        esc(footer)
    ));
    Email {
        to: to.to_owned(),
        subject: format!("Your Chipin receipt: {amount}"),
        text,
        html,
    }
}

/// The receipt for a refund: how much, which donations, and when the bank shows it. `lines`
/// are `(page name, amount refunded of that donation)`.
pub fn refund_receipt(to: &str, name: &str, amount: &str, lines: &[(String, String)]) -> Email {
    let greeting = format!("Hi {name},");
    let intro = format!(
        "We refunded {amount} to the card you gave with. Your bank usually shows it within 5 to 10 business days."
    );
    let list = lines
        .iter()
        .map(|(page, part)| format!("{part} of your donation to {page}"))
        .collect::<Vec<_>>();
    let which = format!("The refund is for: {}.", list.join("; "));
    let footer = "You are receiving this because you support creators or causes on Chipin.";
    Email {
        to: to.to_owned(),
        subject: format!("Your Chipin refund: {amount}"),
        text: format!("{greeting}\n\n{intro}\n\n{which}\n\n{footer}\n"),
        html: html_page(&greeting, &[&intro, &which], None, footer),
    }
}

/// A page's owner is asked for refunds: `lines` are `(donation, amount)` of their page's
/// donations the supporter asked about, `reason` the supporter's words, `link` the studio list.
pub fn refund_requested(
    to: &str,
    name: &str,
    page: &str,
    lines: &[(String, String)],
    reason: &str,
    link: &str,
) -> Email {
    let greeting = format!("Hi {name},");
    let list = lines
        .iter()
        .map(|(what, amount)| format!("{what} of {amount}"))
        .collect::<Vec<_>>()
        .join("; ");
    let intro = format!("A supporter of {page} asks for a refund of: {list}.");
    let why = format!("Their reason: {reason}");
    let next = "Approve or decline it in your studio. Approving refunds the donation in full; declining sends the supporter your reason.";
    let footer = "You are receiving this because you own a page on Chipin.";
    Email {
        to: to.to_owned(),
        subject: format!("A refund request for {page}"),
        text: format!(
            "{greeting}\n\n{intro}\n\n{why}\n\n{next}\n\nSee the request: {link}\n\n{footer}\n"
        ),
        html: html_page(
            &greeting,
            &[&intro, &why, next],
            Some(("See the request", link)),
            footer,
        ),
    }
}

/// The supporter's refund request was declined, with the owner's reason.
pub fn refund_declined(
    to: &str,
    name: &str,
    page: &str,
    amount: &str,
    reason: &str,
    link: &str,
) -> Email {
    let greeting = format!("Hi {name},");
    let intro = format!("{page} declined your request for a refund of your {amount} donation.");
    let why = format!("Their reason: {reason}");
    let footer = "You are receiving this because you support creators or causes on Chipin.";
    Email {
        to: to.to_owned(),
        subject: format!("Your refund request to {page}"),
        text: format!("{greeting}\n\n{intro}\n\n{why}\n\nYour donation: {link}\n\n{footer}\n"),
        html: html_page(
            &greeting,
            &[&intro, &why],
            Some(("See your donation", link)),
            footer,
        ),
    }
}
