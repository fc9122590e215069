//! Demo data: a few creators and causes so a fresh installation looks alive. Loaded only into
//! a database without users, so it can never mix with real accounts.

use crate::domain::AppState;
use crate::domain::db::now;

/// The password of every demo account (documented in the README).
pub const DEMO_PASSWORD: &str = "chipin-demo-2026";

struct DemoRecipient {
    kind: &'static str,
    owner_name: &'static str,
    owner_email: &'static str,
    slug: &'static str,
    name: &'static str,
    tagline: &'static str,
    category: &'static str,
    currency: &'static str,
    goal_minor: Option<i64>,
    bio: &'static str,
    tiers: &'static [(&'static str, i64, &'static str, &'static str)],
}

const RECIPIENTS: &[DemoRecipient] = &[
    DemoRecipient {
        kind: "creator",
        owner_name: "Mara Lindqvist",
        owner_email: "mara@demo.chipin.example",
        slug: "mara-draws",
        name: "Mara Draws Birds",
        tagline: "Watercolour field guides to the birds outside your window",
        category: "Art",
        currency: "USD",
        goal_minor: Some(150_000),
        bio: "I paint **one bird a week** from life and publish a free field-guide page for each.\n\nYour support buys paper, pigments and train tickets to the marshes.",
        tiers: &[
            (
                "Fledgling",
                300,
                "A thank-you in every weekly post.",
                "Name in the credits\nEarly access to new pages",
            ),
            (
                "Songbird",
                700,
                "Monthly high-resolution downloads.",
                "Everything in Fledgling\nPrintable A4 plates each month",
            ),
            (
                "Bird of prey",
                2500,
                "A signed print every quarter.",
                "Everything in Songbird\nSigned print each quarter\nVote on the next species",
            ),
        ],
    },
    DemoRecipient {
        kind: "creator",
        owner_name: "Tomás Ferreira",
        owner_email: "tomas@demo.chipin.example",
        slug: "tomas-codes",
        name: "Tomás builds open-source maps",
        tagline: "Offline-first map tiles for cyclists, free forever",
        category: "Software",
        currency: "EUR",
        goal_minor: Some(200_000),
        bio: "I maintain **veloTiles**, an offline map renderer used by cycling apps across Europe.\n\nPledges pay for servers and my time fixing bugs.",
        tiers: &[
            (
                "Commuter",
                200,
                "You keep the lights on.",
                "Name in the README",
            ),
            (
                "Randonneur",
                1000,
                "Priority on bug reports.",
                "Everything in Commuter\nMonthly dev diary",
            ),
        ],
    },
    DemoRecipient {
        kind: "creator",
        owner_name: "Ji-woo Park",
        owner_email: "jiwoo@demo.chipin.example",
        slug: "jiwoo-sounds",
        name: "Ji-woo's Late-Night Piano",
        tagline: "A new piano miniature every Sunday night",
        category: "Music",
        currency: "KRW",
        goal_minor: Some(1_000_000),
        bio: "Short piano pieces written and recorded in one evening each week.",
        tiers: &[
            (
                "Listener",
                3000,
                "Every recording, a day early.",
                "Early access",
            ),
            (
                "Patron",
                10000,
                "Sheet music for every piece.",
                "Early access\nSheet music PDFs",
            ),
        ],
    },
    DemoRecipient {
        kind: "cause",
        owner_name: "Riverside Library Friends",
        owner_email: "library@demo.chipin.example",
        slug: "riverside-library",
        name: "Keep Riverside Library open on Sundays",
        tagline: "Staffing, heating and books for Sunday opening hours",
        category: "Community",
        currency: "USD",
        goal_minor: Some(1_200_000),
        bio: "The council cut Sunday hours. Every dollar here pays for a librarian's time, heating, and new children's books. **Every expense is published** below, with receipts.",
        tiers: &[],
    },
    DemoRecipient {
        kind: "cause",
        owner_name: "Harbour Cleanup Crew",
        owner_email: "harbour@demo.chipin.example",
        slug: "harbour-cleanup",
        name: "Harbour Cleanup 2027",
        tagline: "Nets, skips and safety gear for monthly volunteer cleanups",
        category: "Environment",
        currency: "GBP",
        goal_minor: Some(500_000),
        bio: "Volunteers pull plastic out of the harbour on the first Saturday of every month. Donations buy gloves, grabbers, skips and the boat's fuel.",
        tiers: &[],
    },
];

/// Loads the demo recipients if the database has no users yet. Returns whether it did.
pub async fn load_if_empty(
    state: &AppState,
) -> Result<bool, crate::domain::accounts::AccountError> {
    let (users,): (i64,) = sqlx::query_as("select count(*) from users")
        .fetch_one(state.db.pool())
        .await?;
    if users > 0 {
        return Ok(false);
    }
    let hash = state.hasher.hash(DEMO_PASSWORD).await?;
    let mut tx = state.db.pool().begin().await?;
    let at = now();
    for (i, r) in RECIPIENTS.iter().enumerate() {
        // Spread creation times so "newest" ordering is stable and meaningful.
        let created = at - (RECIPIENTS.len() - i) as i64 * 3600;
        let (owner,): (i64,) = sqlx::query_as(
            "insert into users (email, display_name, password_hash, email_verified_at, created_at, password_changed_at) \
             values ($1, $2, $3, $4, $4, $4) returning id",
        )
        .bind(r.owner_email)
        .bind(r.owner_name)
        .bind(&hash)
        .bind(created)
        .fetch_one(&mut *tx)
        .await?;
        let (recipient,): (i64,) = sqlx::query_as(
            "insert into recipients (kind, owner_user_id, slug, name, tagline, bio_md, category, currency, goal_minor, created_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id",
        )
        .bind(r.kind)
        .bind(owner)
        .bind(r.slug)
        .bind(r.name)
        .bind(r.tagline)
        .bind(r.bio)
        .bind(r.category)
        .bind(r.currency)
        .bind(r.goal_minor)
        .bind(created)
        .fetch_one(&mut *tx)
        .await?;
        for (position, (name, price, description, perks)) in r.tiers.iter().enumerate() {
            sqlx::query(
                "insert into tiers (recipient_id, name, price_minor, description, perks, position, created_at) \
                 values ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(recipient)
            .bind(*name)
            .bind(*price)
            .bind(*description)
            .bind(*perks)
            .bind(position as i64)
            .bind(created)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(true)
}
