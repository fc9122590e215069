//! Deleting an account. Everything that names or reaches the person is erased in one
//! transaction: email, name, password, two-factor secret and recovery codes, sessions, links,
//! saved payment method, tip messages, mail to them and their pages' texts and posts. What money did is history and stays, under
//! the same account row made anonymous: charges, donation items, allocations, refunds, payouts
//! and the journal keep pointing at it, so `ledger check` and every donor's trail still add up.
//!
//! What ends: the account's pledges (nothing more is charged), its donations not yet charged
//! (voided), a declined charge's pending retries, and each page it owns (closed: pledges to it
//! end, donations to it not yet charged are voided, it leaves explore and takes no new gifts).
//!
//! What refuses, with a reason the person can act on: a charge of theirs that is being made
//! or waits for their bank; a first month owed for reading supporter-only posts, not yet paid; a page of theirs that still holds money (not yet paid out, or on
//! its way), or whose donations are being charged right now. Money owed to a page is paid out
//! first; nothing is silently written off.

use crate::domain::Db;
use crate::domain::books::journal::Account;
use crate::domain::platform::clock::now;
use crate::domain::platform::db::Backend;
use crate::domain::platform::tokens;

#[derive(Debug, thiserror::Error)]
pub enum EraseError {
    /// Something the person must settle first.
    #[error("{0}")]
    NotNow(NotYet),
    #[error("this account was already deleted")]
    AlreadyDeleted,
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

/// What must be settled before an account can be deleted. `Display` is English, for logs;
/// the delete-account form shows it in the reader's language.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NotYet {
    #[error(
        "A charge of yours is being made or waits for your bank's confirmation. Finish or \
         cancel it on your billing page (or wait a few minutes), then delete your account."
    )]
    ChargeInFlight,
    /// The page (its name) whose first month is owed.
    #[error(
        "You read supporter-only posts of “{0}”, so its first month is owed and is \
         charged on your next billing day. You can delete your account once it is paid."
    )]
    FirstMonthOwed(String),
    /// The owner's page (its name) still holds money.
    #[error(
        "Your page “{0}” still holds money that has not arrived in your bank. Once \
         its payouts have arrived, you can delete your account."
    )]
    PageHoldsMoney(String),
    /// Donations to the owner's page (its name) are being charged.
    #[error(
        "Donations to your page “{0}” are being charged right now (a declined card \
         can take a few days of retries). Try again once they are settled."
    )]
    PageBeingCharged(String),
}

/// What the deletion ended, for the confirmation and the log.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Erased {
    pub pledges_ended: u64,
    pub donations_voided: u64,
    pub pages_closed: u64,
}

/// The name every deleted account shows wherever money history still names its giver.
pub const DELETED_NAME: &str = "Deleted account";

