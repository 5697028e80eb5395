//! Languages and the message catalogue (`locales/app.yml`): every user-facing string of the core and the
//! CLI comes from there, in Russian (the default) or English.
use std::borrow::Cow;

// Makes the compiler track the catalogue, so an edited message rebuilds the crate (rust-i18n reads it in a macro).
const _CATALOGUE: &str = include_str!("../locales/app.yml");

/// A language the core can speak to a user in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Ru,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    /// Reads a language tag such as `ru`, `en_US.UTF-8` or `EN`; anything else falls back to Russian.
    pub fn parse(tag: &str) -> Lang {
        if tag.trim().to_ascii_lowercase().starts_with("en") {
            Lang::En
        } else {
            Lang::Ru
        }
    }
}

/// Looks up `key` in `lang` and fills `%{name}` placeholders from `args`.
pub fn tr(lang: Lang, key: &str, args: &[(&str, String)]) -> String {
    let template: Cow<str> = rust_i18n::t!(key, locale = lang.code());
    let mut text = template.into_owned();
    for (name, value) in args {
        text = text.replace(&format!("%{{{name}}}"), value);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_both_languages() {
        let catalogue = include_str!("../locales/app.yml");
        let mut key = None;
        let mut langs = Vec::new();
        let check = |key: &Option<String>, langs: &Vec<String>| {
            if let Some(k) = key {
                assert!(
                    langs.contains(&"ru".to_string()) && langs.contains(&"en".to_string()),
                    "catalogue key {k} must have both a Russian and an English text, so no user sees a raw key"
                );
            }
        };
        for line in catalogue.lines() {
            if line.starts_with('#') || line.trim().is_empty() || line.starts_with("_version") {
                continue;
            }
            if !line.starts_with(' ') {
                check(&key, &langs);
                key = Some(line.trim_end_matches(':').to_string());
                langs.clear();
            } else if let Some((lang, _)) = line.trim().split_once(':') {
                langs.push(lang.to_string());
            }
        }
        check(&key, &langs);
    }

    #[test]
    fn placeholders_are_filled() {
        let text = tr(Lang::En, "check.too_long", &[("max", "5".into())]);
        assert!(text.contains('5') && !text.contains("%{"), "placeholders must be replaced: {text}");
        let ru = tr(Lang::Ru, "check.too_long", &[("max", "5".into())]);
        assert_ne!(ru, text, "Russian and English texts must differ");
    }

    /// Every catalogue key the code can ask for must exist, or a user would see a raw key. The keys are
    /// found in the sources: codes of checks and rules, field names passed to validators, actions.
    #[test]
    fn every_key_the_code_uses_is_in_the_catalogue() {
        let catalogue = include_str!("../locales/app.yml");
        let has = |key: &str| catalogue.contains(&format!("\n{key}:\n"));
        let mut sources = String::new();
        let mut dirs = vec![std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    sources.push_str(&std::fs::read_to_string(path).unwrap());
                }
            }
        }
        let quoted_after = |marker: &str| -> Vec<String> {
            sources
                .match_indices(marker)
                .filter_map(|(i, _)| {
                    let rest = &sources[i + marker.len()..];
                    rest.find('"').map(|end| rest[..end].to_string())
                })
                .filter(|k| !k.is_empty() && k.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
                .collect()
        };
        let error_rs = include_str!("error.rs");
        let rule_codes = &error_rs[error_rs.find("impl Rule").unwrap()..];
        let check_codes = &error_rs[error_rs.find("impl Check").unwrap()..error_rs.find("pub enum Rule").unwrap()];
        let codes = |text: &str| -> Vec<String> {
            let end = text.find("fn args").or_else(|| text.find("pub fn field")).unwrap_or(text.len());
            text[..end]
                .match_indices("=> \"")
                .map(|(i, _)| text[i + 4..].split('"').next().unwrap().to_string())
                .collect()
        };
        let mut missing = Vec::new();
        for c in codes(rule_codes) {
            if !has(&format!("rule.{c}")) {
                missing.push(format!("rule.{c}"));
            }
        }
        for c in codes(check_codes) {
            if !has(&format!("check.{c}")) {
                missing.push(format!("check.{c}"));
            }
        }
        for marker in
            ["invalid(\"", "text(\"", "optional_text(\"", "::date(\"", "one_of(\"", "instant(\"", "past(db, \""]
        {
            for f in quoted_after(marker) {
                if !has(&format!("field.{f}")) && !has(&format!("check.{f}")) {
                    missing.push(format!("field.{f} ({marker})"));
                }
            }
        }
        let authz = include_str!("people/authz.rs");
        for a in codes(authz).into_iter().chain(quoted_after("action: \"")) {
            if !has(&format!("action.{a}")) {
                missing.push(format!("action.{a}"));
            }
        }
        for e in quoted_after("entity: \"") {
            if !has(&format!("entity.{e}")) {
                missing.push(format!("entity.{e}"));
            }
        }
        assert!(missing.is_empty(), "catalogue keys missing: {missing:?}");
    }
}
