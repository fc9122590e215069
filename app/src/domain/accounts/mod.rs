//! Who is this person? Sign-up, email verification, login with throttling, password reset
//! and change, and sessions.
//!
//! Nothing here reveals whether an address has an account: sign-up and reset requests answer
//! the same either way, and a login with an unknown address takes as long as a wrong password.
//!
//! Nor is any form a way to send someone text: every request that emails a typed address is
//! throttled per client and per target address ([`throttle::mail_client`],
//! [`throttle::MAIL_TARGET`]), and mail to an address not yet verified greets it without the
//! display name, which whoever filled in the sign-up form chose.
//!
//! May import: platform, mail.

pub mod fields;
pub mod password;
pub mod sessions;
pub mod throttle;
pub mod two_factor;

use crate::domain::AppState;
use crate::domain::mail::{self, templates};
use crate::domain::platform::clock::now;
use crate::domain::platform::tokens;
pub use fields::{DisplayName, Email, FieldProblem, NewPassword};
pub use sessions::{CurrentSession, SessionUser};

/// What can go wrong with an account operation.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// A field the person typed is wrong: (field name, what is wrong).
    #[error("{1}")]
    Field(&'static str, FieldProblem),
    #[error("Email or password is incorrect.")]
    WrongCredentials,
    /// The address is not confirmed yet; true if a new link was sent just now.
    #[error("{}", if *.0 {
        "Please confirm your email address first. We have sent you a new link."
    } else {
        "Please confirm your email address first, with the link we emailed you. A new one can be sent a few minutes after the last."
    })]
    EmailNotVerified(bool),
    #[error("Too many failed attempts. Try again in {0} seconds.")]
    Throttled(i64),
    /// Too many emails were asked for, from this client or for this address; none was sent.
    #[error(
        "Too many emails were requested for this address or from your network. Nothing was sent; try again in {} minutes.",
        (.0 + 59) / 60
    )]
    TooManyEmails(i64),
    #[error("This link is invalid or has expired. Please ask for a new one.")]
    InvalidLink,
    #[error("database")]
    Db(#[from] sqlx::Error),
    #[error("password hashing")]
    Hash(#[from] password::HashError),
}

/// What a person fills in to sign up.
#[derive(Clone, Debug)]
pub struct SignUp<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub display_name: &'a str,
    /// A local path to come back to after the emailed link (a tip started from a chip-in
    /// button, say); the caller has checked that it stays on this site.
    pub next: Option<&'a str>,
    /// The language the person signed up in: their pages and emails stay in it.
    pub language: crate::i18n::Locale,
}

/// Counts a request that will email `target`, per target and per client address; refuses it
/// (and nothing is sent) once either has had its hourly number. Call it before opening the
/// transaction that enqueues the mail: on SQLite both take the write lock.
async fn reserve_mail(
    state: &AppState,
    target: &str,
    client: Option<&str>,
) -> Result<(), AccountError> {
    let mut keys = vec![(throttle::Scope::MailTarget, target, throttle::MAIL_TARGET)];
    if let Some(ip) = client {
        keys.push((
            throttle::Scope::MailClient,
            ip,
            throttle::mail_client(state.settings.mail_requests_per_client_hour),
        ));
    }
    match throttle::reserve(&state.db, &keys).await? {
        throttle::Admission::Admitted(request) => {
            request.counted();
            Ok(())
        }
        throttle::Admission::Wait(secs) => Err(AccountError::TooManyEmails(secs)),
    }
}

