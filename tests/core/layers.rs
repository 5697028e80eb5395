//! The core's dependency direction: lower layers know nothing of the higher ones. A lower module may name
//! only the modules listed for it; the storage layer and the error type name no domain module at all, so a
//! change to a rule can never change how the database is opened, migrated or sealed.
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Each lower module (a file or a folder under src/) with the crate modules it may name.
const LOWER: &[(&str, &[&str])] = &[
    ("i18n.rs", &[]),
    ("digest.rs", &[]),
    ("files.rs", &[]),
    ("calendar", &[]),
    ("notices.rs", &[]),
    ("error.rs", &["i18n"]),
    ("validate.rs", &["error", "i18n"]),
    ("db", &["db", "error", "i18n", "notices", "calendar", "digest", "files"]),
    ("audit.rs", &["db", "error", "digest"]),
];

/// Pairs of modules that must not name each other.
const APART: &[(&str, &str)] = &[("documents", "exports")];

fn files(under: &Path) -> Vec<PathBuf> {
    if under.is_file() {
        return vec![under.to_path_buf()];
    }
    let mut all = Vec::new();
    for entry in std::fs::read_dir(under).unwrap() {
        all.extend(files(&entry.unwrap().path()));
    }
    all
}

/// The crate modules a source file names: `crate::x`, `crate::{x, y::{z, w}}`, `super::…::x` up to the crate
/// root, and the items the crate root re-exports (`crate::Actor` names `people`). A glob at the root
/// (`crate::*`) names `*`, which no lower layer may. Comments and unit tests are skipped.
fn named(file: &Path, src: &Path) -> BTreeSet<String> {
    let relative = file.strip_prefix(src).unwrap();
    let mut depth = relative.components().count();
    if file.file_name().is_some_and(|n| n == "mod.rs") {
        depth -= 1;
    }
    // From src/x.rs (depth 1) `super::` is the crate; from src/x/y.rs, `super::super::`; and so on.
    let root = "super::".repeat(depth.max(1));
    let whole = std::fs::read_to_string(file).unwrap();
    // Unit tests (from `#[cfg(test)]` on) are not the library's dependencies, and their `super::` is the module.
    let code = whole.split("#[cfg(test)]").next().unwrap_or("");
    let text: String = code.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
    let reexports = root_reexports(src);
    let mut out = BTreeSet::new();
    for prefix in ["crate::", root.as_str()] {
        for (at, _) in text.match_indices(prefix) {
            // Judge each path by its whole `super::` chain only, not by a shorter one inside it.
            if prefix.starts_with("super")
                && (text[..at].ends_with("super::") || text[at + prefix.len()..].starts_with("super::"))
            {
                continue;
            }
            let rest = &text[at + prefix.len()..];
            for first in first_segments(rest) {
                let module = reexports.get(&first).cloned().unwrap_or(first);
                out.insert(module);
            }
        }
    }
    out.retain(|m| m != "self" && !m.is_empty());
    out
}

/// The first segment of each path in `rest`: `x::…` gives `x`; a group `{a::b, c::{d}}` gives `a` and `c`.
fn first_segments(rest: &str) -> Vec<String> {
    let Some(group) = rest.strip_prefix('{') else {
        let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '*')).unwrap_or(rest.len());
        return vec![rest[..end].to_string()];
    };
    let (mut depth, mut items, mut current) = (0, Vec::new(), String::new());
    for c in group.chars() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => items.push(std::mem::take(&mut current)),
            _ if depth == 0 => current.push(c),
            _ => {}
        }
    }
    items.push(current);
    items
        .iter()
        .map(|i| i.trim().split("::").next().unwrap_or("").trim().to_string())
        .filter(|i| !i.is_empty())
        .collect()
}

/// What `src/lib.rs` re-exports at the crate root, by the module it comes from (`Actor` → `people`).
fn root_reexports(src: &Path) -> std::collections::HashMap<String, String> {
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap_or_default();
    let mut map = std::collections::HashMap::new();
    for line in lib.lines().filter_map(|l| l.trim().strip_prefix("pub use ")) {
        let (module, items) = line.trim_end_matches(';').split_once("::").unwrap_or(("", ""));
        let items = items.trim_start_matches('{').trim_end_matches('}');
        for item in items.split(',') {
            let name = item.split(" as ").last().unwrap_or("").trim();
            if !name.is_empty() {
                map.insert(name.to_string(), module.trim().to_string());
            }
        }
    }
    map
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn lower_layers_name_no_module_above_them() {
    let src = src();
    let mut wrong = Vec::new();
    for (module, allowed) in LOWER {
        for file in files(&src.join(module)) {
            for m in named(&file, &src) {
                if !allowed.contains(&m.as_str()) {
                    wrong.push(format!("{} names crate::{m}", file.strip_prefix(&src).unwrap().display()));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "a lower layer must not depend on a higher one: {wrong:#?}");
}

#[test]
fn documents_and_exports_do_not_name_each_other() {
    let src = src();
    for (a, b) in APART {
        for (from, to) in [(a, b), (b, a)] {
            let module = if src.join(from).is_dir() { from.to_string() } else { format!("{from}.rs") };
            for file in files(&src.join(module)) {
                assert!(!named(&file, &src).contains(*to), "{} names crate::{to}", file.display());
            }
        }
    }
}

#[test]
fn the_layer_check_sees_a_domain_import() {
    // The check itself must be able to fail: a file naming domain modules in every form the parser knows.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("lib.rs"), "pub use people::{Actor, Role};\npub use clinic::Session;\n").unwrap();
    let db = dir.path().join("db");
    std::fs::create_dir_all(db.join("deep")).unwrap();
    let file = db.join("x.rs");
    let text = "use crate::reports;\nuse crate::{error::Result, icd, db::{Tx, seals}, cases};\n\
                fn f() { super::super::patients::x(); let _ = crate::Session::new; }\nuse crate::*;\n\
                // crate::commented_out\n#[cfg(test)]\nmod tests { use super::*; use crate::demo; }\n";
    std::fs::write(&file, text).unwrap();
    let found = named(&file, dir.path());
    let want: BTreeSet<String> =
        ["reports", "error", "icd", "db", "cases", "patients", "clinic", "*"].map(String::from).into();
    assert_eq!(found, want, "every form of naming a module is seen, comments are not");
    let deep = db.join("deep").join("y.rs");
    std::fs::write(&deep, "fn g() { super::super::super::people::x(); super::sibling(); }\n").unwrap();
    let found = named(&deep, dir.path());
    assert_eq!(found, ["people".to_string()].into(), "a deeper file reaches the crate root with more supers");
}
