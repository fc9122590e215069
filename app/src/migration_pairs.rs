//! Do the SQLite and PostgreSQL migrations build the same schema?
//!
//! Chipin runs on either database, and each has its own migration folder: `migrations/sqlite`
//! and `migrations/postgres`, with one file of the same name in each for every step. The
//! domain code runs the same queries against both, so a column, key or index that one side
//! has and the other lacks only shows up when that query runs on the other database. This
//! test reads both folders and fails on any such drift.
//!
//! What it checks, for every pair of files:
//!
//! - both folders hold the same file names;
//! - `create table`: each column's name, order, type class, whether the database assigns it
//!   (identity), `primary key`, `not null`, `unique`, `default`, `check` and `references`,
//!   and the table's own constraints (`primary key (…)`, `unique (…)`, `check (…)`);
//! - `alter table … add column`, compared like a table's column;
//! - `create [unique] index`: name, table, indexed columns or expressions, and the partial
//!   index's `where` clause;
//! - `drop index` / `drop table` / `drop view`;
//! - any other statement, compared as its normalised text.
//!
//! What may differ, because the two files say the same thing in their own dialect:
//!
//! - spelling: case, whitespace, identifier quoting, `--` and `/* */` comments, `!=` for `<>`;
//! - types, folded into classes: SQLite `integer` / `bigint` / `int8` and PostgreSQL
//!   `bigint` / `int8` are one 64-bit integer class (PostgreSQL `integer` is 32 bits and stays
//!   apart: Chipin's ids, amounts and instants are `i64`); `text` / `varchar(…)` are text; SQLite
//!   `real` and PostgreSQL `double precision` are one float class; `blob` / `bytea` are bytes.
//!   Flags are stored as integers 0/1 with a `check` on both sides, so `boolean` is not folded;
//! - keys the database assigns: SQLite's `integer primary key` (a rowid alias, with or without
//!   `autoincrement`) is the same as PostgreSQL's `bigint generated … as identity primary key`
//!   or `bigserial primary key`;
//! - dialect-only statements, recognised by how they start and skipped entirely: `create
//!   [or replace] [constraint] trigger`, `create [or replace] function`, `drop trigger`,
//!   `drop function`, `pragma` and `do $$ … $$`. Chipin's triggers guard the same rules in
//!   each dialect's own way (SQLite's `raise(abort, …)` in a trigger body, PostgreSQL's
//!   PL/pgSQL functions), which this test cannot compare; the server's API tests exercise them on
//!   whichever database they run against;
//! - whatever [`EXCEPTIONS`] lists, by file and subject, each with its reason. An exception
//!   that no longer matches a difference fails the test, so the list cannot go stale.
//!
//! Landed migrations are never edited, so a difference found here is fixed by a new pair of
//! migrations, or, when it is genuinely one dialect's business, by an entry in [`EXCEPTIONS`].

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

/// A difference that is allowed, for one file, with the reason it is right.
struct Exception {
    file: &'static str,
    /// The [`Difference::subject`] excused, exactly as the test reports it.
    subject: &'static str,
    reason: &'static str,
}

