//! Demo data: a few creators and causes so a fresh installation looks alive. Loaded only into
//! a database without users, so it can never mix with real accounts.
//!
//! A Korean creator and a Korean cause, in won, with a Korean supporter (whose account reads
//! Chipin in Korean), let the whole product be tried in Korean from the first run.

use app::domain::AppState;
use app::domain::giving::pledges::{self, NewPledge, NewTip, PledgeError};
use app::domain::platform::clock::now;
use std::collections::HashMap;

/// Why the demo data could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("password hashing")]
    Hash(#[from] app::domain::accounts::password::HashError),
    #[error("demo pledges and tips")]
    Pledge(#[from] PledgeError),
    #[error("database")]
    Db(#[from] sqlx::Error),
    #[error("demo charges")]
    Billing(#[from] app::domain::billing::BillingError),
    #[error("demo payouts")]
    Payout(#[from] app::domain::payouts::PayoutError),
    #[error("demo expenses")]
    Expense(#[from] app::domain::payouts::expenses::ExpenseError),
    #[error("demo posts")]
    Post(#[from] app::domain::recipients::RecipientError),
}

/// The password of every demo account (documented in the README).
pub const DEMO_PASSWORD: &str = "chipin-demo-2026";

struct DemoRecipient {
    kind: &'static str,
    owner_name: &'static str,
    owner_email: &'static str,
    /// The language the owner's account reads Chipin in (`None`: not chosen).
    owner_language: Option<&'static str>,
    slug: &'static str,
    name: &'static str,
    tagline: &'static str,
    category: &'static str,
    currency: &'static str,
    goal_minor: Option<i64>,
    /// Days from now to a cause's deadline.
    deadline_days: Option<i64>,
    /// A supporter limit on the last tier.
    top_tier_limit: Option<i64>,
    bio: &'static str,
    tiers: &'static [(&'static str, i64, &'static str, &'static str)],
}

const RECIPIENTS: &[DemoRecipient] = &[
    DemoRecipient {
        kind: "creator",
        owner_name: "Mara Lindqvist",
        owner_email: "mara@demo.chipin.example",
        owner_language: None,
        slug: "mara-draws",
        name: "Mara Draws Birds",
        tagline: "Watercolour field guides to the birds outside your window",
        category: "Art",
        currency: "USD",
        goal_minor: Some(150_000),
        deadline_days: None,
        top_tier_limit: Some(25),
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
        owner_language: None,
        slug: "tomas-codes",
        name: "Tomás builds open-source maps",
        tagline: "Offline-first map tiles for cyclists, free forever",
        category: "Software",
        currency: "EUR",
        goal_minor: Some(200_000),
        deadline_days: None,
        top_tier_limit: None,
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
        owner_language: None,
        slug: "jiwoo-sounds",
        name: "Ji-woo's Late-Night Piano",
        tagline: "A new piano miniature every Sunday night",
        category: "Music",
        currency: "KRW",
        goal_minor: Some(1_000_000),
        deadline_days: None,
        top_tier_limit: None,
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
        owner_language: None,
        slug: "riverside-library",
        name: "Keep Riverside Library open on Sundays",
        tagline: "Staffing, heating and books for Sunday opening hours",
        category: "Community",
        currency: "USD",
        goal_minor: Some(1_200_000),
        deadline_days: Some(120),
        top_tier_limit: None,
        bio: "The council cut Sunday hours. Every dollar here pays for a librarian's time, heating, and new children's books. **Every expense is published** below, with receipts.",
        tiers: &[],
    },
    DemoRecipient {
        kind: "cause",
        owner_name: "Harbour Cleanup Crew",
        owner_email: "harbour@demo.chipin.example",
        owner_language: None,
        slug: "harbour-cleanup",
        name: "Harbour Cleanup 2027",
        tagline: "Nets, skips and safety gear for monthly volunteer cleanups",
        category: "Environment",
        currency: "GBP",
        goal_minor: Some(500_000),
        deadline_days: Some(200),
        top_tier_limit: None,
        bio: "Volunteers pull plastic out of the harbour on the first Saturday of every month. Donations buy gloves, grabbers, skips and the boat's fuel.",
        tiers: &[],
    },
    DemoRecipient {
        kind: "creator",
        owner_name: "한서연",
        owner_email: "seoyeon@demo.chipin.example",
        owner_language: Some("ko"),
        slug: "seoyeon-hanji",
        name: "서연의 한지 공방",
        tagline: "매달 새로운 한지 공예 도안과 작업 영상을 나눕니다",
        category: "Art",
        currency: "KRW",
        goal_minor: Some(500_000),
        deadline_days: None,
        top_tier_limit: Some(30),
        bio: "전주에서 한지를 직접 뜨고, 그 한지로 등불과 부채와 책갈피를 만듭니다.\n\n**매달 도안 하나**를 누구나 내려받을 수 있게 공개합니다. 후원금은 닥나무 껍질과 작업실 임대료, 촬영 장비에 쓰입니다.",
        tiers: &[
            (
                "차 한 잔",
                3000,
                "매주 작업 일지에 감사 인사를 드립니다.",
                "작업 일지에 이름 싣기\n새 도안 미리 보기",
            ),
            (
                "한지 등불",
                5000,
                "매달 새 도안 PDF를 보내 드립니다.",
                "차 한 잔 등급의 모든 혜택\n매달 도안 PDF",
            ),
            (
                "공방 단골",
                10000,
                "분기마다 손으로 뜬 한지 엽서를 보내 드립니다.",
                "한지 등불 등급의 모든 혜택\n분기별 한지 엽서\n다음 작품 주제 투표",
            ),
        ],
    },
    DemoRecipient {
        kind: "cause",
        owner_name: "망원동 작은도서관 친구들",
        owner_email: "mangwon@demo.chipin.example",
        owner_language: Some("ko"),
        slug: "mangwon-library",
        name: "망원동 작은도서관 주말에도 문 열기",
        tagline: "주말에도 아이들이 책을 읽을 수 있도록 사서 인건비와 새 그림책을 마련합니다",
        category: "Community",
        currency: "KRW",
        goal_minor: Some(3_000_000),
        deadline_days: Some(90),
        top_tier_limit: None,
        bio: "구청 예산이 줄어 작은도서관이 주말에 문을 닫게 되었습니다. 이웃들이 모은 후원금으로 토요일과 일요일에 사서 선생님을 모시고 새 그림책을 삽니다.\n\n**모든 지출은 영수증과 함께** 아래에 공개합니다.",
        tiers: &[
            (
                "응원",
                3000,
                "매달 도서관 소식을 전해 드립니다.",
                "후원자 전용 소식",
            ),
            (
                "책 한 권",
                5000,
                "매달 그림책 한 권을 살 수 있습니다.",
                "후원자 전용 소식\n새 책에 후원자 이름 남기기",
            ),
            (
                "주말 사서",
                10000,
                "주말 사서 한 시간의 인건비가 됩니다.",
                "책 한 권 등급의 모든 혜택\n후원자 모임 초대",
            ),
        ],
    },
];

/// Demo supporters: (name, email, the language their account reads Chipin in).
const SUPPORTERS: &[(&str, &str, Option<&str>)] = &[
    ("Ana Sousa", "ana@demo.chipin.example", None),
    ("Ben Okafor", "ben@demo.chipin.example", None),
    ("Chloé Martin", "chloe@demo.chipin.example", None),
    ("Dev Patel", "dev@demo.chipin.example", None),
    ("Emma Novak", "emma@demo.chipin.example", None),
    ("Felix Wu", "felix@demo.chipin.example", None),
    ("김민준", "minjun@demo.chipin.example", Some("ko")),
];

/// Demo budget lines: (cause, name, description).
const BUDGET_LINES: &[(&str, &str, &str)] = &[
    (
        "riverside-library",
        "Books",
        "New children's books for Sunday story time.",
    ),
    (
        "riverside-library",
        "Heating",
        "Keeping the reading room warm on winter Sundays.",
    ),
    (
        "mangwon-library",
        "어린이 책",
        "주말 이야기 시간에 함께 읽을 새 그림책을 삽니다.",
    ),
    (
        "mangwon-library",
        "사서 인건비",
        "토요일과 일요일에 문을 여는 사서 선생님의 인건비입니다.",
    ),
];

/// Demo earmarks: (supporter index, cause, budget line) of a pledge or tip listed below.
const EARMARKS: &[(usize, &str, &str)] = &[
    (2, "riverside-library", "Books"),
    (6, "mangwon-library", "어린이 책"),
];
const TIP_EARMARKS: &[(usize, &str, &str)] = &[
    (0, "riverside-library", "Heating"),
    (6, "mangwon-library", "사서 인건비"),
];

/// Demo pledges: (supporter index, page, monthly amount, tier index, visibility).
const PLEDGES: &[(usize, &str, &str, Option<usize>, &str)] = &[
    (0, "mara-draws", "7", Some(1), "public"),
    (1, "mara-draws", "25", Some(2), "public"),
    (2, "mara-draws", "3", Some(0), "anonymous"),
    (3, "mara-draws", "10", None, "private"),
    (4, "mara-draws", "7", Some(1), "public"),
    (0, "tomas-codes", "10", Some(1), "public"),
    (5, "tomas-codes", "2", Some(0), "anonymous"),
    (1, "jiwoo-sounds", "10000", Some(1), "public"),
    (2, "riverside-library", "15", None, "public"),
    (4, "riverside-library", "5", None, "anonymous"),
    (5, "harbour-cleanup", "8", None, "public"),
    (6, "seoyeon-hanji", "5000", Some(1), "public"),
    (1, "seoyeon-hanji", "3000", Some(0), "public"),
    (4, "seoyeon-hanji", "10000", Some(2), "anonymous"),
    (6, "mangwon-library", "10000", Some(2), "public"),
    (3, "mangwon-library", "3000", Some(0), "anonymous"),
];

/// Demo tips: (supporter index, page, amount, message, visibility).
const TIPS: &[(usize, &str, &str, &str, &str)] = &[
    (
        5,
        "mara-draws",
        "5",
        "The heron page is on our fridge. Thank you!",
        "public",
    ),
    (
        3,
        "mara-draws",
        "2",
        "For more train tickets to the marshes.",
        "anonymous",
    ),
    (
        0,
        "riverside-library",
        "20",
        "Sunday story time got my kids reading.",
        "public",
    ),
    (
        1,
        "harbour-cleanup",
        "10",
        "See you on the first Saturday!",
        "public",
    ),
    (
        2,
        "tomas-codes",
        "3",
        "veloTiles got me home in the rain.",
        "public",
    ),
    (
        6,
        "mangwon-library",
        "20000",
        "주말에 아이와 함께 책 읽으러 갈게요!",
        "public",
    ),
    (
        0,
        "seoyeon-hanji",
        "5000",
        "The lantern pattern was my first finished piece. 감사합니다!",
        "public",
    ),
    (
        6,
        "jiwoo-sounds",
        "3000",
        "일요일 밤마다 잘 듣고 있어요.",
        "public",
    ),
];

/// Demo posts: (page, title, body, `true` for supporters only: the page's cheapest tier and
/// every pledge at or above it may read it).
const POSTS: &[(&str, &str, &str, bool)] = &[
    (
        "seoyeon-hanji",
        "이번 달 도안: 한지 등불",
        "한지 세 장과 대나무 살로 만드는 작은 등불 도안을 올렸습니다.\n\n**준비물**: 한지 세 장, 대나무 살 여덟 개, 밀가루 풀, LED 초 하나.",
        false,
    ),
    (
        "seoyeon-hanji",
        "작업 영상: 한지 한 장이 만들어지기까지",
        "후원자 여러분께 먼저 공개하는 40분짜리 작업 영상입니다. 닥나무 껍질을 삶는 데서부터 발로 한 장을 떠서 말리기까지 모두 담았습니다.",
        true,
    ),
    (
        "mangwon-library",
        "첫 주말 개관 소식",
        "지난 토요일, 처음으로 주말에 문을 열었습니다. 아이들 스물세 명이 다녀갔고 새 그림책 열두 권이 모두 대출되었습니다.\n\n후원해 주신 모든 분께 감사드립니다.",
        false,
    ),
    (
        "mangwon-library",
        "후원자 모임 안내",
        "다음 달 첫째 주 토요일 오후 4시에 도서관에서 후원자 모임을 엽니다. 새로 산 그림책을 함께 살펴보고, 다음 분기 예산을 같이 정해요.",
        true,
    ),
];

/// Loads the demo recipients, supporters, pledges and tips if the database has no users yet.
/// Returns whether it did.
pub async fn load_if_empty(state: &AppState) -> Result<bool, DemoError> {
    let (users,): (i64,) = sqlx::query_as("select count(*) from users")
        .fetch_one(state.db.pool())
        .await?;
    if users > 0 {
        return Ok(false);
    }
    let hash = state.hasher.hash(DEMO_PASSWORD).await?;
    let mut tx = state.db.begin_write().await?;
    let at = now();
    // Page slug → (recipient id, tier ids in order).
    let mut pages: HashMap<&str, (i64, Vec<i64>)> = HashMap::new();
    for (i, r) in RECIPIENTS.iter().enumerate() {
        // Spread creation times so "newest" ordering is stable and meaningful.
        let created = at - (RECIPIENTS.len() - i) as i64 * 3600;
        let (owner,): (i64,) = sqlx::query_as(
            "insert into users (email, display_name, password_hash, email_verified_at, created_at, password_changed_at, language) \
             values ($1, $2, $3, $4, $4, $4, $5) returning id",
        )
        .bind(r.owner_email)
        .bind(r.owner_name)
        .bind(&hash)
        .bind(created)
        .bind(r.owner_language)
        .fetch_one(&mut *tx)
        .await?;
        let (recipient,): (i64,) = sqlx::query_as(
            "insert into recipients (kind, owner_user_id, slug, name, tagline, bio_md, category, currency, goal_minor, \
                                     deadline, image_url, created_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning id",
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
        .bind(r.deadline_days.map(|d| at + d * 86_400))
        .bind(format!("/demo/{}.svg", r.slug))
        .bind(created)
        .fetch_one(&mut *tx)
        .await?;
        let mut tier_ids = Vec::new();
        for (position, (name, price, description, perks)) in r.tiers.iter().enumerate() {
            let limit = r.top_tier_limit.filter(|_| position + 1 == r.tiers.len());
            let (tier,): (i64,) = sqlx::query_as(
                "insert into tiers (recipient_id, name, price_minor, description, perks, supporter_limit, position, created_at) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8) returning id",
            )
            .bind(recipient)
            .bind(*name)
            .bind(*price)
            .bind(*description)
            .bind(*perks)
            .bind(limit)
            .bind(position as i64)
            .bind(created)
            .fetch_one(&mut *tx)
            .await?;
            tier_ids.push(tier);
        }
        for (_, name, description) in BUDGET_LINES.iter().filter(|l| l.0 == r.slug) {
            sqlx::query(
                "insert into budget_lines (recipient_id, name, description, created_at) values ($1, $2, $3, $4)",
            )
            .bind(recipient)
            .bind(*name)
            .bind(*description)
            .bind(created)
            .execute(&mut *tx)
            .await?;
        }
        pages.insert(r.slug, (recipient, tier_ids));
    }
    let mut supporters = Vec::new();
    for (name, email, language) in SUPPORTERS {
        let (id,): (i64,) = sqlx::query_as(
            "insert into users (email, display_name, password_hash, email_verified_at, created_at, password_changed_at, language) \
             values ($1, $2, $3, $4, $4, $4, $5) returning id",
        )
        .bind(*email)
        .bind(*name)
        .bind(&hash)
        .bind(at)
        .bind(*language)
        .fetch_one(&mut *tx)
        .await?;
        supporters.push(id);
    }
    tx.commit().await?;
    load_gifts(state, &pages, &supporters).await?;
    load_trail(state, &pages, &supporters).await?;
    load_posts(state, &pages).await?;
    Ok(true)
}

/// The demo pages' posts, through the same code the studio's post form uses.
async fn load_posts(
    state: &AppState,
    pages: &HashMap<&str, (i64, Vec<i64>)>,
) -> Result<(), DemoError> {
    use app::domain::recipients::posts::{self, PostForm};
    for &(slug, title, body, supporters_only) in POSTS {
        let (recipient, tiers) = &pages[slug];
        let (owner,): (i64,) = sqlx::query_as("select owner_user_id from recipients where id = $1")
            .bind(*recipient)
            .fetch_one(state.db.pool())
            .await?;
        let cheapest: Vec<String> = tiers.iter().take(1).map(|t| t.to_string()).collect();
        posts::create_post(
            &state.db,
            owner,
            *recipient,
            PostForm {
                title,
                body,
                audience: if supporters_only { "tiers" } else { "public" },
                tier_ids: if supporters_only { &cheapest } else { &[] },
            },
        )
        .await?;
    }
    Ok(())
}

/// Collects the demo gifts once (on the simulated processor's test card, whatever processor
/// is configured) and spends and pays out part of the money, so every demo donation has a
/// trail to follow: a creator's payout that arrived, causes' expenses and a payout of spent
/// money still in transit.
async fn load_trail(
    state: &AppState,
    pages: &HashMap<&str, (i64, Vec<i64>)>,
    supporters: &[i64],
) -> Result<(), DemoError> {
    use app::domain::billing;
    use app::domain::payouts::expenses::{self, NewExpense};
    use app::domain::payouts::{self, NewPayout, RecordedBy};
    use app::domain::processors::simulated;
    use chrono::Datelike as _;
    let today = chrono::Utc::now().date_naive();
    for &s in supporters {
        pledges::set_payment_method(state, s, simulated::methods::SUCCEEDS, None).await?;
        pledges::set_billing_day(state, s, i64::from(today.day().min(28))).await?;
    }
    billing::run(
        &state.db,
        &simulated::SimulatedProcessor::new(),
        &state.billing,
        today,
        &|_| {},
    )
    .await?;
    let day = now() - now() % 86_400;
    let (mara, _) = &pages["mara-draws"];
    let available = payouts::available(&state.db, *mara).await?;
    if available.minor > 1 {
        let id = payouts::record(
            &state.db,
            NewPayout {
                recipient_id: *mara,
                amount: app::money::Money::new(available.minor / 2, available.currency),
                paid_on: day,
                reference: "DEMO-TRANSFER-1".to_owned(),
                by: RecordedBy::Operator,
            },
        )
        .await?;
        payouts::mark_paid(&state.db, id, None).await?;
    }
    // (description, budget line, tenths of what that line may spend).
    for (slug, spending) in [
        (
            "riverside-library",
            &[
                ("Picture books for Sunday story time", Some("Books"), 5),
                ("Heating oil for the reading room", Some("Heating"), 4),
                ("Beanbags for the reading corner", None, 3),
            ][..],
        ),
        (
            "harbour-cleanup",
            &[("Gloves and litter grabbers", None, 4)][..],
        ),
        (
            "mangwon-library",
            &[
                ("새 그림책 열두 권", Some("어린이 책"), 5),
                ("토요일 사서 인건비", Some("사서 인건비"), 4),
            ][..],
        ),
    ] {
        let (cause, _) = &pages[slug];
        let (currency,): (String,) =
            sqlx::query_as("select currency from recipients where id = $1")
                .bind(*cause)
                .fetch_one(state.db.pool())
                .await?;
        let currency: app::money::Currency = currency.parse().unwrap_or(app::money::Currency::USD);
        for (description, line, tenths) in spending {
            let line = match line {
                Some(name) => Some(line_id(state, *cause, name).await?),
                None => None,
            };
            // Each expense spends tenths of what its line may spend.
            let spendable = expenses::spendable(&state.db, *cause, currency, line).await?;
            let amount = spendable.minor * tenths / 10;
            if amount > 0 {
                expenses::record_checked(
                    &state.db,
                    *cause,
                    currency,
                    &NewExpense {
                        amount: app::money::Money::new(amount, currency),
                        description: (*description).to_owned(),
                        spent_on: day,
                        receipt_url: None,
                        budget_line_id: line,
                    },
                )
                .await?;
            }
        }
        // The library's spent money is on its way; the Korean library's has arrived.
        let (reference, arrived) = match slug {
            "riverside-library" => ("DEMO-TRANSFER-2", false),
            "mangwon-library" => ("DEMO-TRANSFER-3", true),
            _ => continue,
        };
        let spent = payouts::available(&state.db, *cause).await?;
        if spent.minor > 0 {
            let id = payouts::record(
                &state.db,
                NewPayout {
                    recipient_id: *cause,
                    amount: spent,
                    paid_on: day,
                    reference: reference.to_owned(),
                    by: RecordedBy::Operator,
                },
            )
            .await?;
            if arrived {
                payouts::mark_paid(&state.db, id, None).await?;
            }
        }
    }
    Ok(())
}

/// The id of a demo cause's budget line.
async fn line_id(state: &AppState, cause: i64, name: &str) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) =
        sqlx::query_as("select id from budget_lines where recipient_id = $1 and name = $2")
            .bind(cause)
            .bind(name)
            .fetch_one(state.db.pool())
            .await?;
    Ok(id)
}

/// The earmark (a budget line id, or empty) of a demo gift by supporter `who` to `slug`.
async fn demo_earmark(
    state: &AppState,
    earmarks: &[(usize, &str, &str)],
    pages: &HashMap<&str, (i64, Vec<i64>)>,
    who: usize,
    slug: &str,
) -> Result<String, sqlx::Error> {
    match earmarks.iter().find(|e| e.0 == who && e.1 == slug) {
        Some((_, _, name)) => Ok(line_id(state, pages[slug].0, name).await?.to_string()),
        None => Ok(String::new()),
    }
}

/// The demo supporters' pledges and tips, through the same code a supporter's form uses.
async fn load_gifts(
    state: &AppState,
    pages: &HashMap<&str, (i64, Vec<i64>)>,
    supporters: &[i64],
) -> Result<(), DemoError> {
    for &(who, slug, amount, tier, visibility) in PLEDGES {
        let (recipient, tiers) = &pages[slug];
        let tier_id = tier.map(|t| tiers[t]);
        let budget_line = demo_earmark(state, EARMARKS, pages, who, slug).await?;
        pledges::create_pledge(
            state,
            supporters[who],
            NewPledge {
                recipient_id: *recipient,
                amount,
                tier_id,
                visibility,
                budget_line: &budget_line,
            },
        )
        .await?;
    }
    for &(who, slug, amount, message, visibility) in TIPS {
        let budget_line = demo_earmark(state, TIP_EARMARKS, pages, who, slug).await?;
        pledges::create_tip(
            state,
            supporters[who],
            NewTip {
                recipient_id: pages[slug].0,
                amount,
                message,
                visibility,
                budget_line: &budget_line,
            },
        )
        .await?;
    }
    Ok(())
}
