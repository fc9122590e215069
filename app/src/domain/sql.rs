//! Small helpers for SQL text shared by both databases.

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

/// Like [`placeholders`], with each column cast to its SQL type (`bigint`, `text`), for
/// `VALUES` lists used as tables: PostgreSQL cannot infer parameter types there.
pub fn typed_values(rows: usize, types: &[&str], first: usize) -> String {
    let mut s = String::with_capacity(rows * types.len() * 20);
    let mut n = first;
    for r in 0..rows {
        if r > 0 {
            s.push_str(", ");
        }
        s.push('(');
        for (c, t) in types.iter().enumerate() {
            if c > 0 {
                s.push_str(", ");
            }
            s.push_str(&format!("cast(${n} as {t})"));
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

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_number_rows_and_columns() {
        assert_eq!(super::placeholders(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(super::list(3, 3), "$3, $4, $5");
        assert_eq!(
            super::typed_values(1, &["bigint", "text"], 2),
            "(cast($2 as bigint), cast($3 as text))"
        );
    }
}