const EXCEPTIONS: &[Exception] = &[
    Exception {
        file: "0006_statement_balance_check.sql",
        subject: "only in postgres",
        reason: "it replaces PostgreSQL's per-row journal balance trigger with a per-statement one; \
             SQLite never had a balance trigger, so it has nothing to replace. The file holds \
             only dialect-only statements, which the test still confirms by comparing it \
             against an empty SQLite file",
    },
    Exception {
        file: "0038_balance_from_added_lines.sql",
        subject: "only in postgres",
        reason: "it makes PostgreSQL's per-statement journal balance trigger (0006, 0031) sum the \
             lines the statement added instead of reading the journal again; SQLite has no such \
             trigger. The file holds only dialect-only statements",
    },
    Exception {
        file: "0031_ledger_checks_per_statement.sql",
        subject: "statement `alter table journal_lines drop constraint journal_lines_entry_id_fkey, drop constraint journal_lines_item_id_fkey`",
        reason: "PostgreSQL checks these rows once per statement instead of by per-row foreign keys \
             (the billing run's cost); the statement-level triggers in the same file keep the \
             guarantee, and SQLite keeps its foreign keys, which cost it little",
    },
    Exception {
        file: "0031_ledger_checks_per_statement.sql",
        subject: "statement `alter table allocations drop constraint allocations_item_id_fkey, drop constraint allocations_charge_id_fkey, drop constraint allocations_recipient_id_fkey`",
        reason: "PostgreSQL checks these rows once per statement instead of by per-row foreign keys \
             (the billing run's cost); the statement-level triggers in the same file keep the \
             guarantee, and SQLite keeps its foreign keys, which cost it little",
    },
    Exception {
        file: "0031_ledger_checks_per_statement.sql",
        subject: "statement `alter table donation_items drop constraint donation_items_supporter_id_fkey, drop constraint donation_items_recipient_id_fkey, drop constraint donation_items_pledge_id_fkey, drop constraint donation_items_tip_id_fkey, drop constraint donation_items_budget_line_id_fkey`",
        reason: "PostgreSQL checks these rows once per statement instead of by per-row foreign keys \
             (the billing run's cost); the statement-level triggers in the same file keep the \
             guarantee, and SQLite keeps its foreign keys, which cost it little",
    },
    Exception {
        file: "0031_ledger_checks_per_statement.sql",
        subject: "statement `alter table donation_items set (fillfactor = 70)`",
        reason: "fillfactor is PostgreSQL's room for in-place (HOT) updates; SQLite has no such \
             setting",
    },
    Exception {
        file: "0031_ledger_checks_per_statement.sql",
        subject: "statement `alter table charges set (fillfactor = 70)`",
        reason: "fillfactor is PostgreSQL's room for in-place (HOT) updates; SQLite has no such \
             setting",
    },
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    fn name(self) -> &'static str {
        match self {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "postgres",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Tokens

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    /// A keyword or identifier, lowercased and unquoted: both databases fold unquoted names to
    /// one case, and Chipin never relies on a quoted name's case.
    Word(String),
    /// A string literal as written, quotes included: its case is data.
    Str(String),
    Num(String),
    Punct(String),
    /// A PostgreSQL dollar-quoted body; only dialect-only statements have one.
    Dollar(String),
}

impl fmt::Display for Tok {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tok::Word(s) | Tok::Str(s) | Tok::Num(s) | Tok::Punct(s) => f.write_str(s),
            Tok::Dollar(body) => write!(f, "$${body}$$"),
        }
    }
}