/// Saves the language `user_id` reads Chipin in (pages when signed in, and every email).
pub async fn set_language(
    db: &crate::domain::Db,
    user_id: i64,
    language: crate::i18n::Locale,
) -> Result<(), sqlx::Error> {
    sqlx::query("update users set language = $1 where id = $2")
        .bind(language.tag())
        .bind(user_id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Creates an unverified account and emails a confirmation link. When the address already has
/// an account, the owner is told so by email instead, and the caller sees the same success.
/// Throttled per client and per target address before the password is hashed, whether or not
/// the address has an account.
pub async fn sign_up(
    state: &AppState,
    form: SignUp<'_>,
    client: Option<&str>,
) -> Result<(), AccountError> {
    let email = Email::parse(form.email).map_err(|m| AccountError::Field("email", m))?;
    let name = DisplayName::parse(form.display_name)
        .map_err(|m| AccountError::Field("display_name", m))?;
    let password = NewPassword::parse(form.password, &[email.as_str(), name.as_str()])
        .map_err(|m| AccountError::Field("password", m))?;
    reserve_mail(state, email.as_str(), client).await?;
    let hash = state.hasher.hash(password.expose()).await?;
    let at = now();
    let mut tx = state.db.begin_write().await?;
    let inserted: Option<(i64,)> = sqlx::query_as(
        "insert into users (email, display_name, password_hash, created_at, password_changed_at, language) \
         values ($1, $2, $3, $4, $4, $5) on conflict (email) do nothing returning id",
    )
    .bind(email.as_str())
    .bind(name.as_str())
    .bind(&hash)
    .bind(at)
    .bind(form.language.tag())
    .fetch_optional(&mut *tx)
    .await?;
    let settings = &state.settings;
    let message = match inserted {
        Some((user_id,)) => {
            let token = issue_token(
                &mut tx,
                user_id,
                Purpose::VerifyEmail,
                settings.verify_email_ttl_secs,
            )
            .await?;
            let mut query = url::form_urlencoded::Serializer::new(String::new());
            query.append_pair("token", &token);
            if let Some(next) = form.next {
                query.append_pair("next", next);
            }
            templates::verify_email(
                email.as_str(),
                form.language,
                &settings.link(&format!("/verify-email?{}", query.finish())),
            )
        }
        None => {
            // The existing account's name was typed by whoever signed up first: only once
            // the address is verified is that known to be its owner.
            // The mail goes to the account's owner, in the account's language.
            let (existing_name, verified_at, language): (String, Option<i64>, Option<String>) =
                sqlx::query_as(
                    "select display_name, email_verified_at, language from users where email = $1",
                )
                .bind(email.as_str())
                .fetch_one(&mut *tx)
                .await?;
            templates::account_exists(
                email.as_str(),
                templates::recipient_locale(language.as_deref()),
                verified_at.map(|_| existing_name.as_str()),
                &settings.link("/login"),
                &settings.link("/forgot-password"),
            )
        }
    };
    mail::enqueue(&mut *tx, &message).await?;
    tx.commit().await?;
    Ok(())
}

/// Marks the address behind a verification link as confirmed.
pub async fn verify_email(state: &AppState, token: &str) -> Result<(), AccountError> {
    let mut tx = state.db.begin_write().await?;
    let user_id = consume_token(&mut tx, token, Purpose::VerifyEmail)
        .await?
        .ok_or(AccountError::InvalidLink)?;
    sqlx::query(
        "update users set email_verified_at = coalesce(email_verified_at, $1) where id = $2",
    )
    .bind(now())
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What a right password leads to.
#[derive(Debug)]
pub enum LoggedIn {
    /// A session started; the token is for the session cookie.
    Session(String),
    /// The account has two-factor sign-in: the token is for the challenge cookie, and
    /// [`two_factor::complete_login`] starts the session once a code is right.
    SecondFactor(String),
}

/// Checks credentials, throttled per account and per client address, and starts a session,
/// or a challenge when the account has two-factor sign-in.
pub async fn log_in(
    state: &AppState,
    email_raw: &str,
    password: &str,
    client: Option<&str>,
) -> Result<LoggedIn, AccountError> {
    let db = &state.db;
    // Unknown and malformed addresses are throttled exactly like real ones.
    let account_key: String = email_raw.trim().to_lowercase().chars().take(254).collect();
    if account_key.is_empty() {
        return Err(AccountError::Field("email", FieldProblem::EmailMissing));
    }
    if password.is_empty() {
        return Err(AccountError::Field(
            "password",
            FieldProblem::PasswordMissing,
        ));
    }
    let mut keys = vec![(
        throttle::Scope::Account,
        account_key.as_str(),
        throttle::ACCOUNT,
    )];
    if let Some(ip) = client {
        keys.push((throttle::Scope::Ip, ip, throttle::IP));
    }
    let attempt = match throttle::reserve(db, &keys).await? {
        throttle::Admission::Admitted(attempt) => attempt,
        throttle::Admission::Wait(secs) => return Err(AccountError::Throttled(secs)),
    };
    let user: Option<(i64, String, String, Option<i64>)> = sqlx::query_as(
        "select id, password_hash, display_name, email_verified_at from users where email = $1",
    )
    .bind(&account_key)
    .fetch_optional(db.pool())
    .await?;
    // Over-long input is never hashed in full; it cannot be a valid password anyway.
    let candidate: String = password.chars().take(NewPassword::MAX_CHARS + 1).collect();
    let ok = state
        .hasher
        .verify(&candidate, user.as_ref().map(|u| u.1.as_str()))
        .await?;
    let Some((user_id, _, _, verified_at)) = user.filter(|_| ok) else {
        attempt.failed();
        return Err(AccountError::WrongCredentials);
    };
    attempt.succeeded(db).await?;
    if two_factor::is_enabled(db, user_id).await? {
        // The account's failures stay until the code is right too: otherwise the password
        // would buy a fresh set of free guesses at the code.
        return Ok(LoggedIn::SecondFactor(
            two_factor::start_challenge(db, user_id).await?,
        ));
    }
    throttle::clear(db, throttle::Scope::Account, &account_key).await?;
    if verified_at.is_none() {
        let sent = resend_verification(state, user_id, &account_key, client).await?;
        return Err(AccountError::EmailNotVerified(sent));
    }
    Ok(LoggedIn::Session(sessions::create(db, user_id).await?))
}

/// Sends a fresh verification link unless one was sent in the last five minutes or the address
/// has had its hourly number of emails. True if a link went out now, so the answer never says
/// one was sent when none was.
async fn resend_verification(
    state: &AppState,
    user_id: i64,
    email: &str,
    client: Option<&str>,
) -> Result<bool, AccountError> {
    let (recent,): (i64,) = sqlx::query_as(
        "select count(*) from email_tokens where user_id = $1 and purpose = $2 and created_at > $3",
    )
    .bind(user_id)
    .bind(Purpose::VerifyEmail.as_str())
    .bind(now() - 300)
    .fetch_one(state.db.pool())
    .await?;
    if recent > 0 {
        return Ok(false);
    }
    match reserve_mail(state, email, client).await {
        Err(AccountError::TooManyEmails(_)) => return Ok(false),
        other => other?,
    }
    let mut tx = state.db.begin_write().await?;
    let token = issue_token(
        &mut tx,
        user_id,
        Purpose::VerifyEmail,
        state.settings.verify_email_ttl_secs,
    )
    .await?;
    let (language,): (Option<String>,) = sqlx::query_as("select language from users where id = $1")
        .bind(user_id)
        .fetch_one(&mut *tx)
        .await?;
    let link = state.settings.link(&format!("/verify-email?token={token}"));
    let locale = templates::recipient_locale(language.as_deref());
    mail::enqueue(&mut *tx, &templates::verify_email(email, locale, &link)).await?;
    tx.commit().await?;
    Ok(true)
}

/// Emails a password-reset link if the address has an account; answers the same either way.
/// Requests are throttled per client and per target address whether or not the address has an
/// account, and at most five links an hour go to one account.
pub async fn request_password_reset(
    state: &AppState,
    email_raw: &str,
    client: Option<&str>,
) -> Result<(), AccountError> {
    let email = Email::parse(email_raw).map_err(|m| AccountError::Field("email", m))?;
    reserve_mail(state, email.as_str(), client).await?;
    let mut tx = state.db.begin_write().await?;
    let user: Option<(i64, String, Option<i64>, Option<String>)> = sqlx::query_as(
        "select id, display_name, email_verified_at, language from users where email = $1",
    )
    .bind(email.as_str())
    .fetch_optional(&mut *tx)
    .await?;
    if let Some((user_id, name, verified_at, language)) = user {
        let (recent,): (i64,) = sqlx::query_as(
            "select count(*) from email_tokens where user_id = $1 and purpose = $2 and created_at > $3",
        )
        .bind(user_id)
        .bind(Purpose::ResetPassword.as_str())
        .bind(now() - 3600)
        .fetch_one(&mut *tx)
        .await?;
        if recent < 5 {
            let token = issue_token(
                &mut tx,
                user_id,
                Purpose::ResetPassword,
                state.settings.reset_password_ttl_secs,
            )
            .await?;
            let link = state
                .settings
                .link(&format!("/reset-password?token={token}"));
            mail::enqueue(
                &mut *tx,
                &templates::reset_password(
                    email.as_str(),
                    templates::recipient_locale(language.as_deref()),
                    verified_at.map(|_| name.as_str()),
                    &link,
                ),
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// True if a reset link is still usable (to show the form or an explanation).
pub async fn reset_link_is_valid(state: &AppState, token: &str) -> Result<bool, AccountError> {
    Ok(token_owner(state, token, Purpose::ResetPassword)
        .await?
        .is_some())
}

/// Sets a new password from a reset link. The link is used up, every session of the account
/// ends, and the address counts as verified (the person proved they read its mail).
pub async fn reset_password(
    state: &AppState,
    token: &str,
    new_password: &str,
) -> Result<(), AccountError> {
    let (user_id, email, name) = token_owner(state, token, Purpose::ResetPassword)
        .await?
        .ok_or(AccountError::InvalidLink)?;
    let password = NewPassword::parse(new_password, &[&email, &name])
        .map_err(|m| AccountError::Field("password", m))?;
    let hash = state.hasher.hash(password.expose()).await?;
    let mut tx = state.db.begin_write().await?;
    // Consumed inside the transaction: of two concurrent uses, one wins.
    let consumed = consume_token(&mut tx, token, Purpose::ResetPassword).await?;
    if consumed != Some(user_id) {
        return Err(AccountError::InvalidLink);
    }
    let at = now();
    sqlx::query(
        "update users set password_hash = $1, password_changed_at = $2, \
         email_verified_at = coalesce(email_verified_at, $2) where id = $3",
    )
    .bind(&hash)
    .bind(at)
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    retire_reset_links(&mut tx, user_id, at).await?;
    sqlx::query("delete from sessions where user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    throttle::clear(&state.db, throttle::Scope::Account, &email).await?;
    Ok(())
}

/// Changes the password of a logged-in person who knows the current one. Every session of
/// the account ends and a new one is returned for the caller.
pub async fn change_password(
    state: &AppState,
    user: &SessionUser,
    current: &str,
    new_password: &str,
) -> Result<String, AccountError> {
    let db = &state.db;
    confirm_password(state, user, current, "current_password").await?;
    let password = NewPassword::parse(new_password, &[&user.email, &user.display_name])
        .map_err(|m| AccountError::Field("new_password", m))?;
    if new_password == current {
        return Err(AccountError::Field(
            "new_password",
            FieldProblem::PasswordUnchanged,
        ));
    }
    let hash = state.hasher.hash(password.expose()).await?;
    let mut tx = db.begin_write().await?;
    let at = now();
    sqlx::query("update users set password_hash = $1, password_changed_at = $2 where id = $3")
        .bind(&hash)
        .bind(at)
        .bind(user.user_id)
        .execute(&mut *tx)
        .await?;
    retire_reset_links(&mut tx, user.user_id, at).await?;
    sqlx::query("delete from sessions where user_id = $1")
        .bind(user.user_id)
        .execute(&mut *tx)
        .await?;
    mail::enqueue(
        &mut *tx,
        &templates::password_changed(
            &user.email,
            templates::recipient_locale(user.language.as_deref()),
            &user.display_name,
            &state.settings.link("/forgot-password"),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(sessions::create(db, user.user_id).await?)
}

/// Checks that the logged-in person knows their account's password before something that
/// cannot be undone (a new password, deleting the account). Throttled with failed logins of
/// the account; a wrong password is an error on `field`.
pub async fn confirm_password(
    state: &AppState,
    user: &SessionUser,
    password: &str,
    field: &'static str,
) -> Result<(), AccountError> {
    let db = &state.db;
    let keys = [(
        throttle::Scope::Account,
        user.email.as_str(),
        throttle::ACCOUNT,
    )];
    let attempt = match throttle::reserve(db, &keys).await? {
        throttle::Admission::Admitted(attempt) => attempt,
        throttle::Admission::Wait(secs) => return Err(AccountError::Throttled(secs)),
    };
    let (stored,): (String,) = sqlx::query_as("select password_hash from users where id = $1")
        .bind(user.user_id)
        .fetch_one(db.pool())
        .await?;
    let candidate: String = password.chars().take(NewPassword::MAX_CHARS + 1).collect();
    if !state.hasher.verify(&candidate, Some(&stored)).await? {
        attempt.failed();
        return Err(AccountError::Field(field, FieldProblem::PasswordIncorrect));
    }
    attempt.succeeded(db).await?;
    Ok(())
}

/// Uses up every outstanding reset link of an account, in the transaction that changes its
/// password: a link mailed before the change (by a reset, another reset link or the account
/// page) must not set the password again afterwards. Links are also checked against
/// `users.password_changed_at` when used (see [`reset_link_is_current`]), so a path that
/// changes the password without calling this still kills older links.
async fn retire_reset_links(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    user_id: i64,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update email_tokens set used_at = $1 where user_id = $2 and purpose = $3 and used_at is null",
    )
    .bind(at)
    .bind(user_id)
    .bind(Purpose::ResetPassword.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The condition (on the `email_tokens` row called `t`) that a reset link was issued no earlier than the last
/// password change of its account; other purposes are not affected. Timestamps are whole
/// seconds, so a link issued in the same second as a change passes here and is retired by
/// [`retire_reset_links`] instead.
fn reset_link_is_current(t: &str) -> String {
    format!(
        "({t}.purpose <> 'reset_password' or {t}.created_at >= \
         (select p.password_changed_at from users p where p.id = {t}.user_id))"
    )
}

/// What an email token is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Purpose {
    VerifyEmail,
    ResetPassword,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify_email",
            Self::ResetPassword => "reset_password",
        }
    }
}

async fn issue_token(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    user_id: i64,
    purpose: Purpose,
    ttl_secs: i64,
) -> Result<String, sqlx::Error> {
    let token = tokens::generate();
    let at = now();
    sqlx::query(
        "insert into email_tokens (token_hash, user_id, purpose, created_at, expires_at) values ($1, $2, $3, $4, $5)",
    )
    .bind(tokens::digest(&token))
    .bind(user_id)
    .bind(purpose.as_str())
    .bind(at)
    .bind(at + ttl_secs)
    .execute(&mut **tx)
    .await?;
    Ok(token)
}

/// Uses up a token; returns its user if it was valid, unused and unexpired.
async fn consume_token(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    token: &str,
    purpose: Purpose,
) -> Result<Option<i64>, sqlx::Error> {
    if !tokens::is_well_formed(token) {
        return Ok(None);
    }
    let at = now();
    let sql = format!(
        "update email_tokens set used_at = $1 \
         where token_hash = $2 and purpose = $3 and used_at is null and expires_at > $1 \
         and {} returning user_id",
        reset_link_is_current("email_tokens")
    );
    let row: Option<(i64,)> = sqlx::query_as(&sql)
        .bind(at)
        .bind(tokens::digest(token))
        .bind(purpose.as_str())
        .fetch_optional(&mut **tx)
        .await?;
    Ok(row.map(|(id,)| id))
}

/// The user (id, email, name) a still-valid token belongs to, without using it up.
async fn token_owner(
    state: &AppState,
    token: &str,
    purpose: Purpose,
) -> Result<Option<(i64, String, String)>, sqlx::Error> {
    if !tokens::is_well_formed(token) {
        return Ok(None);
    }
    let sql = format!(
        "select u.id, u.email, u.display_name from email_tokens t join users u on u.id = t.user_id \
         where t.token_hash = $1 and t.purpose = $2 and t.used_at is null and t.expires_at > $3 \
         and {}",
        reset_link_is_current("t")
    );
    sqlx::query_as(&sql)
        .bind(tokens::digest(token))
        .bind(purpose.as_str())
        .bind(now())
        .fetch_optional(state.db.pool())
        .await
}
