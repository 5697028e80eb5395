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

/// The crate modules a source file names: `crate::x`, `crate::{x, y::z}`, and `super::x` where super is the
/// crate root. Comments are skipped.
fn named(file: &Path, src: &Path) -> BTreeSet<String> {
    let depth = file.strip_prefix(src).unwrap().components().count();
    let is_mod_rs = file.file_name().is_some_and(|n| n == "mod.rs");
    // From src/x.rs or src/x/mod.rs, `super::` is the crate; from src/x/y.rs, `super::super::`.
    let root = match (depth, is_mod_rs) {
        (1, _) | (2, true) => Some("super::"),
        (2, false) | (3, true) => Some("super::super::"),
        _ => None,
    };
    let text: String = std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = BTreeSet::new();
    let mut prefixes = vec!["crate::".to_string()];
    if let Some(r) = root {
        prefixes.push(r.to_string());
    }
    for prefix in &prefixes {
        for (at, _) in text.match_indices(prefix.as_str()) {
            // `super::super::` also contains `super::`: judge each occurrence by the longest prefix only.
            if prefix == "super::" && text[at..].starts_with("super::super::") {
                continue;
            }
            if prefix == "super::super::" && at >= 7 && text[..at].ends_with("super::") {
                continue;
            }
            let rest = &text[at + prefix.len()..];
            let idents = |s: &str| -> Vec<String> {
                s.split(',')
                    .map(|p| p.trim().split("::").next().unwrap_or("").trim().to_string())
                    .filter(|p| !p.is_empty())
                    .collect()
            };
            if let Some(group) = rest.strip_prefix('{') {
                out.extend(idents(&group[..group.find('}').unwrap_or(group.len())]));
            } else {
                let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len());
                out.insert(rest[..end].to_string());
            }
        }
    }
    out.retain(|m| m != "self" && m.chars().next().is_some_and(|c| c.is_lowercase()));
    out
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
    // The check itself must be able to fail: a file naming a domain module in each of the three forms.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    std::fs::create_dir(&db).unwrap();
    let file = db.join("x.rs");
    std::fs::write(&file, "use crate::reports;\nuse crate::{error::Result, icd};\nfn f() { super::super::people::x(); }\n// crate::commented_out\n").unwrap();
    let found = named(&file, dir.path());
    let want: BTreeSet<String> = ["reports", "error", "icd", "people"].map(String::from).into();
    assert_eq!(found, want, "every form of naming a module is seen, comments are not");
}