fn lex(sql: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = sql.chars().collect();
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '-' && at(i + 1) == '-' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            i += 2;
            while !(at(i) == '*' && at(i + 1) == '/') {
                if i >= chars.len() {
                    return Err("unterminated /* comment".into());
                }
                i += 1;
            }
            i += 2;
        } else if c == '\'' {
            let start = i;
            i += 1;
            loop {
                if i >= chars.len() {
                    return Err("unterminated string literal".into());
                }
                if chars[i] == '\'' {
                    // A doubled quote is an escaped quote inside the literal.
                    if at(i + 1) == '\'' {
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                i += 1;
            }
            toks.push(Tok::Str(chars[start..i].iter().collect()));
        } else if c == '"' || c == '`' {
            let end = (i + 1..chars.len())
                .find(|&j| chars[j] == c)
                .ok_or("unterminated quoted identifier")?;
            let name: String = chars[i + 1..end].iter().collect();
            toks.push(Tok::Word(name.to_lowercase()));
            i = end + 1;
        } else if let Some(tag_len) = (c == '$').then(|| dollar_tag_len(&chars[i..])).flatten() {
            let tag = &chars[i..i + tag_len];
            let body_start = i + tag_len;
            let body_end = (body_start..chars.len())
                .find(|&j| chars[j..].starts_with(tag))
                .ok_or("unterminated dollar-quoted body")?;
            toks.push(Tok::Dollar(chars[body_start..body_end].iter().collect()));
            i = body_end + tag_len;
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while at(i).is_alphanumeric() || at(i) == '_' || at(i) == '$' {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            toks.push(Tok::Word(word.to_lowercase()));
        } else if c.is_ascii_digit() {
            let start = i;
            while at(i).is_ascii_alphanumeric() || at(i) == '.' {
                i += 1;
            }
            toks.push(Tok::Num(chars[start..i].iter().collect()));
        } else {
            let pair: String = [c, at(i + 1)].iter().collect();
            let (op, len) = match pair.as_str() {
                "!=" | "<>" => ("<>".to_owned(), 2),
                "==" => ("=".to_owned(), 2),
                "<=" | ">=" | "||" | "::" => (pair.clone(), 2),
                _ => (c.to_string(), 1),
            };
            toks.push(Tok::Punct(op));
            i += len;
        }
    }
    Ok(toks)
}

/// The length of a `$$` or `$tag$` opening at the start of `chars`, if there is one.
fn dollar_tag_len(chars: &[char]) -> Option<usize> {
    let close = chars
        .iter()
        .skip(1)
        .position(|&c| !(c.is_alphanumeric() || c == '_'))?;
    (chars.get(close + 1) == Some(&'$')).then_some(close + 2)
}

/// Splits at `;`, except inside a SQLite trigger's `begin … end`, whose body has its own.
fn split_statements(toks: Vec<Tok>) -> Vec<Vec<Tok>> {
    let mut statements = Vec::new();
    let mut current: Vec<Tok> = Vec::new();
    let mut depth = 0usize;
    for tok in toks {
        if tok == Tok::Punct(";".into()) && depth == 0 {
            if !current.is_empty() {
                statements.push(std::mem::take(&mut current));
            }
            continue;
        }
        if let Tok::Word(w) = &tok
            && is_trigger_head(&current)
        {
            match w.as_str() {
                "begin" | "case" => depth += 1,
                "end" => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        current.push(tok);
    }
    if !current.is_empty() {
        statements.push(current);
    }
    statements
}

fn is_trigger_head(toks: &[Tok]) -> bool {
    toks.first() == Some(&Tok::Word("create".into()))
        && toks
            .iter()
            .take(6)
            .any(|t| *t == Tok::Word("trigger".into()))
}

/// Renders tokens as one canonical line, so equal SQL renders equal whatever its layout.
fn render(toks: &[Tok]) -> String {
    let mut out = String::new();
    for (i, tok) in toks.iter().enumerate() {
        let after_open = i == 0 || matches!(&toks[i - 1], Tok::Punct(p) if p == "(" || p == ".");
        let before_close = matches!(tok, Tok::Punct(p) if p == ")" || p == "," || p == ".");
        if !(after_open || before_close) {
            out.push(' ');
        }
        out.push_str(&tok.to_string());
    }
    out
}

/// Splits a parenthesised list at its top-level commas. An empty piece (a trailing comma)
/// is dropped: neither database accepts one, so it never reaches a landed migration.
fn split_commas(toks: &[Tok]) -> Vec<&[Tok]> {
    let mut pieces = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, tok) in toks.iter().enumerate() {
        match tok {
            Tok::Punct(p) if p == "(" => depth += 1,
            Tok::Punct(p) if p == ")" => depth = depth.saturating_sub(1),
            Tok::Punct(p) if p == "," && depth == 0 => {
                pieces.push(&toks[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    pieces.push(&toks[start..]);
    pieces.retain(|p| !p.is_empty());
    pieces
}

struct Cursor<'a> {
    toks: &'a [Tok],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(toks: &'a [Tok]) -> Self {
        Cursor { toks, pos: 0 }
    }

    fn peek(&self) -> Option<&'a Tok> {
        self.toks.get(self.pos)
    }

    fn peek_word(&self) -> Option<&'a str> {
        match self.peek() {
            Some(Tok::Word(w)) => Some(w),
            _ => None,
        }
    }

    fn eat(&mut self, word: &str) -> bool {
        let found = self.peek_word() == Some(word);
        if found {
            self.pos += 1;
        }
        found
    }

    fn expect(&mut self, word: &str) -> Result<(), String> {
        if self.eat(word) {
            Ok(())
        } else {
            Err(format!("expected `{word}`, found {}", self.describe_next()))
        }
    }

    fn name(&mut self) -> Result<String, String> {
        let word = self
            .peek_word()
            .ok_or_else(|| format!("expected a name, found {}", self.describe_next()))?;
        self.pos += 1;
        Ok(word.to_owned())
    }

    fn is_punct(&self, punct: &str) -> bool {
        matches!(self.peek(), Some(Tok::Punct(p)) if p == punct)
    }

    /// The tokens inside the parenthesised group that starts here.
    fn group(&mut self) -> Result<&'a [Tok], String> {
        if !self.is_punct("(") {
            return Err(format!("expected `(`, found {}", self.describe_next()));
        }
        let start = self.pos + 1;
        let mut depth = 0usize;
        for i in self.pos..self.toks.len() {
            match &self.toks[i] {
                Tok::Punct(p) if p == "(" => depth += 1,
                Tok::Punct(p) if p == ")" => {
                    depth -= 1;
                    if depth == 0 {
                        self.pos = i + 1;
                        return Ok(&self.toks[start..i]);
                    }
                }
                _ => {}
            }
        }
        Err("unbalanced parentheses".into())
    }

    fn rest(&mut self) -> &'a [Tok] {
        let rest = &self.toks[self.pos..];
        self.pos = self.toks.len();
        rest
    }

    fn end(&self) -> Result<(), String> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(format!("unexpected {}", self.describe_next())),
        }
    }

    fn describe_next(&self) -> String {
        match self.peek() {
            Some(tok) => format!("`{tok}`"),
            None => "the end of the statement".into(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The normalised schema

#[derive(Clone, Debug, PartialEq, Eq)]
enum TypeClass {
    Int64,
    Text,
    Float64,
    Bytes,
    /// Any spelling not folded above, compared as written (arguments included).
    Other(String),
}

impl fmt::Display for TypeClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeClass::Int64 => f.write_str("int64"),
            TypeClass::Text => f.write_str("text"),
            TypeClass::Float64 => f.write_str("float64"),
            TypeClass::Bytes => f.write_str("bytes"),
            TypeClass::Other(spelling) => write!(f, "{spelling}"),
        }
    }
}

