//! Where is the database? One [`Db`] handle over SQLite or PostgreSQL.
//!
//! Chipin keeps one SQL text for both databases through sqlx's `Any` driver: `$1` placeholders,
//! `RETURNING`, integers for times (unix seconds) and money (minor units). Only DDL differs, so
//! the migrations live in two folders. Code that needs a PostgreSQL-only feature asks
//! [`Db::backend`].

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};
use std::str::FromStr;
use std::time::Duration;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

/// Which database engine is behind the pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a `DATABASE_URL` selects, or `None` for an unsupported scheme.
    pub fn from_url(url: &str) -> Option<Self> {
        if url.starts_with("sqlite:") {
            Some(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Self::Postgres)
        } else {
            None
        }
    }
}

/// A cloneable handle to the connection pool.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    /// This installation's id (see [`Db::installation_id`]), read once by [`Db::migrate`].
    installation: std::sync::Arc<std::sync::OnceLock<String>>,
    /// Writes that changed what the public sees, shared by every clone (see
    /// [`Db::note_public_change`]).
    public_changes: std::sync::Arc<super::cache::Changes>,
}

/// Why the database could not be opened or migrated.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("DATABASE_URL must start with sqlite: or postgres://")]
    UnsupportedUrl,
    #[error("could not create the folder for the SQLite file {0}")]
    CreateDir(String, #[source] std::io::Error),
    #[error("could not connect to the database")]
    Connect(#[source] sqlx::Error),
    #[error("could not apply migrations")]
    Migrate(#[source] sqlx::migrate::MigrateError),
}

impl Db {
    /// Opens a pool. SQLite files (and their folder) are created if missing, and every SQLite
    /// connection runs in WAL mode with foreign keys, a busy timeout and `synchronous=FULL`.
    /// The write-ahead log is copied back into the database every 64 MiB rather than every
    /// 4 MiB: a billing batch rewrites the same index pages, and copying them once per batch
    /// cost as much as writing them. Pages are read through a memory map of up to 1 GiB, so
    /// a large billing run or ledger check reads the operating system's cached pages in place
    /// instead of copying each one in through a system call.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, DbError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url).ok_or(DbError::UnsupportedUrl)?;
        let url = match backend {
            Backend::Sqlite => sqlite_url_creating_dirs(url)?,
            Backend::Postgres => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url).map_err(DbError::Connect)?;
        let pool_options = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(30));
        let pool_options = match backend {
            Backend::Sqlite => pool_options.after_connect(|conn, _meta| {
                Box::pin(async move {
                    conn.execute(
                        "pragma journal_mode = wal; pragma foreign_keys = on; \
                         pragma busy_timeout = 10000; pragma synchronous = full; \
                         pragma wal_autocheckpoint = 16384; pragma mmap_size = 1073741824;",
                    )
                    .await?;
                    Ok(())
                })
            }),
            Backend::Postgres => pool_options,
        };
        let pool = pool_options
            .connect_with(options)
            .await
            .map_err(DbError::Connect)?;
        Ok(Self {
            pool,
            backend,
            installation: Default::default(),
            public_changes: std::sync::Arc::default(),
        })
    }

    /// Applies every migration not yet applied.
    pub async fn migrate(&self) -> Result<(), DbError> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&self.pool).await.map_err(DbError::Migrate)?;
        let id = self.ensure_installation().await.map_err(DbError::Connect)?;
        let _ = self.installation.set(id);
        Ok(())
    }

    /// Creates this installation's random id the first time, and reads it.
    async fn ensure_installation(&self) -> Result<String, sqlx::Error> {
        let fresh = crate::domain::platform::tokens::installation_id();
        sqlx::query(
            "insert into installation (id, installation_id, created_at) values (1, $1, $2) \
             on conflict (id) do nothing",
        )
        .bind(&fresh)
        .bind(crate::domain::platform::clock::now())
        .execute(&self.pool)
        .await?;
        let (id,): (String,) =
            sqlx::query_as("select installation_id from installation where id = 1")
                .fetch_one(&self.pool)
                .await?;
        Ok(id)
    }

    /// This installation's random id, created once and kept in the database: it prefixes
    /// every idempotency key sent to the payment processor, so two installations (or a
    /// database created afresh) sharing one Stripe account never reuse each other's keys.
    /// Empty before [`Db::migrate`] has run.
    pub fn installation_id(&self) -> &str {
        self.installation.get().map_or("", String::as_str)
    }

    /// The pool, for queries.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Begins a transaction that reads and then writes. SQLite takes its write lock at the
    /// start (`BEGIN IMMEDIATE`): a transaction that read first and only then tried to write
    /// would fail at once, without waiting, whenever another connection wrote in between.
    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("begin immediate").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// A committed write changed data the public sees (a page, its tiers or posts, a pledge
    /// that counts, a paid donation, an expense): public pages kept in memory are worked out
    /// afresh. Writes nobody else sees (drafts, settings, unbacked pledges, sessions) do not
    /// call this, so they leave the kept pages alone.
    pub fn note_public_change(&self) {
        self.public_changes.note();
    }

    /// How many public changes were noted so far; see [`Db::note_public_change`].
    pub fn public_generation(&self) -> u64 {
        self.public_changes.current()
    }

    /// Which engine this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// True when the database answers a trivial query.
    pub async fn is_healthy(&self) -> bool {
        sqlx::query("select 1").execute(&self.pool).await.is_ok()
    }

    /// Takes `job`'s turn among every instance sharing this database, if no other instance
    /// has it: on PostgreSQL a transaction-level advisory lock (`pg_try_advisory_xact_lock`),
    /// held while the returned [`JobTurn`] lives and released when it is dropped or its
    /// process dies (the server ends the session). `None`: another instance is doing the job
    /// now. On SQLite, one file has one server, so the turn is always granted.
    pub async fn try_job_turn(&self, job: Job) -> Result<Option<JobTurn>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => Ok(Some(JobTurn { _lock: None })),
            Backend::Postgres => {
                let mut tx = self.pool.begin().await?;
                let (got,): (bool,) = sqlx::query_as("select pg_try_advisory_xact_lock($1)")
                    .bind(job.key())
                    .fetch_one(&mut *tx)
                    .await?;
                Ok(got.then_some(JobTurn { _lock: Some(tx) }))
            }
        }
    }

    /// Closes every connection (used at shutdown so SQLite checkpoints its WAL).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// A periodic job that one instance at a time does (see [`Db::try_job_turn`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Job {
    /// The billing scheduler's run.
    Billing,
    /// Writing receipts and draining the email outbox.
    Mail,
    /// The Connect payout run.
    Payouts,
}

