//! Parse, don't validate: the account fields a person types, each checked once on the way in.

use std::fmt;

/// The longest address SMTP allows.
const MAX_EMAIL_LEN: usize = 254;

/// A syntactically valid email address, lower-cased so that one inbox is one account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Accepts what a person would type as an email address; explains what is wrong otherwise.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let s = raw.trim();
        if s.is_empty() {
            return Err("Enter your email address.");
        }
        if s.chars().count() > MAX_EMAIL_LEN {
            return Err("That email address is too long.");
        }
        if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("An email address cannot contain spaces or control characters.");
        }
        let Some((local, domain)) = s.rsplit_once('@') else {
            return Err("Enter an email address like name@example.com.");
        };
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
        if local.is_empty() || local.len() > 64 || local.contains('@') || !domain_ok {
            return Err("Enter an email address like name@example.com.");
        }
        if s.contains(['<', '>', '"', ',', ';', '\\', '(', ')', '[', ']']) {
            return Err("Enter an email address like name@example.com.");
        }
        Ok(Self(s.to_lowercase()))
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The name shown for a person on pages and in emails.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub const MAX_CHARS: usize = 60;

    /// Trims and checks a display name.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let s = raw.trim();
        if s.is_empty() {
            return Err("Enter the name people will see.");
        }
        if s.chars().count() > Self::MAX_CHARS {
            return Err("Keep your name to 60 characters or fewer.");
        }
        if s.chars().any(char::is_control) {
            return Err("Your name cannot contain control characters.");
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password that is long enough, not absurdly long, and not one everybody guesses.
pub struct NewPassword(String);

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(..)")
    }
}

impl NewPassword {
    pub const MIN_CHARS: usize = 8;
    pub const MAX_CHARS: usize = 128;

    /// Checks length and guessability; `context` holds the person's email and name, which a
    /// password should not simply repeat.
    pub fn parse(raw: &str, context: &[&str]) -> Result<Self, &'static str> {
        let len = raw.chars().count();
        if len < Self::MIN_CHARS {
            return Err("Use at least 8 characters for your password.");
        }
        if len > Self::MAX_CHARS {
            return Err("Use at most 128 characters for your password.");
        }
        if raw.chars().any(char::is_control) {
            return Err("Your password cannot contain control characters.");
        }
        // The person's own details, whole and in pieces, count as easy guesses.
        let mut hints: Vec<&str> = context.to_vec();
        hints.extend(context.iter().filter_map(|c| c.split('@').next()));
        hints.extend(
            context
                .iter()
                .flat_map(|c| c.split(['@', '.', ' ', '-', '_', '+']))
                .filter(|p| p.len() >= 3),
        );
        let estimate = zxcvbn::zxcvbn(raw, &hints);
        if u8::from(estimate.score()) < 2 {
            return Err(
                "That password is too common or easy to guess. Try a few unrelated words together.",
            );
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        let e = Email::parse("  Ada.Lovelace@Example.ORG ").unwrap();
        assert_eq!(e.as_str(), "ada.lovelace@example.org");
    }

    #[test]
    fn malformed_emails_are_refused() {
        for bad in [
            "",
            "   ",
            "plainaddress",
            "@example.com",
            "a@",
            "a@example",
            "a@.example.com",
            "a@example..com",
            "a b@example.com",
            "a@exa mple.com",
            "a\u{0}@example.com",
            "\"quoted\"@example.com",
            "a@b@example.com",
            "<a@example.com>",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(Email::parse(&long).is_err());
    }

    #[test]
    fn display_names_are_bounded_and_printable() {
        assert_eq!(DisplayName::parse("  Ada  ").unwrap().as_str(), "Ada");
        assert!(DisplayName::parse("").is_err());
        assert!(DisplayName::parse("a\u{7}b").is_err());
        assert!(DisplayName::parse(&"x".repeat(61)).is_err());
        assert!(DisplayName::parse(&"é".repeat(60)).is_ok());
    }

    #[test]
    fn common_and_short_passwords_are_refused() {
        for bad in [
            "short",
            "password",
            "password1",
            "12345678",
            "qwertyuiop",
            "iloveyou1",
        ] {
            assert!(
                NewPassword::parse(bad, &[]).is_err(),
                "{bad:?} should be refused"
            );
        }
        assert!(
            NewPassword::parse(&"Zq9!".repeat(33), &[]).is_err(),
            "129+ chars"
        );
        assert!(NewPassword::parse("tab\there-but-long", &[]).is_err());
    }

    #[test]
    fn passwords_that_repeat_the_email_are_refused() {
        assert!(NewPassword::parse("ada.lovelace", &["ada.lovelace@example.org"]).is_err());
        assert!(
            NewPassword::parse(
                "lovelace1843",
                &["ada.lovelace@example.org", "Ada Lovelace"]
            )
            .is_err()
        );
    }

    #[test]
    fn reasonable_passwords_are_accepted() {
        for good in [
            "correct horse battery staple",
            "violet-kettle-harbour-91",
            "Tr0ub4dor&3x!",
        ] {
            assert!(
                NewPassword::parse(good, &[]).is_ok(),
                "{good:?} should be accepted"
            );
        }
    }
}
