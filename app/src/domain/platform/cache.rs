//! Reads kept in memory for a few seconds: a [`Shelf`] works each value out once under load
//! and serves it from memory until it expires or a write moves the [`Changes`] generation on.
//! What is kept is chosen by its users (the public pages: `recipients::public_cache`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::OnceCell;

/// Different entries a shelf keeps at most; past this, the expired ones are dropped, and if
/// none were, all of them.
const CAPACITY: usize = 1024;

/// Counts the writes that may have changed what public pages show.
#[derive(Debug, Default)]
pub struct Changes(AtomicU64);

impl Changes {
    /// The generation now: an entry worked out from reads begun at this generation is stale
    /// once it moves on.
    pub fn current(&self) -> u64 {
        self.0.load(Ordering::Acquire)
    }

    /// Something may have changed: entries worked out before now are stale.
    pub fn note(&self) {
        self.0.fetch_add(1, Ordering::AcqRel);
    }
}

/// Values by key, each kept for a time to live and while the generation it was read at is
/// still current. Callers asking for a key while it is being loaded wait for that one load
/// instead of each running their own, so a new or dropped entry costs one load under load,
/// not one for every request in flight.
///
/// An entry that has merely outlived its time to live (no write moved the generation on) is
/// loaded again by the first caller to find it so; callers meanwhile are given the value it
/// replaces instead of waiting, so an expiry under load is no stall for anyone but that one
/// caller. Such a value is at most one load older than the time to live; if the reload fails
/// or is abandoned, the next caller past another time to live tries again.
///
/// A shelf made [`Shelf::stale_while_reloading_after_writes`] treats an entry from before the
/// newest write the same way: the first caller at the new generation loads it, callers during
/// that load are given the old value. Only for values nobody could have written themselves
/// (pages for visitors without a session): a writer must see their own write.
#[derive(Debug)]
pub struct Shelf<V> {
    ttl: Duration,
    stale_after_writes: bool,
    entries: Mutex<HashMap<String, Entry<V>>>,
}

#[derive(Debug)]
struct Entry<V> {
    at: Instant,
    generation: u64,
    value: Arc<OnceCell<V>>,
    /// When a caller began loading the expired value again, if one did.
    reloading_since: Option<Instant>,
}

/// What a caller does for a key.
enum Turn<V> {
    /// Read the cell, loading it if nobody has yet.
    Share(Arc<OnceCell<V>>),
    /// Load the expired value again and put it on the shelf; others are given the old one.
    Reload,
    /// Load for itself and keep nothing (a newer generation is on the shelf).
    Alone,
}

