//! Parse, don't validate: the account fields a person types, each checked once on the way in.

use std::fmt;

/// What is wrong with an account field a person typed (or a code they entered). The
/// server-function boundary turns it into a message in the reader's language
/// (`api::accounts::field_message`); `Display` is the English one, for logs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldProblem {
    EmailMissing,
    EmailTooLong,
    EmailHasSpaces,
    EmailMalformed,
    NameMissing,
    NameTooLong,
    NameHasControls,
    PasswordMissing,
    PasswordTooShort,
    PasswordTooLong,
    PasswordHasControls,
    /// zxcvbn scored it below 2. Its own feedback (English text from the crate) is not
    /// shown: one sentence in the reader's language says what to do instead.
    PasswordTooGuessable,
    PasswordUnchanged,
    PasswordIncorrect,
    TwoFactorAlreadyOn,
    TwoFactorUnreadable,
    QrCodeFailed,
    CodeMissing,
    CodeWrong,
    SetUpExpired,
    SignInExpired,
}

impl FieldProblem {
    /// The English message, for logs and `Display`.
    pub fn english(self) -> &'static str {
        match self {
            Self::EmailMissing => "Enter your email address.",
            Self::EmailTooLong => "That email address is too long.",
            Self::EmailHasSpaces => "An email address cannot contain spaces or control characters.",
            Self::EmailMalformed => "Enter an email address like name@example.com.",
            Self::NameMissing => "Enter the name people will see.",
            Self::NameTooLong => "Keep your name to 60 characters or fewer.",
            Self::NameHasControls => "Your name cannot contain control characters.",
            Self::PasswordMissing => "Enter your password.",
            Self::PasswordTooShort => "Use at least 8 characters for your password.",
            Self::PasswordTooLong => "Use at most 128 characters for your password.",
            Self::PasswordHasControls => "Your password cannot contain control characters.",
            Self::PasswordTooGuessable => {
                "That password is too common or easy to guess. Try a few unrelated words together."
            }
            Self::PasswordUnchanged => "Choose a password different from your current one.",
            Self::PasswordIncorrect => "Your current password is incorrect.",
            Self::TwoFactorAlreadyOn => "Two-factor sign-in is already on.",
            Self::TwoFactorUnreadable => {
                "Two-factor sign-in cannot be checked right now. Use a recovery code, or ask the site's operator."
            }
            Self::QrCodeFailed => "The QR code could not be drawn; type the key instead.",
            Self::CodeMissing => "Enter the code from your authenticator app, or a recovery code.",
            Self::CodeWrong => {
                "That code is not right, or was already used. Enter the newest code from your app."
            }
            Self::SetUpExpired => "Start again: this set-up has expired or is already finished.",
            Self::SignInExpired => "Your sign-in has expired. Log in again with your password.",
        }
    }
}

impl fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.english())
    }
}

/// The longest address SMTP allows.
const MAX_EMAIL_LEN: usize = 254;

/// A syntactically valid email address, lower-cased so that one inbox is one account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Accepts what a person would type as an email address; explains what is wrong otherwise.
    pub fn parse(raw: &str) -> Result<Self, FieldProblem> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(FieldProblem::EmailMissing);
        }
        if s.chars().count() > MAX_EMAIL_LEN {
            return Err(FieldProblem::EmailTooLong);
        }
        if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(FieldProblem::EmailHasSpaces);
        }
        let Some((local, domain)) = s.rsplit_once('@') else {
            return Err(FieldProblem::EmailMalformed);
        };
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
        if local.is_empty() || local.len() > 64 || local.contains('@') || !domain_ok {
            return Err(FieldProblem::EmailMalformed);
        }
        if s.contains(['<', '>', '"', ',', ';', '\\', '(', ')', '[', ']']) {
            return Err(FieldProblem::EmailMalformed);
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
    pub fn parse(raw: &str) -> Result<Self, FieldProblem> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(FieldProblem::NameMissing);
        }
        if s.chars().count() > Self::MAX_CHARS {
            return Err(FieldProblem::NameTooLong);
        }
        if s.chars().any(char::is_control) {
            return Err(FieldProblem::NameHasControls);
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
    pub fn parse(raw: &str, context: &[&str]) -> Result<Self, FieldProblem> {
        let len = raw.chars().count();
        if len < Self::MIN_CHARS {
            return Err(FieldProblem::PasswordTooShort);
        }
        if len > Self::MAX_CHARS {
            return Err(FieldProblem::PasswordTooLong);
        }
        if raw.chars().any(char::is_control) {
            return Err(FieldProblem::PasswordHasControls);
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
            return Err(FieldProblem::PasswordTooGuessable);
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
