//! Public reads kept in memory for a few seconds. Every visitor without a session sees the
//! same creator page, cause ledger and explore list, and working one out takes several
//! queries, so under load each is worked out once and served from memory until it expires.
//!
//! Staleness is bounded twice: an entry lives at most its time to live, and an entry kept
//! for public pages is also dropped by the first write that changes public data: the domain
//! functions making such writes call [`Db::note_public_change`] once committed. Other writes
//! (settings, sign-ins, pledges no card backs, unpaid tips) keep the entries.

use super::{explore, posts, public_page};
use crate::domain::Db;
use crate::domain::platform::cache::Shelf;
use crate::model::studio::PostView;
use crate::model::{ExploreFilter, ExplorePage, RecipientPage};
use std::time::Duration;

/// The public reads kept in memory, shared by every request.
#[derive(Debug)]
pub struct PublicCache {
    /// Explore lists live out their time: ordering by supporters reads every pledge, so a
    /// list is not worked out again for each new pledge; new ones show when it expires.
    explore: Shelf<ExplorePage>,
    pages: Shelf<Option<RecipientPage>>,
    /// Posts as a visitor without a session sees them.
    posts: Shelf<Option<Vec<PostView>>>,
}

impl PublicCache {
    /// Explore lists kept for `explore_ttl`, public pages for `page_ttl` (zero: not kept).
    pub fn new(explore_ttl: Duration, page_ttl: Duration) -> Self {
        Self {
            explore: Shelf::new(explore_ttl),
            pages: Shelf::new(page_ttl),
            posts: Shelf::new(page_ttl),
        }
    }

    /// [`explore::explore`] for `filter`.
    pub async fn explore(
        &self,
        db: &Db,
        filter: ExploreFilter,
    ) -> Result<ExplorePage, sqlx::Error> {
        let key = filter.query_string(filter.page);
        self.explore
            .get_or_load(&key, 0, explore::explore(db, filter))
            .await
    }

    /// [`public_page::load`] for `slug`.
    pub async fn recipient_page(
        &self,
        db: &Db,
        slug: &str,
    ) -> Result<Option<RecipientPage>, sqlx::Error> {
        let generation = db.public_generation();
        self.pages
            .get_or_load(slug, generation, public_page::load(db, slug))
            .await
    }

    /// [`posts::posts_for`] the page at `slug` as a visitor without a session sees them.
    pub async fn public_posts(
        &self,
        db: &Db,
        slug: &str,
    ) -> Result<Option<Vec<PostView>>, sqlx::Error> {
        let generation = db.public_generation();
        self.posts
            .get_or_load(slug, generation, posts::posts_for(db, slug, None))
            .await
    }
}