/// The type class of a spelling, and whether the type itself makes the database assign the
/// value (`bigserial`).
fn type_class(dialect: Dialect, spelling: &str, args: &str) -> (TypeClass, bool) {
    let class = match (dialect, spelling) {
        (Dialect::Sqlite, "integer" | "bigint" | "int8") => TypeClass::Int64,
        (Dialect::Postgres, "bigint" | "int8") => TypeClass::Int64,
        (Dialect::Postgres, "bigserial") => return (TypeClass::Int64, true),
        (_, "text" | "varchar" | "character varying") => TypeClass::Text,
        (Dialect::Sqlite, "real") => TypeClass::Float64,
        (Dialect::Postgres, "double precision" | "float8") => TypeClass::Float64,
        (Dialect::Sqlite, "blob") => TypeClass::Bytes,
        (Dialect::Postgres, "bytea") => TypeClass::Bytes,
        _ => TypeClass::Other(format!("{spelling}{args}")),
    };
    (class, false)
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Column {
    name: String,
    ty: TypeClass,
    /// The database assigns the value when an insert leaves it out.
    identity: bool,
    primary_key: bool,
    not_null: bool,
    unique: bool,
    default: Option<String>,
    checks: Vec<String>,
    references: Option<String>,
}

impl Column {
    fn describe(&self) -> String {
        let mut out = self.ty.to_string();
        if self.identity {
            out.push_str(" identity");
        }
        if self.primary_key {
            out.push_str(" primary key");
        }
        if self.not_null {
            out.push_str(" not null");
        }
        if self.unique {
            out.push_str(" unique");
        }
        if let Some(default) = &self.default {
            out.push_str(&format!(" default {default}"));
        }
        for check in &self.checks {
            out.push_str(&format!(" check ({check})"));
        }
        if let Some(references) = &self.references {
            out.push_str(&format!(" references {references}"));
        }
        out
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Index {
    table: String,
    unique: bool,
    columns: Vec<String>,
    where_clause: Option<String>,
}

impl Index {
    fn describe(&self) -> String {
        let unique = if self.unique { "unique " } else { "" };
        let mut out = format!("{unique}on {} ({})", self.table, self.columns.join(", "));
        if let Some(clause) = &self.where_clause {
            out.push_str(&format!(" where {clause}"));
        }
        out
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Item {
    Table {
        name: String,
        columns: Vec<Column>,
        constraints: Vec<String>,
    },
    AddColumn {
        table: String,
        column: Column,
    },
    Index {
        name: String,
        index: Index,
    },
    Drop {
        kind: String,
        name: String,
    },
    /// A statement this test has no structure for, kept as its normalised text.
    Other(String),
}

impl Item {
    fn key(&self) -> String {
        match self {
            Item::Table { name, .. } => format!("table {name}"),
            Item::AddColumn { table, column } => {
                format!("table {table}, added column {}", column.name)
            }
            Item::Index { name, .. } => format!("index {name}"),
            Item::Drop { kind, name } => format!("drop {kind} {name}"),
            Item::Other(text) => format!("statement `{text}`"),
        }
    }
}

/// One migration file's schema statements, by subject. Order between subjects is not kept:
/// what matters is that both files create, change and drop the same things.
#[derive(Debug, Default)]
struct Schema {
    items: BTreeMap<String, Item>,
}

fn schema(dialect: Dialect, sql: &str) -> Result<Schema, String> {
    let mut schema = Schema::default();
    for statement in split_statements(lex(sql)?) {
        let item = parse_statement(dialect, &statement)
            .map_err(|e| format!("{e} in `{}`", render(&statement)))?;
        if let Some(item) = item {
            let mut key = item.key();
            // Should a file create one name twice (dropping it in between), keep both.
            let mut n = 2;
            while schema.items.contains_key(&key) {
                key = format!("{} (#{n})", item.key());
                n += 1;
            }
            schema.items.insert(key, item);
        }
    }
    Ok(schema)
}

fn is_dialect_only(toks: &[Tok]) -> bool {
    let mut c = Cursor::new(toks);
    if c.eat("pragma") || c.eat("do") {
        return true;
    }
    if c.eat("drop") {
        return c.eat("trigger") || c.eat("function");
    }
    if c.eat("create") {
        if c.eat("or") && !c.eat("replace") {
            return false;
        }
        let _ = c.eat("constraint");
        return c.eat("trigger") || c.eat("function");
    }
    false
}

/// The statement's schema item, or `None` for a dialect-only statement.
fn parse_statement(dialect: Dialect, toks: &[Tok]) -> Result<Option<Item>, String> {
    if is_dialect_only(toks) {
        return Ok(None);
    }
    let mut c = Cursor::new(toks);
    if c.eat("create") {
        let unique = c.eat("unique");
        if c.eat("index") {
            return parse_index(unique, c).map(Some);
        }
        if !unique && c.eat("table") {
            return parse_table(dialect, c).map(Some);
        }
    }
    let mut c = Cursor::new(toks);
    if c.eat("alter") && c.eat("table") {
        let table = c.name()?;
        if c.eat("add") {
            c.eat("column");
            let column = parse_column(dialect, c.rest())?;
            return Ok(Some(Item::AddColumn { table, column }));
        }
    }
    let mut c = Cursor::new(toks);
    if c.eat("drop")
        && let Some(kind) = c
            .peek_word()
            .filter(|k| ["index", "table", "view"].contains(k))
    {
        c.pos += 1;
        if c.eat("if") {
            c.expect("exists")?;
        }
        let name = c.name()?;
        c.end()?;
        return Ok(Some(Item::Drop {
            kind: kind.to_owned(),
            name,
        }));
    }
    Ok(Some(Item::Other(render(toks))))
}

fn parse_index(unique: bool, mut c: Cursor<'_>) -> Result<Item, String> {
    if c.eat("if") {
        c.expect("not")?;
        c.expect("exists")?;
    }
    let name = c.name()?;
    c.expect("on")?;
    let table = c.name()?;
    let columns = split_commas(c.group()?).into_iter().map(render).collect();
    let where_clause = c.eat("where").then(|| render(c.rest()));
    c.end()?;
    Ok(Item::Index {
        name,
        index: Index {
            table,
            unique,
            columns,
            where_clause,
        },
    })
}

fn parse_table(dialect: Dialect, mut c: Cursor<'_>) -> Result<Item, String> {
    if c.eat("if") {
        c.expect("not")?;
        c.expect("exists")?;
    }
    let name = c.name()?;
    let body = c.group()?;
    c.end()?;
    let mut columns = Vec::new();
    let mut constraints = Vec::new();
    for piece in split_commas(body) {
        let mut p = Cursor::new(piece);
        if p.eat("constraint") {
            // The constraint's name is for error messages only.
            p.name()?;
            constraints.push(render(p.rest()));
        } else if matches!(
            p.peek_word(),
            Some("primary" | "unique" | "check" | "foreign")
        ) {
            constraints.push(render(piece));
        } else {
            columns.push(parse_column(dialect, piece)?);
        }
    }
    constraints.sort();
    Ok(Item::Table {
        name,
        columns,
        constraints,
    })
}

/// Words that end a column's type and start its constraints.
const COLUMN_KEYWORDS: &[&str] = &[
    "primary",
    "not",
    "null",
    "unique",
    "default",
    "check",
    "references",
    "generated",
    "autoincrement",
    "constraint",
    "collate",
];

fn parse_column(dialect: Dialect, toks: &[Tok]) -> Result<Column, String> {
    let mut c = Cursor::new(toks);
    let name = c.name()?;
    let mut type_words = Vec::new();
    while let Some(word) = c.peek_word().filter(|w| !COLUMN_KEYWORDS.contains(w)) {
        type_words.push(word);
        c.pos += 1;
    }
    let spelling = type_words.join(" ");
    let args = if c.is_punct("(") {
        format!("({})", render(c.group()?))
    } else {
        String::new()
    };
    let (ty, serial) = type_class(dialect, &spelling, &args);
    let mut column = Column {
        name,
        ty,
        identity: serial,
        primary_key: false,
        not_null: false,
        unique: false,
        default: None,
        checks: Vec::new(),
        references: None,
    };
    let mut autoincrement = false;
    while c.peek().is_some() {
        if c.eat("constraint") {
            c.name()?;
        } else if c.eat("primary") {
            c.expect("key")?;
            column.primary_key = true;
            let _ = c.eat("asc") || c.eat("desc");
        } else if c.eat("autoincrement") {
            autoincrement = true;
        } else if c.eat("not") {
            c.expect("null")?;
            column.not_null = true;
        } else if c.eat("null") {
            // Nullable is the default; saying so changes nothing.
        } else if c.eat("unique") {
            column.unique = true;
        } else if c.eat("default") {
            let start = c.pos;
            if c.is_punct("(") {
                c.group()?;
            } else {
                if c.is_punct("-") || c.is_punct("+") {
                    c.pos += 1;
                }
                if c.peek().is_none() {
                    return Err(format!(
                        "column `{}`: `default` without a value",
                        column.name
                    ));
                }
                c.pos += 1;
            }
            column.default = Some(render(&toks[start..c.pos]));
        } else if c.eat("check") {
            column.checks.push(render(c.group()?));
        } else if c.eat("references") {
            let start = c.pos;
            c.name()?;
            if c.is_punct("(") {
                c.group()?;
            }
            while c.eat("on") {
                if !(c.eat("delete") || c.eat("update")) {
                    return Err(format!(
                        "expected `delete` or `update` after `on`, found {}",
                        c.describe_next()
                    ));
                }
                // `cascade`, `restrict`, `set null`, `set default` or `no action`.
                let _ = c.eat("set") || c.eat("no");
                c.name()?;
            }
            column.references = Some(render(&toks[start..c.pos]));
        } else if c.eat("generated") {
            if !c.eat("always") {
                c.expect("by")?;
                c.expect("default")?;
            }
            c.expect("as")?;
            c.expect("identity")?;
            if c.is_punct("(") {
                c.group()?;
            }
            column.identity = true;
        } else {
            return Err(format!(
                "column `{}`: unexpected {}",
                column.name,
                c.describe_next()
            ));
        }
    }
    if dialect == Dialect::Sqlite && column.primary_key {
        // Only a column spelled exactly `integer primary key` is SQLite's rowid, which SQLite
        // assigns when an insert leaves it out. A key that references another table takes its
        // value from that row, so no insert of Chipin's relies on the rowid being assigned.
        column.identity = autoincrement || (spelling == "integer" && column.references.is_none());
    }
    Ok(column)
}

// ---------------------------------------------------------------------------------------------
// Comparing

#[derive(Clone, Debug, PartialEq, Eq)]
struct Difference {
    /// What differs: `table users, column email`, `index charges_status`, `only in postgres`.
    subject: String,
    detail: String,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.subject, self.detail)
    }
}

fn difference(subject: impl Into<String>, detail: impl Into<String>) -> Difference {
    Difference {
        subject: subject.into(),
        detail: detail.into(),
    }
}

fn compare(sqlite: &Schema, postgres: &Schema) -> Vec<Difference> {
    let mut out = Vec::new();
    let keys: BTreeSet<&String> = sqlite.items.keys().chain(postgres.items.keys()).collect();
    for key in keys {
        match (sqlite.items.get(key), postgres.items.get(key)) {
            (Some(_), None) => out.push(difference(key, "only in sqlite")),
            (None, Some(_)) => out.push(difference(key, "only in postgres")),
            (Some(s), Some(p)) => compare_items(key, s, p, &mut out),
            (None, None) => {}
        }
    }
    out
}

fn compare_items(key: &str, sqlite: &Item, postgres: &Item, out: &mut Vec<Difference>) {
    match (sqlite, postgres) {
        (
            Item::Table {
                columns: s_columns,
                constraints: s_constraints,
                ..
            },
            Item::Table {
                columns: p_columns,
                constraints: p_constraints,
                ..
            },
        ) => {
            compare_columns(key, s_columns, p_columns, out);
            for c in s_constraints.iter().filter(|c| !p_constraints.contains(c)) {
                out.push(difference(
                    format!("{key}, constraint `{c}`"),
                    "only in sqlite",
                ));
            }
            for c in p_constraints.iter().filter(|c| !s_constraints.contains(c)) {
                out.push(difference(
                    format!("{key}, constraint `{c}`"),
                    "only in postgres",
                ));
            }
        }
        (Item::AddColumn { column: s, .. }, Item::AddColumn { column: p, .. }) => {
            if s != p {
                out.push(differing(key, &s.describe(), &p.describe()));
            }
        }
        (Item::Index { index: s, .. }, Item::Index { index: p, .. }) => {
            if s != p {
                out.push(differing(key, &s.describe(), &p.describe()));
            }
        }
        // The same key means the same drop or the same text.
        (Item::Drop { .. }, Item::Drop { .. }) | (Item::Other(_), Item::Other(_)) => {}
        _ => out.push(difference(
            key,
            "a different kind of statement on each side",
        )),
    }
}

fn differing(subject: &str, sqlite: &str, postgres: &str) -> Difference {
    difference(
        subject,
        format!("sqlite has `{sqlite}`, postgres has `{postgres}`"),
    )
}

fn compare_columns(table: &str, sqlite: &[Column], postgres: &[Column], out: &mut Vec<Difference>) {
    let find = |columns: &'_ [Column], name: &str| columns.iter().position(|c| c.name == name);
    for s in sqlite {
        let subject = format!("{table}, column {}", s.name);
        match find(postgres, &s.name) {
            None => out.push(difference(subject, "only in sqlite")),
            Some(i) if postgres[i] != *s => {
                out.push(differing(&subject, &s.describe(), &postgres[i].describe()));
            }
            Some(_) => {}
        }
    }
    for p in postgres.iter().filter(|p| find(sqlite, &p.name).is_none()) {
        out.push(difference(
            format!("{table}, column {}", p.name),
            "only in postgres",
        ));
    }
    // Inserts that list no columns and `select *` depend on the order.
    let names = |columns: &[Column], other: &[Column]| -> Vec<String> {
        columns
            .iter()
            .filter(|c| find(other, &c.name).is_some())
            .map(|c| c.name.clone())
            .collect()
    };
    let (s_order, p_order) = (names(sqlite, postgres), names(postgres, sqlite));
    if s_order != p_order {
        out.push(difference(
            table,
            format!(
                "columns in a different order: sqlite ({}), postgres ({})",
                s_order.join(", "),
                p_order.join(", ")
            ),
        ));
    }
}

// ---------------------------------------------------------------------------------------------
// The tests

fn migrations_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations")
}

/// Every file in a migration folder, by name.
fn files(dir: &Path) -> BTreeMap<String, String> {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()));
    entries
        .map(|entry| {
            let path = entry
                .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
                .path();
            let text = fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            (name.into_owned(), text)
        })
        .collect()
}