impl Job {
    /// The advisory-lock key: "chipin" in ASCII, then the job's number.
    fn key(self) -> i64 {
        const BASE: i64 = 0x6368_6970_696e << 8;
        BASE + match self {
            Job::Billing => 1,
            Job::Mail => 2,
            Job::Payouts => 3,
        }
    }
}

/// One instance's turn at a [`Job`]; the turn ends when this is dropped (on PostgreSQL the
/// lock's transaction rolls back, which has written nothing).
#[derive(Debug)]
pub struct JobTurn {
    _lock: Option<sqlx::Transaction<'static, sqlx::Any>>,
}

/// Adds `mode=rwc` and creates the parent folder so a fresh checkout just works.
fn sqlite_url_creating_dirs(url: &str) -> Result<String, DbError> {
    let rest = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path != ":memory:"
        && !path.is_empty()
        && let Some(parent) = std::path::Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent)
            .map_err(|e| DbError::CreateDir(parent.display().to_string(), e))?;
    }
    let mut url = format!("sqlite://{path}");
    let has_mode = query.split('&').any(|kv| kv.starts_with("mode="));
    let mut params: Vec<&str> = query.split('&').filter(|kv| !kv.is_empty()).collect();
    if !has_mode {
        params.push("mode=rwc");
    }
    if !params.is_empty() {
        url.push('?');
        url.push_str(&params.join("&"));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_gain_create_mode_and_keep_their_options() {
        let dir = std::env::temp_dir().join("chipin-db-url-test");
        let file = dir.join("x.db");
        let url = sqlite_url_creating_dirs(&format!("sqlite://{}", file.display())).unwrap();
        assert_eq!(url, format!("sqlite://{}?mode=rwc", file.display()));
        assert!(dir.is_dir());
        let url = sqlite_url_creating_dirs("sqlite::memory:?cache=shared").unwrap();
        assert_eq!(url, "sqlite://:memory:?cache=shared&mode=rwc");
    }

    #[test]
    fn backends_are_chosen_by_scheme() {
        assert_eq!(Backend::from_url("sqlite://a.db"), Some(Backend::Sqlite));
        assert_eq!(
            Backend::from_url("postgres://u@h/db"),
            Some(Backend::Postgres)
        );
        assert_eq!(
            Backend::from_url("postgresql://u@h/db"),
            Some(Backend::Postgres)
        );
        assert_eq!(Backend::from_url("mysql://u@h/db"), None);
    }
}
