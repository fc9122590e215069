//! Where does the next page of a list start? Lists are ordered newest first by id, and a page
//! starts strictly below the id of the last row the client saw, which the cursor carries. Rows
//! inserted during a walk get higher ids, so they never shift a page: every row that existed
//! when the walk began is seen exactly once. The cursor is opaque (base64) so that clients
//! pass it back rather than compute with it.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Rows per page when the client does not say.
pub const DEFAULT_LIMIT: i64 = 25;
/// The most rows one page may hold.
pub const MAX_LIMIT: i64 = 100;

/// Why a page request was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CursorError {
    #[error("cursor is not one this API gave out; start again without it")]
    BadCursor,
    #[error("limit must be a whole number from 1 to {MAX_LIMIT}")]
    BadLimit,
}

/// Which page of a list: rows with ids below `before`, at most `limit` of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageRequest {
    pub before: i64,
    pub limit: i64,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            before: i64::MAX,
            limit: DEFAULT_LIMIT,
        }
    }
}

impl PageRequest {
    /// The page a client asks for with `cursor` and `limit` as it sent them.
    pub fn parse(cursor: Option<&str>, limit: Option<&str>) -> Result<Self, CursorError> {
        let limit = match limit {
            None => DEFAULT_LIMIT,
            Some(l) => l
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=MAX_LIMIT).contains(n))
                .ok_or(CursorError::BadLimit)?,
        };
        let before = match cursor {
            None => i64::MAX,
            Some(c) => decode(c).ok_or(CursorError::BadCursor)?,
        };
        Ok(Self { before, limit })
    }

    /// Rows to fetch: one more than the page holds, to learn whether another page follows.
    pub fn fetch(&self) -> i64 {
        self.limit + 1
    }
}

/// One page of a list and the cursor of the next, `None` at the end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// Cuts `rows` (fetched with [`PageRequest::fetch`], ordered by descending `id`) to a page.
pub fn paged<T>(mut rows: Vec<T>, req: &PageRequest, id: impl Fn(&T) -> i64) -> Paged<T> {
    let limit = usize::try_from(req.limit).unwrap_or(usize::MAX);
    let next_cursor = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|r| encode(id(r)))
    } else {
        None
    };
    Paged {
        items: rows,
        next_cursor,
    }
}

fn encode(id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("v1:{id}"))
}

fn decode(cursor: &str) -> Option<i64> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let text = std::str::from_utf8(&bytes).ok()?;
    text.strip_prefix("v1:")?
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_and_anything_else_is_refused() {
        let req = PageRequest::parse(Some(&encode(42)), Some("10")).unwrap();
        assert_eq!(
            req,
            PageRequest {
                before: 42,
                limit: 10
            }
        );
        for bad in [
            "",
            "42",
            "djE6",
            "djE6LTE",
            "!!!",
            &URL_SAFE_NO_PAD.encode("v2:5"),
        ] {
            assert_eq!(
                PageRequest::parse(Some(bad), None),
                Err(CursorError::BadCursor),
                "{bad:?}"
            );
        }
        for bad in ["0", "101", "-1", "ten", ""] {
            assert_eq!(
                PageRequest::parse(None, Some(bad)),
                Err(CursorError::BadLimit)
            );
        }
        assert_eq!(
            PageRequest::parse(None, None).unwrap(),
            PageRequest::default()
        );
    }

    #[test]
    fn a_page_says_where_the_next_starts_and_the_last_says_nothing() {
        let req = PageRequest {
            before: i64::MAX,
            limit: 2,
        };
        let page = paged(vec![9, 7, 4], &req, |r| *r);
        assert_eq!(page.items, vec![9, 7]);
        assert_eq!(page.next_cursor, Some(encode(7)));
        let last = paged(vec![3, 1], &req, |r| *r);
        assert_eq!(last.next_cursor, None);
    }
}