#[test]
fn every_sqlite_migration_builds_the_same_schema_as_its_postgres_twin() {
    let dir = migrations_dir();
    let sqlite = files(&dir.join("sqlite"));
    let postgres = files(&dir.join("postgres"));
    assert!(
        !sqlite.is_empty() && !postgres.is_empty(),
        "no migrations found under {}",
        dir.display()
    );
    let names: BTreeSet<&String> = sqlite.keys().chain(postgres.keys()).collect();
    let mut used = vec![false; EXCEPTIONS.len()];
    let mut failures = Vec::new();
    for name in names {
        let mut differences = Vec::new();
        // A file missing on one side is compared against an empty one, so whatever schema it
        // holds is reported too, even when its absence is excused.
        let (s_sql, p_sql) = (sqlite.get(name), postgres.get(name));
        if s_sql.is_none() {
            differences.push(difference(
                "only in postgres",
                "migrations/sqlite has no such file",
            ));
        }
        if p_sql.is_none() {
            differences.push(difference(
                "only in sqlite",
                "migrations/postgres has no such file",
            ));
        }
        let parse = |dialect: Dialect, sql: Option<&String>| {
            schema(dialect, sql.map_or("", String::as_str))
                .unwrap_or_else(|e| panic!("migrations/{}/{name}: {e}", dialect.name()))
        };
        let (s, p) = (
            parse(Dialect::Sqlite, s_sql),
            parse(Dialect::Postgres, p_sql),
        );
        differences.extend(compare(&s, &p));
        for d in differences {
            let excused = EXCEPTIONS
                .iter()
                .position(|e| e.file == name.as_str() && e.subject == d.subject);
            match excused {
                Some(i) => used[i] = true,
                None => failures.push(format!("{name} (sqlite vs postgres): {d}")),
            }
        }
    }
    for (exception, used) in EXCEPTIONS.iter().zip(used) {
        if !used {
            failures.push(format!(
                "{}: the exception for `{}` ({}) no longer matches a difference; remove it",
                exception.file, exception.subject, exception.reason
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "the migration pairs differ:\n  {}",
        failures.join("\n  ")
    );
}

/// The differences between two in-memory migrations, one per dialect.
fn diff(sqlite: &str, postgres: &str) -> Vec<Difference> {
    let s = schema(Dialect::Sqlite, sqlite).expect("sqlite side parses");
    let p = schema(Dialect::Postgres, postgres).expect("postgres side parses");
    compare(&s, &p)
}

fn subjects(differences: &[Difference]) -> Vec<&str> {
    let mut subjects: Vec<&str> = differences.iter().map(|d| d.subject.as_str()).collect();
    subjects.sort_unstable();
    subjects
}

#[test]
fn a_column_that_differs_is_reported_by_table_and_column() {
    let differences = diff(
        "create table tips (id integer primary key, amount_minor integer not null, note text);",
        "create table tips (id bigint generated by default as identity primary key, \
         amount_minor bigint, note text);",
    );
    assert_eq!(subjects(&differences), ["table tips, column amount_minor"]);
    assert!(
        differences[0].detail.contains("not null"),
        "{}",
        differences[0]
    );
}

#[test]
fn an_index_that_differs_is_reported_by_name() {
    let differences = diff(
        "create index items_pending on items (supporter_id) where status = 'pending';",
        "create index items_pending on items (supporter_id) where status = 'paid';",
    );
    assert_eq!(subjects(&differences), ["index items_pending"]);
}

#[test]
fn a_postgres_32_bit_integer_or_a_plain_key_is_a_difference() {
    let differences = diff(
        "create table t (id integer primary key, n integer);",
        "create table t (id bigint primary key, n integer);",
    );
    assert_eq!(
        subjects(&differences),
        ["table t, column id", "table t, column n"]
    );
}

#[test]
fn things_only_one_side_has_are_reported() {
    let differences = diff(
        "create table t (a text, b text); alter table t add column c text;",
        "create table t (a text); create index t_a on t (a);",
    );
    assert_eq!(
        subjects(&differences),
        ["index t_a", "table t, added column c", "table t, column b"]
    );
}

#[test]
fn dialect_spelling_alone_is_not_a_difference() {
    let sqlite = "
        PRAGMA foreign_keys = ON;
        -- Money is integer minor units.
        CREATE TABLE Payouts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            \"Label\" VARCHAR(40) NOT NULL DEFAULT '',
            rate REAL, scan BLOB, amount_minor bigint check (amount_minor != 0),
            unique (label, rate)
        );
        create table payout_notes (id integer primary key, note text);
        create table payout_receipts (
            payout_id integer primary key references payouts (id) on delete cascade
        );
        create unique index payouts_label on payouts (label) where amount_minor <> 0;
        create trigger payouts_append_only before update on payouts
        begin select raise(abort, 'payouts are append-only'); end;
        drop trigger payouts_append_only;
        drop index payouts_label;
    ";
    let postgres = "
        /* Money is integer minor units. */
        create table payouts (
            id bigserial primary key,
            label text not null default '',
            rate double precision,
            scan bytea,
            amount_minor int8 check (amount_minor <> 0),
            unique(label,rate)
        );
        create table payout_notes (
            id bigint generated by default as identity primary key,
            note varchar
        );
        create table payout_receipts (
            payout_id bigint primary key references payouts(id) on delete cascade
        );
        create unique index payouts_label on payouts(label) where amount_minor<>0;
        create or replace function payouts_append_only() returns trigger language plpgsql as $$
        begin raise exception 'payouts are append-only'; end $$;
        create trigger payouts_append_only before update on payouts
            for each row execute function payouts_append_only();
        do $body$ begin perform 1; end $body$;
        drop function payouts_append_only();
        drop index payouts_label;
    ";
    let differences = diff(sqlite, postgres);
    assert!(differences.is_empty(), "{differences:#?}");
}