impl<V: Clone> Shelf<V> {
    /// A shelf whose entries last `ttl` (zero: nothing is kept).
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            stale_after_writes: false,
            entries: Mutex::default(),
        }
    }

    /// The same, but an entry a write made stale is also given to callers while the first
    /// caller after the write loads it again (see [`Shelf`]).
    pub fn stale_while_reloading_after_writes(mut self) -> Self {
        self.stale_after_writes = true;
        self
    }

    /// The value for `key`: from memory when it was loaded less than the time to live ago at
    /// `generation`, otherwise from `load` (and then kept). Errors are never kept.
    pub async fn get_or_load<E, F>(&self, key: &str, generation: u64, load: F) -> Result<V, E>
    where
        F: Future<Output = Result<V, E>>,
    {
        if self.ttl.is_zero() {
            return load.await;
        }
        match self.turn(key, generation, Instant::now()) {
            Turn::Share(cell) => cell.get_or_try_init(|| load).await.cloned(),
            Turn::Reload => {
                let value = load.await?;
                self.put(key, generation, value.clone());
                Ok(value)
            }
            Turn::Alone => load.await,
        }
    }

    /// What the caller for `key` at `generation` does; an entry worked out after a write this
    /// caller has not seen yet is neither read nor replaced.
    fn turn(&self, key: &str, generation: u64, now: Instant) -> Turn<V> {
        let mut entries = self.lock();
        if let Some(e) = entries.get_mut(key) {
            if e.generation > generation {
                return Turn::Alone;
            }
            let fresh = now.duration_since(e.at) < self.ttl;
            if e.generation == generation && fresh {
                return Turn::Share(e.value.clone());
            }
            // Expired, or (on a shelf that allows it) from before a write: one caller loads it
            // again and the others are given the old value meanwhile.
            let may_serve_old = e.generation == generation || self.stale_after_writes;
            if may_serve_old && e.value.initialized() {
                let reloading = e
                    .reloading_since
                    .is_some_and(|since| now.duration_since(since) < self.ttl);
                if reloading {
                    return Turn::Share(e.value.clone());
                }
                e.reloading_since = Some(now);
                return Turn::Reload;
            }
        }
        let cell = Arc::new(OnceCell::new());
        self.insert(&mut entries, key, generation, now, cell.clone());
        Turn::Share(cell)
    }

    /// Keeps `value`, loaded again for `key` at `generation`, unless a newer one is there.
    fn put(&self, key: &str, generation: u64, value: V) {
        let mut entries = self.lock();
        if entries.get(key).is_some_and(|e| e.generation > generation) {
            return;
        }
        let cell = Arc::new(OnceCell::new_with(Some(value)));
        self.insert(&mut entries, key, generation, Instant::now(), cell);
    }

    fn insert(
        &self,
        entries: &mut HashMap<String, Entry<V>>,
        key: &str,
        generation: u64,
        now: Instant,
        value: Arc<OnceCell<V>>,
    ) {
        if entries.len() >= CAPACITY && !entries.contains_key(key) {
            entries
                .retain(|_, e| e.generation >= generation && now.duration_since(e.at) < self.ttl);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert(
            key.to_owned(),
            Entry {
                at: now,
                generation,
                value,
                reloading_since: None,
            },
        );
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry<V>>> {
        // A panic while holding the lock leaves a map that is still valid.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    async fn load(loads: &AtomicUsize, value: &str) -> Result<String, ()> {
        loads.fetch_add(1, Ordering::SeqCst);
        Ok(value.to_owned())
    }

    #[tokio::test]
    async fn a_fresh_entry_is_served_from_memory() {
        let shelf = Shelf::new(Duration::from_secs(60));
        let loads = AtomicUsize::new(0);
        assert_eq!(
            shelf.get_or_load("a", 0, load(&loads, "one")).await,
            Ok("one".into())
        );
        assert_eq!(
            shelf.get_or_load("a", 0, load(&loads, "two")).await,
            Ok("one".into())
        );
        assert_eq!(loads.load(Ordering::SeqCst), 1);
        assert_eq!(
            shelf.get_or_load("b", 0, load(&loads, "three")).await,
            Ok("three".into())
        );
    }

    #[tokio::test]
    async fn a_new_generation_makes_entries_stale() {
        let shelf = Shelf::new(Duration::from_secs(60));
        let changes = Changes::default();
        let loads = AtomicUsize::new(0);
        let g = changes.current();
        assert_eq!(
            shelf.get_or_load("a", g, load(&loads, "old")).await,
            Ok("old".into())
        );
        changes.note();
        let g = changes.current();
        assert_eq!(
            shelf.get_or_load("a", g, load(&loads, "new")).await,
            Ok("new".into())
        );
        assert_eq!(
            shelf.get_or_load("a", g, load(&loads, "newer")).await,
            Ok("new".into())
        );
        assert_eq!(loads.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn zero_ttl_keeps_nothing_and_errors_are_not_kept() {
        let none = Shelf::new(Duration::ZERO);
        let loads = AtomicUsize::new(0);
        none.get_or_load("a", 0, load(&loads, "x")).await.unwrap();
        none.get_or_load("a", 0, load(&loads, "x")).await.unwrap();
        assert_eq!(loads.load(Ordering::SeqCst), 2);

        let shelf: Shelf<String> = Shelf::new(Duration::from_secs(60));
        assert_eq!(
            shelf
                .get_or_load("a", 0, async { Err::<String, _>(7) })
                .await,
            Err(7)
        );
        assert_eq!(
            shelf
                .get_or_load("a", 0, async { Ok::<_, i32>("ok".into()) })
                .await,
            Ok("ok".into())
        );
    }

    #[tokio::test]
    async fn an_expired_entry_is_loaded_again() {
        let shelf = Shelf::new(Duration::from_millis(20));
        let loads = AtomicUsize::new(0);
        shelf
            .get_or_load("a", 0, load(&loads, "one"))
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(30)).await;
        assert_eq!(
            shelf.get_or_load("a", 0, load(&loads, "two")).await,
            Ok("two".into())
        );
    }

    #[tokio::test]
    async fn while_an_expired_entry_is_loaded_again_other_callers_are_given_the_old_value() {
        let shelf = Shelf::new(Duration::from_millis(50));
        let loads = AtomicUsize::new(0);
        shelf
            .get_or_load("a", 0, load(&loads, "one"))
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(60)).await;
        let (release, wait) = tokio::sync::oneshot::channel::<()>();
        let reload = async {
            loads.fetch_add(1, Ordering::SeqCst);
            wait.await.unwrap();
            Ok::<_, ()>("two".to_owned())
        };
        let others = async {
            tokio::task::yield_now().await;
            // The reload is under way: the old value, at once, and no second reload.
            let seen = shelf.get_or_load("a", 0, load(&loads, "three")).await;
            release.send(()).unwrap();
            seen
        };
        let (reloaded, seen) = tokio::join!(shelf.get_or_load("a", 0, reload), others);
        assert_eq!((reloaded, seen), (Ok("two".into()), Ok("one".into())));
        assert_eq!(
            shelf.get_or_load("a", 0, load(&loads, "four")).await,
            Ok("two".into())
        );
        assert_eq!(loads.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_failed_reload_keeps_the_old_value_until_someone_loads_it_again() {
        let shelf = Shelf::new(Duration::from_millis(40));
        let loads = AtomicUsize::new(0);
        shelf
            .get_or_load("a", 0, load(&loads, "one"))
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(
            shelf
                .get_or_load("a", 0, async { Err::<String, _>(()) })
                .await,
            Err(())
        );
        assert_eq!(
            shelf.get_or_load("a", 0, load(&loads, "two")).await,
            Ok("one".into()),
            "a reload was begun a moment ago"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(
            shelf.get_or_load("a", 0, load(&loads, "three")).await,
            Ok("three".into())
        );
    }

    #[tokio::test]
    async fn a_shelf_of_anonymous_pages_gives_the_old_value_while_the_first_caller_after_a_write_reloads()
     {
        let shelf = Shelf::new(Duration::from_secs(60)).stale_while_reloading_after_writes();
        let loads = AtomicUsize::new(0);
        shelf
            .get_or_load("a", 0, load(&loads, "old"))
            .await
            .unwrap();
        let (release, wait) = tokio::sync::oneshot::channel::<()>();
        let reload = async {
            wait.await.unwrap();
            Ok::<_, ()>("new".to_owned())
        };
        let others = async {
            tokio::task::yield_now().await;
            let seen = shelf.get_or_load("a", 1, load(&loads, "other")).await;
            release.send(()).unwrap();
            seen
        };
        let (first, during) = tokio::join!(shelf.get_or_load("a", 1, reload), others);
        assert_eq!((first, during), (Ok("new".into()), Ok("old".into())));
        assert_eq!(
            shelf.get_or_load("a", 1, load(&loads, "later")).await,
            Ok("new".into())
        );
        assert_eq!(loads.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_write_is_never_answered_with_the_value_before_it() {
        let shelf = Shelf::new(Duration::from_millis(20));
        let loads = AtomicUsize::new(0);
        shelf
            .get_or_load("a", 0, load(&loads, "old"))
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(30)).await;
        // Expired and written since: the caller at the new generation waits for a load.
        assert_eq!(
            shelf.get_or_load("a", 1, load(&loads, "new")).await,
            Ok("new".into())
        );
    }

    #[tokio::test]
    async fn callers_during_a_load_share_it() {
        let shelf = Shelf::new(Duration::from_secs(60));
        let loads = AtomicUsize::new(0);
        let slow = |value: &'static str| {
            let loads = &loads;
            async move {
                loads.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(20)).await;
                Ok::<_, ()>(value.to_owned())
            }
        };
        let (a, b, c) = tokio::join!(
            shelf.get_or_load("k", 0, slow("first")),
            shelf.get_or_load("k", 0, slow("second")),
            shelf.get_or_load("k", 0, slow("third")),
        );
        assert_eq!(loads.load(Ordering::SeqCst), 1);
        assert_eq!(
            (a, b, c),
            (Ok("first".into()), Ok("first".into()), Ok("first".into()))
        );
    }

    #[tokio::test]
    async fn a_caller_behind_the_newest_write_neither_reads_nor_replaces_newer_entries() {
        let shelf = Shelf::new(Duration::from_secs(60));
        let loads = AtomicUsize::new(0);
        shelf
            .get_or_load("a", 2, load(&loads, "new"))
            .await
            .unwrap();
        assert_eq!(
            shelf.get_or_load("a", 1, load(&loads, "old")).await,
            Ok("old".into())
        );
        assert_eq!(
            shelf.get_or_load("a", 2, load(&loads, "newer")).await,
            Ok("new".into())
        );
        assert_eq!(loads.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_full_shelf_makes_room() {
        let shelf = Shelf::new(Duration::from_secs(60));
        for i in 0..=CAPACITY {
            shelf
                .get_or_load(&i.to_string(), 0, async { Ok::<_, ()>(i) })
                .await
                .unwrap();
        }
        assert!(shelf.lock().len() <= CAPACITY);
    }
}
