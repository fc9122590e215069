//! The house rules, checked: every subsystem imports only the subsystems it may (the arrows in
//! [`super`]'s doc comment), so no two subsystems import each other and no import cycle can
//! form. The test reads the sources, in the spirit of ArchUnit: a new `use` that breaks a rule
//! fails it, naming the file, the line and the arrow that is missing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each subsystem and the subsystems it may import. Written once more in `domain/mod.rs`'s
/// doc comment, which the test compares with this table.
const ARROWS: &[(&str, &[&str])] = &[
    ("platform", &[]),
    ("processors", &["platform"]),
    ("books", &["platform"]),
    ("mail", &["platform", "processors"]),
    ("hooks", &["platform", "mail"]),
    ("security", &["platform", "mail"]),
    ("accounts", &["platform", "mail"]),
    ("recipients", &["platform", "books", "hooks"]),
    (
        "billing",
        &[
            "platform",
            "mail",
            "security",
            "processors",
            "books",
            "hooks",
        ],
    ),
    (
        "giving",
        &[
            "platform",
            "mail",
            "security",
            "processors",
            "books",
            "recipients",
            "billing",
            "hooks",
        ],
    ),
    (
        "payouts",
        &[
            "platform",
            "mail",
            "processors",
            "books",
            "recipients",
            "billing",
            "hooks",
        ],
    ),
    (
        "webhooks",
        &[
            "platform",
            "security",
            "processors",
            "books",
            "billing",
            "giving",
            "payouts",
            "hooks",
        ],
    ),
    ("privacy", &["platform", "books", "recipients"]),
    ("developer", &["platform", "recipients"]),
];

/// Names the domain root re-exports or defines for every subsystem: the database handle and
/// settings (re-exported from `platform`) and `AppState`, the bag of shared handles an entry
/// point takes (it holds values; it adds no arrow between subsystems).
const ROOT_ITEMS: &[&str] = &["Db", "Settings", "AppState"];

fn domain_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/domain")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("the domain folder is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The subsystem a file belongs to: its first folder under `domain/`, or `None` for the
/// root's own files.
fn subsystem_of(file: &Path) -> Option<String> {
    let relative = file.strip_prefix(domain_dir()).ok()?;
    let mut parts = relative.components();
    let first = parts.next()?.as_os_str().to_str()?.to_owned();
    parts.next().map(|_| first)
}

/// Every `crate::domain::NAME` the code names, with its line (comments are skipped),
/// including each name in a braced `use crate::domain::{a, b::{c, d}}` over several lines.
fn domain_references(source: &str) -> Vec<(usize, String)> {
    const PATH: &str = "crate::domain::";
    let code: String = source
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let line_at = |offset: usize| code[..offset].matches('\n').count() + 1;
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = code[from..].find(PATH) {
        let start = from + at + PATH.len();
        from = start;
        let rest = &code[start..];
        let Some(list) = rest.strip_prefix('{') else {
            let name = ident(rest);
            if !name.is_empty() {
                found.push((line_at(start), name));
            }
            continue;
        };
        // Names at depth 0 of the braced list, each the head of one comma-separated path.
        let mut depth = 0;
        let mut expecting = true;
        for (i, c) in list.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => break,
                '}' => depth -= 1,
                ',' if depth == 0 => expecting = true,
                c if expecting && depth == 0 && (c.is_alphanumeric() || c == '_') => {
                    let offset = start + 1 + i;
                    found.push((line_at(offset), ident(&list[i..])));
                    expecting = false;
                }
                _ => {}
            }
        }
    }
    found
}

