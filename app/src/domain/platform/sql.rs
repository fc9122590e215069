//! Small helpers for SQL text shared by both databases.

use crate::domain::platform::db::Backend;

/// `($1, $2), ($3, $4)` for `rows` rows of `cols` columns: the VALUES list of a multi-row insert.
pub fn placeholders(rows: usize, cols: usize) -> String {
    let mut s = String::with_capacity(rows * cols * 5);
    let mut n = 1;
    for r in 0..rows {
        if r > 0 {
            s.push_str(", ");
        }
        s.push('(');
        for c in 0..cols {
            if c > 0 {
                s.push_str(", ");
            }
            s.push('$');
            s.push_str(&n.to_string());
            n += 1;
        }
        s.push(')');
    }
    s
}

/// `$first, $first+1, …` for an `in (…)` list of `count` values.
pub fn list(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A whole batch of rows bound as one JSON parameter: `[[1, "a"], [2, "b"]]`.
///
/// Binding thousands of parameters one by one costs more than the work they describe
/// (SQLite looks numbered parameters up in a linear list), so bulk statements bind a single
/// JSON array instead and read it back as a table with [`json_rows`] or [`json_ids`].
pub fn json_param<T: serde::Serialize>(rows: &[T]) -> String {
    serde_json::to_string(rows).expect("rows of numbers and strings serialise")
}

/// A `select` reading the JSON array of arrays bound at `$param` as a table whose columns
/// are named and typed (`bigint` or `text`) by `columns`, ordered by the first.
///
/// The order also makes SQLite read these rows first and look each one up in the table it
/// is joined to, rather than scan that table and search the JSON for every row.
pub fn json_rows(backend: Backend, param: usize, columns: &[(&str, &str)]) -> String {
    let fields = columns
        .iter()
        .enumerate()
        .map(|(i, (name, ty))| match backend {
            Backend::Sqlite => format!("value ->> {i} as {name}"),
            Backend::Postgres => format!("cast(value ->> {i} as {ty}) as {name}"),
        })
        .collect::<Vec<_>>()
        .join(", ");
    match backend {
        Backend::Sqlite => format!("select {fields} from json_each(${param}) order by 1"),
        Backend::Postgres => format!(
            "select {fields} from json_array_elements(cast(${param} as text)::json) order by 1"
        ),
    }
}

/// A `select` of the ids in the JSON array of integers bound at `$param`, for `in (…)`.
pub fn json_ids(backend: Backend, param: usize) -> String {
    match backend {
        Backend::Sqlite => format!("select value from json_each(${param})"),
        Backend::Postgres => format!(
            "select cast(value as bigint) from json_array_elements_text(cast(${param} as text)::json)"
        ),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_number_rows_and_columns() {
        assert_eq!(super::placeholders(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(super::list(3, 3), "$3, $4, $5");
    }
}
