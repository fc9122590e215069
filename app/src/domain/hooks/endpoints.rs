//! A page owner's endpoints: registering one (an `https://` address and the events it
//! wants), its signing secret shown once, rotating the secret (the old one keeps signing for
//! a day), disabling, enabling and deleting it, sending a delivery again, and the studio's
//! view of all that with each endpoint's recent deliveries. Every function takes the caller's
//! user id and touches only endpoints of pages that user owns; anything else is
//! [`HookError::NotYours`].

use super::HookError;
use super::events::EventType;
use super::guard;
use super::signing;
use crate::domain::platform::words::Words;
use crate::domain::{Db, Settings};
use crate::model::hooks::{DeliveryView, EndpointView, HooksPage};

/// Endpoints one page may have.
pub const MAX_ENDPOINTS: i64 = 10;

/// How long the previous secret keeps signing after a rotation, in seconds.
pub const ROTATION_OVERLAP_SECS: i64 = 24 * 3600;

/// Deliveries the studio lists per endpoint, newest first.
pub const LOG_LENGTH: i64 = 25;

const URL_MAX: usize = 2000;

/// The page's name, if `owner` owns it.
async fn owned_page(db: &Db, owner: i64, recipient: i64) -> Result<String, HookError> {
    let row: Option<(String,)> =
        sqlx::query_as("select name from recipients where id = $1 and owner_user_id = $2")
            .bind(recipient)
            .bind(owner)
            .fetch_optional(db.pool())
            .await?;
    row.map(|(n,)| n).ok_or(HookError::NotYours)
}

/// The page of endpoint `endpoint`, if `owner` owns it.
async fn owned_endpoint(db: &Db, owner: i64, endpoint: i64) -> Result<i64, HookError> {
    let row: Option<(i64,)> = sqlx::query_as(
        "select e.recipient_id from hook_endpoints e join recipients r on r.id = e.recipient_id \
         where e.id = $1 and r.owner_user_id = $2",
    )
    .bind(endpoint)
    .bind(owner)
    .fetch_optional(db.pool())
    .await?;
    row.map(|(r,)| r).ok_or(HookError::NotYours)
}

