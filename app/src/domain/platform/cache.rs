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
/// instead of each running their own, so an entry expiring under load costs one load, not
/// one for every request in flight.
#[derive(Debug)]
pub struct Shelf<V> {
    ttl: Duration,
    entries: Mutex<HashMap<String, Entry<V>>>,
}

#[derive(Debug)]
struct Entry<V> {
    at: Instant,
    generation: u64,
    value: Arc<OnceCell<V>>,
}

impl<V: Clone> Shelf<V> {
    /// A shelf whose entries last `ttl` (zero: nothing is kept).
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: Mutex::default(),
        }
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
        let Some(cell) = self.cell_for(key, generation, Instant::now()) else {
            return load.await;
        };
        cell.get_or_try_init(|| load).await.cloned()
    }

    /// The cell holding (or about to hold) the value for `key` at `generation`; `None` when
    /// the entry there was worked out after a write this caller has not seen yet, which it
    /// should neither read nor replace.
    fn cell_for(&self, key: &str, generation: u64, now: Instant) -> Option<Arc<OnceCell<V>>> {
        let mut entries = self.lock();
        match entries.get(key) {
            Some(e) if e.generation == generation && now.duration_since(e.at) < self.ttl => {
                return Some(e.value.clone());
            }
            Some(e) if e.generation > generation => return None,
            _ => {}
        }
        if entries.len() >= CAPACITY {
            entries
                .retain(|_, e| e.generation >= generation && now.duration_since(e.at) < self.ttl);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        let cell = Arc::new(OnceCell::new());
        entries.insert(
            key.to_owned(),
            Entry {
                at: now,
                generation,
                value: cell.clone(),
            },
        );
        Some(cell)
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
