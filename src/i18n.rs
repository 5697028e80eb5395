//! Languages and the message catalogue (`locales/app.yml`): every user-facing string of the core and the
//! CLI comes from there, in Russian (the default) or English.
use std::borrow::Cow;

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
        let mut check = |key: &Option<String>, langs: &Vec<String>| {
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
}