/// An endpoint address as typed: absolute, `https://` (or `http://` when the operator allows
/// it), no user name or password, and not an address in a private range.
pub fn parse_url(raw: &str, settings: &Settings) -> Result<url::Url, HookError> {
    let field = |id: &'static str| HookError::Field("url", Words::new(id));
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(field("studio-error-hook-url-empty"));
    }
    if raw.len() > URL_MAX {
        return Err(field("studio-error-hook-url-long"));
    }
    let url = url::Url::parse(raw).map_err(|_| field("studio-error-hook-url-malformed"))?;
    match url.scheme() {
        "https" => {}
        "http" if settings.webhooks_allow_http => {}
        _ => return Err(field("studio-error-hook-url-https")),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(field("studio-error-hook-url-malformed"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(field("studio-error-hook-url-credentials"));
    }
    if !settings.webhooks_allow_private
        && let Err(refused) = guard::check_literal(&url)
    {
        return Err(HookError::Field(
            "url",
            Words::new("studio-error-hook-url-refused")
                .text("host", &refused.host)
                .message("why", refused.why.message())
                .text("ip", refused.ip.to_string()),
        ));
    }
    Ok(url)
}

/// The chosen events as stored: `,a,b,` in the studio's order. At least one.
pub fn parse_events(chosen: &[String]) -> Result<String, HookError> {
    let mut wanted = Vec::new();
    for name in chosen {
        let kind = EventType::parse(name.trim()).ok_or_else(|| {
            HookError::Field(
                "events",
                Words::new("studio-error-hook-event").text("event", format!("{name:?}")),
            )
        })?;
        if !wanted.contains(&kind) {
            wanted.push(kind);
        }
    }
    if wanted.is_empty() {
        return Err(HookError::Field(
            "events",
            Words::new("studio-error-hook-no-event"),
        ));
    }
    let names: Vec<&str> = EventType::ALL
        .iter()
        .filter(|e| wanted.contains(e))
        .map(|e| e.as_str())
        .collect();
    Ok(format!(",{},", names.join(",")))
}

/// Registers an endpoint on `owner`'s page `recipient`; its secret is shown once, on the next
/// view of the studio page. Returns the endpoint's id.
pub async fn create(
    db: &Db,
    settings: &Settings,
    owner: i64,
    recipient: i64,
    url: &str,
    events: &[String],
    at: i64,
) -> Result<i64, HookError> {
    owned_page(db, owner, recipient).await?;
    let url = parse_url(url, settings)?;
    let events = parse_events(events)?;
    let mut tx = db.begin_write().await?;
    let (count,): (i64,) =
        sqlx::query_as("select count(*) from hook_endpoints where recipient_id = $1")
            .bind(recipient)
            .fetch_one(&mut *tx)
            .await?;
    if count >= MAX_ENDPOINTS {
        return Err(HookError::Field(
            "url",
            Words::new("studio-error-hook-too-many").number("max", MAX_ENDPOINTS),
        ));
    }
    let (id,): (i64,) = sqlx::query_as(
        "insert into hook_endpoints (recipient_id, url, events, secret, secret_unseen, created_at) \
         values ($1, $2, $3, $4, 1, $5) returning id",
    )
    .bind(recipient)
    .bind(url.as_str())
    .bind(&events)
    .bind(signing::new_secret())
    .bind(at)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A new secret for the endpoint, shown once; the current one keeps signing beside it for
/// [`ROTATION_OVERLAP_SECS`], so receivers have a day to switch. Returns the page's id.
pub async fn rotate_secret(db: &Db, owner: i64, endpoint: i64, at: i64) -> Result<i64, HookError> {
    let recipient = owned_endpoint(db, owner, endpoint).await?;
    sqlx::query(
        "update hook_endpoints set previous_secret = secret, previous_secret_until = $1, \
         secret = $2, secret_unseen = 1 where id = $3",
    )
    .bind(at + ROTATION_OVERLAP_SECS)
    .bind(signing::new_secret())
    .bind(endpoint)
    .execute(db.pool())
    .await?;
    Ok(recipient)
}

/// Stops (`enabled` false) or resumes sending to the endpoint. Deliveries queued for it wait
/// while it is disabled and are sent once it is enabled again. Returns the page's id.
pub async fn set_enabled(
    db: &Db,
    owner: i64,
    endpoint: i64,
    enabled: bool,
    at: i64,
) -> Result<i64, HookError> {
    let recipient = owned_endpoint(db, owner, endpoint).await?;
    if enabled {
        sqlx::query(
            "update hook_endpoints set disabled_at = null, disabled_reason = null where id = $1",
        )
        .bind(endpoint)
        .execute(db.pool())
        .await?;
    } else {
        sqlx::query(
            "update hook_endpoints set disabled_at = $1, disabled_reason = $2 \
             where id = $3 and disabled_at is null",
        )
        .bind(at)
        .bind("Disabled by you.")
        .bind(endpoint)
        .execute(db.pool())
        .await?;
    }
    Ok(recipient)
}

/// Deletes the endpoint and its delivery log. Returns the page's id.
pub async fn delete(db: &Db, owner: i64, endpoint: i64) -> Result<i64, HookError> {
    let recipient = owned_endpoint(db, owner, endpoint).await?;
    let mut tx = db.begin_write().await?;
    sqlx::query("delete from hook_deliveries where endpoint_id = $1")
        .bind(endpoint)
        .execute(&mut *tx)
        .await?;
    sqlx::query("delete from hook_endpoints where id = $1")
        .bind(endpoint)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(recipient)
}

/// Queues a finished delivery (delivered or given up) to be sent again now, with the same
/// `webhook-id` and body, and three more days of retries. A delivery still pending is
/// already being retried and is left alone. Returns the page's id.
pub async fn send_again(db: &Db, owner: i64, delivery: i64, at: i64) -> Result<i64, HookError> {
    let row: Option<(i64,)> = sqlx::query_as(
        "select e.recipient_id from hook_deliveries d \
         join hook_endpoints e on e.id = d.endpoint_id \
         join recipients r on r.id = e.recipient_id \
         where d.id = $1 and r.owner_user_id = $2",
    )
    .bind(delivery)
    .bind(owner)
    .fetch_optional(db.pool())
    .await?;
    let (recipient,) = row.ok_or(HookError::NotYours)?;
    sqlx::query(
        "update hook_deliveries set status = 'pending', attempts = 0, next_attempt_at = $1, \
         window_from = $1 where id = $2 and status <> 'pending'",
    )
    .bind(at)
    .bind(delivery)
    .execute(db.pool())
    .await?;
    Ok(recipient)
}

type EndpointRow = (
    i64,
    String,
    String,
    String,
    i64,
    Option<i64>,
    Option<String>,
);

type DeliveryRow = (
    i64,
    String,
    String,
    String,
    i64,
    Option<i64>,
    Option<String>,
    Option<String>,
    i64,
    i64,
);

/// The studio's webhooks page for `owner`'s page `recipient`. A secret not yet shown is shown
/// now, once: it is marked seen as it is read (of two views at once, one shows it).
pub async fn studio_page(
    db: &Db,
    settings: &Settings,
    owner: i64,
    recipient: i64,
    at: i64,
) -> Result<HooksPage, HookError> {
    let name = owned_page(db, owner, recipient).await?;
    let rows: Vec<EndpointRow> = sqlx::query_as(
        "select id, url, events, secret, secret_unseen, previous_secret_until, disabled_reason \
         from hook_endpoints where recipient_id = $1 order by id",
    )
    .bind(recipient)
    .fetch_all(db.pool())
    .await?;
    let mut endpoints = Vec::with_capacity(rows.len());
    for (id, url, events, secret, unseen, previous_until, disabled) in rows {
        let new_secret = if unseen == 1 {
            let done = sqlx::query(
                "update hook_endpoints set secret_unseen = 0 \
                 where id = $1 and secret = $2 and secret_unseen = 1",
            )
            .bind(id)
            .bind(&secret)
            .execute(db.pool())
            .await?;
            (done.rows_affected() == 1).then_some(secret)
        } else {
            None
        };
        let log: Vec<DeliveryRow> = sqlx::query_as(
            "select d.id, v.event_type, v.message_id, d.status, d.attempts, d.last_status_code, \
                    d.last_error, d.last_response, d.created_at, d.next_attempt_at \
             from hook_deliveries d join hook_events v on v.id = d.event_id \
             where d.endpoint_id = $1 order by d.id desc limit $2",
        )
        .bind(id)
        .bind(LOG_LENGTH)
        .fetch_all(db.pool())
        .await?;
        let deliveries = log
            .into_iter()
            .map(
                |(
                    id,
                    event_type,
                    message_id,
                    status,
                    attempts,
                    code,
                    error,
                    response,
                    created,
                    next,
                )| {
                    DeliveryView {
                        id,
                        event_type,
                        message_id,
                        next_try: (status == "pending").then_some(next),
                        status,
                        attempts,
                        last_status_code: code,
                        last_error: error,
                        last_response: response,
                        created,
                    }
                },
            )
            .collect();
        endpoints.push(EndpointView {
            id,
            url,
            events: events
                .split(',')
                .filter(|e| !e.is_empty())
                .map(str::to_owned)
                .collect(),
            new_secret,
            previous_secret_until: previous_until.filter(|u| *u > at),
            disabled,
            deliveries,
        });
    }
    Ok(HooksPage {
        recipient_id: recipient,
        name,
        endpoints,
        http_allowed: settings.webhooks_allow_http,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Settings {
        Settings::with_base_url("https://chipin.example".parse().unwrap())
    }

    #[test]
    fn addresses_must_be_public_https_without_credentials() {
        let s = settings();
        assert!(parse_url("https://hooks.example.org/chipin", &s).is_ok());
        for bad in [
            "",
            "hooks.example.org",
            "http://hooks.example.org/",
            "ftp://hooks.example.org/",
            "https://user:pw@hooks.example.org/",
            "https://127.0.0.1/",
            "https://10.0.0.1/",
            "https://[::1]/",
            "https://169.254.169.254/latest/meta-data",
        ] {
            assert!(
                matches!(parse_url(bad, &s), Err(HookError::Field("url", _))),
                "{bad:?} should be refused"
            );
        }
        let mut dev = settings();
        dev.webhooks_allow_http = true;
        dev.webhooks_allow_private = true;
        assert!(parse_url("http://127.0.0.1:8080/hook", &dev).is_ok());
    }

    #[test]
    fn events_are_known_deduplicated_and_in_order() {
        let chosen = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            parse_events(&chosen(&[
                "post.published",
                "pledge.created",
                "post.published"
            ]))
            .unwrap(),
            ",pledge.created,post.published,"
        );
        assert!(parse_events(&[]).is_err());
        assert!(parse_events(&chosen(&["pledge.created", "user.deleted"])).is_err());
    }
}