/// Deletes account `user` (see the module documentation). The caller has already confirmed
/// it is the person (their password, in the same request).
pub async fn erase(db: &Db, user: i64) -> Result<Erased, EraseError> {
    let at = now();
    let mut tx = db.begin_write().await?;
    let lock = match db.backend() {
        Backend::Postgres => " for update",
        Backend::Sqlite => "",
    };
    let row: Option<(String, Option<i64>)> = sqlx::query_as(&format!(
        "select email, deleted_at from users where id = $1{lock}"
    ))
    .bind(user)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((email, deleted)) = row else {
        return Err(EraseError::AlreadyDeleted);
    };
    if deleted.is_some() {
        return Err(EraseError::AlreadyDeleted);
    }

    // A charge in flight would settle money for an account that no longer answers.
    let (in_flight,): (i64,) = sqlx::query_as(
        "select count(*) from charges where supporter_id = $1 \
         and status in ('pending', 'processing', 'requires_action')",
    )
    .bind(user)
    .fetch_one(&mut *tx)
    .await?;
    if in_flight > 0 {
        return Err(EraseError::NotNow(NotYet::ChargeInFlight));
    }

    // Reading supporter-only posts commits a pledge's first month (see
    // `giving::pledges`): it is paid before the account can go, or deleting would undo it.
    let owed: Option<(String,)> = sqlx::query_as(
        "select r.name from pledges p join recipients r on r.id = p.recipient_id \
         where p.supporter_id = $1 and p.unlocked_at is not null and p.unlocked_minor > 0 \
         and not exists (select 1 from donation_items i where i.pledge_id = p.id \
                         and i.status in ('paid', 'voided', 'refunded')) \
         order by p.id limit 1",
    )
    .bind(user)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some((name,)) = owed {
        return Err(EraseError::NotNow(NotYet::FirstMonthOwed(name)));
    }

    let pages: Vec<(i64, String, String)> = sqlx::query_as(&format!(
        "select id, name, currency from recipients where owner_user_id = $1 and closed_at is null \
         order by id{lock}"
    ))
    .bind(user)
    .fetch_all(&mut *tx)
    .await?;
    for (page, name, currency) in &pages {
        let (held,): (Option<i64>,) = sqlx::query_as(
            "select cast(sum(amount_minor) as bigint) from journal_lines \
             where account in ($1, $2) and currency = $3",
        )
        .bind(Account::Recipient(*page).code())
        .bind(Account::CauseSpending(*page).code())
        .bind(currency)
        .fetch_one(&mut *tx)
        .await?;
        let (travelling,): (i64,) = sqlx::query_as(
            "select count(*) from payouts where recipient_id = $1 and status = 'in_transit'",
        )
        .bind(page)
        .fetch_one(&mut *tx)
        .await?;
        if held.unwrap_or(0) != 0 || travelling > 0 {
            return Err(EraseError::NotNow(NotYet::PageHoldsMoney(name.clone())));
        }
        let (charging,): (i64,) = sqlx::query_as(
            "select count(*) from donation_items where recipient_id = $1 and status = 'charging'",
        )
        .bind(page)
        .fetch_one(&mut *tx)
        .await?;
        if charging > 0 {
            return Err(EraseError::NotNow(NotYet::PageBeingCharged(name.clone())));
        }
    }

    let mut erased = Erased::default();

    // The pages close: nothing more comes to them, and their texts go.
    for (page, _, _) in &pages {
        erased.pledges_ended += sqlx::query(
            "update pledges set status = 'cancelled', updated_at = $1 \
             where recipient_id = $2 and status <> 'cancelled'",
        )
        .bind(at)
        .bind(page)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        erased.donations_voided += sqlx::query(
            "update donation_items set status = 'voided' where recipient_id = $1 and status = 'pending'",
        )
        .bind(page)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        sqlx::query("delete from post_tiers where post_id in (select id from posts where recipient_id = $1)")
            .bind(page)
            .execute(&mut *tx)
            .await?;
        sqlx::query("delete from posts where recipient_id = $1")
            .bind(page)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "update recipients set closed_at = $1, tagline = '', bio_md = '', image_url = null \
             where id = $2",
        )
        .bind(at)
        .bind(page)
        .execute(&mut *tx)
        .await?;
        erased.pages_closed += 1;
    }

    // Their giving ends.
    erased.pledges_ended += sqlx::query(
        "update pledges set status = 'cancelled', updated_at = $1 \
         where supporter_id = $2 and status <> 'cancelled'",
    )
    .bind(at)
    .bind(user)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    sqlx::query(
        "update pledges set visibility = 'anonymous' where supporter_id = $1 and visibility = 'public'",
    )
    .bind(user)
    .execute(&mut *tx)
    .await?;
    erased.donations_voided += sqlx::query(
        "update donation_items set status = 'voided' where supporter_id = $1 and status = 'pending' \
         and charge_id is null",
    )
    .bind(user)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    // A declined charge waiting for its retry: the retry is dropped and its donations voided.
    erased.donations_voided += sqlx::query(
        "update donation_items set status = 'voided' where status = 'charging' and charge_id in \
         (select id from charges where supporter_id = $1 and status = 'failed')",
    )
    .bind(user)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    sqlx::query(
        "update charges set next_retry_at = null where supporter_id = $1 and status = 'failed'",
    )
    .bind(user)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "update tips set message = '', \
         visibility = case when visibility = 'public' then 'anonymous' else visibility end \
         where supporter_id = $1",
    )
    .bind(user)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "update billing_profiles set payment_method = null, processor_customer = null, \
         payment_method_fingerprint = null where user_id = $1",
    )
    .bind(user)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "delete from receipts_due where charge_id in (select id from charges where supporter_id = $1)",
    )
    .bind(user)
    .execute(&mut *tx)
    .await?;

    // Kept on purpose (fraud prevention): `card_saves` and `security_events`, which the
    // card-testing limits count over their window, so deleting an account resets no limit.

    // What reaches or names them.
    sqlx::query("delete from email_outbox where lower(to_address) = lower($1)")
        .bind(&email)
        .execute(&mut *tx)
        .await?;
    sqlx::query("delete from login_failures where lower(key) = lower($1)")
        .bind(&email)
        .execute(&mut *tx)
        .await?;
    sqlx::query("delete from email_tokens where user_id = $1")
        .bind(user)
        .execute(&mut *tx)
        .await?;
    // Two-factor sign-in: the secret, recovery codes and half-finished logins.
    for table in ["two_factor", "recovery_codes", "login_challenges"] {
        sqlx::query(&format!("delete from {table} where user_id = $1"))
            .bind(user)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("delete from sessions where user_id = $1")
        .bind(user)
        .execute(&mut *tx)
        .await?;
    // The anonymous reference: a random address in the `.invalid` domain, which no mail can
    // ever reach, and one name for every deleted account. The password can never match.
    let reference = &tokens::digest(&tokens::generate())[..16];
    sqlx::query(
        "update users set email = $1, display_name = $2, password_hash = '!', \
         email_verified_at = null, is_admin = 0, deleted_at = $3, password_changed_at = $3 \
         where id = $4",
    )
    .bind(format!("deleted-{reference}@deleted.invalid"))
    .bind(DELETED_NAME)
    .bind(at)
    .bind(user)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    // Names on public pages and lists change, and closed pages leave explore.
    db.note_public_change();
    Ok(erased)
}