/// Every arrow the sources draw: (from, to) → the first place that draws it.
fn arrows_in_sources() -> BTreeMap<(String, String), String> {
    let mut files = Vec::new();
    rust_files(&domain_dir(), &mut files);
    files.sort();
    let subsystems: BTreeSet<&str> = ARROWS.iter().map(|(s, _)| *s).collect();
    let mut drawn = BTreeMap::new();
    let mut unknown = Vec::new();
    for file in &files {
        let Some(from) = subsystem_of(file) else {
            continue;
        };
        let source = std::fs::read_to_string(file).expect("a readable source file");
        for (line, name) in domain_references(&source) {
            let place = format!("{}:{line}", file.display());
            if ROOT_ITEMS.contains(&name.as_str()) || name == from {
                continue;
            }
            if !subsystems.contains(name.as_str()) {
                unknown.push(format!("{place} names crate::domain::{name}"));
                continue;
            }
            drawn.entry((from.clone(), name)).or_insert(place);
        }
    }
    assert!(
        unknown.is_empty(),
        "these name something that is neither a subsystem nor a root item:\n{}",
        unknown.join("\n")
    );
    drawn
}

#[test]
fn every_subsystem_imports_only_what_its_arrows_allow() {
    let allowed: BTreeMap<&str, &[&str]> = ARROWS.iter().copied().collect();
    let mut broken = Vec::new();
    for ((from, to), place) in arrows_in_sources() {
        let Some(may) = allowed.get(from.as_str()) else {
            broken.push(format!("{place}: `{from}` is not a subsystem in ARROWS"));
            continue;
        };
        if !may.contains(&to.as_str()) {
            broken.push(format!("{place}: {from} imports {to}, which it may not"));
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn the_allowed_arrows_have_no_cycle() {
    // Every subsystem may import only subsystems listed before it: a strict order, so no
    // two subsystems can import each other, directly or round a loop.
    let order: Vec<&str> = ARROWS.iter().map(|(s, _)| *s).collect();
    for (position, (from, may)) in ARROWS.iter().enumerate() {
        for to in *may {
            let at = order.iter().position(|s| s == to);
            assert!(
                at.is_some_and(|at| at < position),
                "{from} may import {to}, which is not listed before it"
            );
        }
    }
}

#[test]
fn every_subsystem_folder_is_in_the_table_and_says_what_it_may_import() {
    let allowed: BTreeMap<&str, &[&str]> = ARROWS.iter().copied().collect();
    let mut folders = BTreeSet::new();
    for entry in std::fs::read_dir(domain_dir()).expect("the domain folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            folders.insert(path.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    let listed: BTreeSet<String> = allowed.keys().map(|s| (*s).to_owned()).collect();
    assert_eq!(
        folders, listed,
        "every folder under domain/ is a subsystem in ARROWS"
    );
    for (name, may) in &allowed {
        let doc = std::fs::read_to_string(domain_dir().join(name).join("mod.rs"))
            .expect("each subsystem has a mod.rs");
        let line = doc
            .lines()
            .find(|l| l.starts_with("//! May import:"))
            .unwrap_or_else(|| panic!("{name}/mod.rs has no `//! May import:` line"));
        let said: BTreeSet<&str> = line["//! May import:".len()..]
            .trim()
            .trim_end_matches('.')
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty() && *s != "nothing else in the domain")
            .collect();
        let table: BTreeSet<&str> = may.iter().copied().collect();
        assert_eq!(
            said, table,
            "{name}/mod.rs's `May import:` line and ARROWS differ"
        );
    }
    let root = std::fs::read_to_string(domain_dir().join("mod.rs")).expect("domain/mod.rs");
    for (name, may) in &allowed {
        let arrow = if may.is_empty() {
            format!("//! - `{name}` →")
        } else {
            format!("//! - `{name}` → {}", may.join(", "))
        };
        assert!(
            root.lines().any(|l| l.trim_end() == arrow.trim_end()),
            "domain/mod.rs's doc comment lacks the line `{arrow}`"
        );
    }
}

#[test]
fn the_reference_scanner_sees_plain_braced_and_multi_line_imports() {
    let source = "use crate::domain::books::journal;\n\
                  use crate::domain::{Db, recipients::studio};\n\
                  // use crate::domain::payouts;\n\
                  use crate::domain::{\n    billing::BillingConfig,\n    mail,\n};\n\
                  let x = crate::domain::giving::pledges::create(db);\n";
    let names: Vec<String> = domain_references(source)
        .into_iter()
        .map(|(_, n)| n)
        .collect();
    assert_eq!(
        names,
        ["books", "Db", "recipients", "billing", "mail", "giving"]
    );
}
