//! The message catalogue. Every word the interface shows comes from
//! `i18n/<lang>.txt` (`key = text`, `{name}` placeholders); English is
//! complete and the fallback. The language is the user's own setting, else
//! the browser's `Accept-Language`, else English.

use std::collections::HashMap;
use std::sync::OnceLock;

include!(concat!(env!("OUT_DIR"), "/catalogues.rs"));

pub struct Catalogue {
    pub lang: &'static str,
    /// The language's own name, for the language menu.
    pub name: String,
    messages: HashMap<&'static str, &'static str>,
    /// Country names by ISO 3166-1 alpha-2 code (empty: the ISO English names).
    countries: HashMap<&'static str, &'static str>,
}

fn parse(src: &'static str) -> HashMap<&'static str, &'static str> {
    src.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('=').map(|(k, v)| (k.trim(), v.trim())))
        .collect()
}

fn all() -> &'static Vec<Catalogue> {
    static ALL: OnceLock<Vec<Catalogue>> = OnceLock::new();
    ALL.get_or_init(|| {
        CATALOGUES
            .iter()
            .map(|(lang, src)| {
                let messages = parse(src);
                let name = messages
                    .get("language.name")
                    .copied()
                    .unwrap_or(lang)
                    .to_string();
                let countries = COUNTRY_NAMES
                    .iter()
                    .find(|(l, _)| l == lang)
                    .map(|(_, src)| parse(src))
                    .unwrap_or_default();
                Catalogue {
                    lang,
                    name,
                    messages,
                    countries,
                }
            })
            .collect()
    })
}

pub fn languages() -> &'static [Catalogue] {
    all()
}

pub fn english() -> &'static Catalogue {
    get("en")
}

pub fn get(lang: &str) -> &'static Catalogue {
    let all = all();
    all.iter()
        .find(|c| c.lang == lang)
        .or_else(|| all.iter().find(|c| c.lang == "en"))
        .unwrap_or(&all[0])
}

pub fn supported(lang: &str) -> bool {
    all().iter().any(|c| c.lang == lang)
}

/// Picks from an `Accept-Language` header by quality.
pub fn negotiate(accept: &str) -> &'static Catalogue {
    let mut best: Option<(f32, &'static Catalogue)> = None;
    for part in accept.split(',') {
        let mut it = part.split(';');
        let tag = it.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = it
            .find_map(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
            })
            .unwrap_or(1.0);
        let primary = tag.split('-').next().unwrap_or("");
        if let Some(c) = all().iter().find(|c| c.lang == primary) {
            if best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, c));
            }
        }
    }
    best.map(|(_, c)| c).unwrap_or_else(english)
}

/// A number things are counted by, as templates hold it (by value or by
/// reference).
pub trait Count {
    fn count(&self) -> i64;
}

impl Count for i64 {
    fn count(&self) -> i64 {
        *self
    }
}

impl Count for u32 {
    fn count(&self) -> i64 {
        i64::from(*self)
    }
}

impl<T: Count> Count for &T {
    fn count(&self) -> i64 {
        (**self).count()
    }
}

impl Catalogue {
    /// The text for `key`; English when this language lacks it; the key
    /// itself (visibly wrong) when no catalogue has it.
    pub fn t(&self, key: impl AsRef<str>) -> &'static str {
        let key = key.as_ref();
        if let Some(v) = self.messages.get(key) {
            return v;
        }
        if let Some(v) = english().messages.get(key) {
            return v;
        }
        tracing::warn!("message key {key} is in no catalogue");
        "⟦missing text⟧"
    }

    /// A country's name in this language, from its ISO 3166-1 alpha-2
    /// code: the language's own table, else the ISO English name, else the
    /// code as given.
    pub fn country(&self, code: &str) -> String {
        let code = code.trim().to_ascii_uppercase();
        if let Some(n) = self.countries.get(code.as_str()) {
            return (*n).to_string();
        }
        honbu_maps::country(&code)
            .map(|c| c.name.to_string())
            .unwrap_or(code)
    }

    /// The text with `{name}` placeholders filled.
    pub fn tf(&self, key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        let mut s = self.t(key).to_string();
        for (k, v) in args {
            s = s.replace(&format!("{{{k}}}"), &v.to_string());
        }
        s
    }

    /// The word for `key` counted `count` times, by the language's plural
    /// rule: English (and the rest) says `key.one` for exactly one; Japanese
    /// has one form. `key` itself holds the other form.
    pub fn n(&self, key: &str, count: impl Count) -> &'static str {
        let one = count.count() == 1 && self.lang != "ja";
        if one {
            let k = format!("{key}.one");
            if self.messages.contains_key(k.as_str()) || english().messages.contains_key(k.as_str())
            {
                return self.t(k);
            }
        }
        self.t(key)
    }

    pub fn has(&self, key: &str) -> bool {
        self.messages.contains_key(key)
    }

    pub fn keys(&self) -> impl Iterator<Item = &&'static str> {
        self.messages.keys()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_language_picks_the_catalogue() {
        assert_eq!(negotiate("ja,en;q=0.8").lang, "ja");
        assert_eq!(negotiate("en-GB,en;q=0.9,ja;q=0.5").lang, "en");
        assert_eq!(negotiate("fr").lang, "en");
        assert_eq!(negotiate("").lang, "en");
    }

    #[test]
    fn every_language_has_exactly_the_english_keys() {
        let en: std::collections::BTreeSet<_> = english().keys().collect();
        for c in languages() {
            let keys: std::collections::BTreeSet<_> = c.keys().collect();
            let missing: Vec<_> = en.difference(&keys).collect();
            let extra: Vec<_> = keys.difference(&en).collect();
            assert!(missing.is_empty(), "{} lacks {missing:?}", c.lang);
            assert!(
                extra.is_empty(),
                "{} has keys English lacks: {extra:?}",
                c.lang
            );
        }
    }

    /// Codes a language's country table has that ISO does not, and ISO
    /// codes it lacks.
    fn country_gaps(c: &Catalogue) -> (Vec<&'static str>, Vec<&'static str>) {
        let iso: std::collections::HashSet<&str> =
            honbu_maps::countries().iter().map(|c| c.alpha2).collect();
        let mut extra: Vec<_> = c
            .countries
            .keys()
            .copied()
            .filter(|k| !iso.contains(k))
            .collect();
        let mut missing: Vec<_> = honbu_maps::countries()
            .iter()
            .map(|c| c.alpha2)
            .filter(|k| !c.countries.contains_key(k))
            .collect();
        extra.sort_unstable();
        missing.sort_unstable();
        (extra, missing)
    }

    /// Every language other than English names every ISO country itself
    /// (no more, no fewer), so no page mixes languages.
    #[test]
    fn every_language_names_every_country() {
        for c in languages().iter().filter(|c| c.lang != "en") {
            assert!(
                !c.countries.is_empty(),
                "{} has no i18n/countries/{}.txt",
                c.lang,
                c.lang
            );
            let (extra, missing) = country_gaps(c);
            assert!(
                missing.is_empty(),
                "{} lacks country names for {missing:?}",
                c.lang
            );
            assert!(
                extra.is_empty(),
                "{} names codes ISO lacks: {extra:?}",
                c.lang
            );
        }
        assert_eq!(get("ja").country("pe"), "ペルー");
        assert_eq!(english().country("PE"), "Peru");
        assert_eq!(english().country("ZZ"), "ZZ");
    }

    /// Every key the templates and code ask for is in the English catalogue.
    #[test]
    fn counted_words_follow_the_languages_plural_rule() {
        let en = get("en");
        assert_eq!(en.n("count.decisions", 1i64), "decision");
        assert_eq!(en.n("count.decisions", 0i64), "decisions");
        assert_eq!(en.n("count.decisions", 2i64), "decisions");
        assert_eq!(en.n("unit.minutes", 1u32), "minute");
        assert_eq!(
            get("ja").n("count.decisions", 1i64),
            get("ja").t("count.decisions")
        );
    }

    #[test]
    fn every_key_used_is_in_the_catalogue() {
        let root = env!("CARGO_MANIFEST_DIR");
        let mut missing = vec![];
        let mut files = vec![];
        for dir in ["templates", "src", "src/views", "src/api"] {
            if let Ok(rd) = std::fs::read_dir(format!("{root}/{dir}")) {
                files.extend(
                    rd.filter_map(|e| e.ok())
                        .map(|e| e.path())
                        .filter(|p| p.is_file()),
                );
            }
        }
        for path in files {
            let src = std::fs::read_to_string(&path).unwrap_or_default();
            for pat in [".t(\"", ".tf(\"", ".n(\""] {
                for (i, _) in src.match_indices(pat) {
                    let rest = &src[i + pat.len()..];
                    let key = rest.split('"').next().unwrap_or("");
                    if !key.is_empty() && !key.ends_with('.') && !english().has(key) {
                        missing.push(format!("{}: {key}", path.display()));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "keys not in i18n/en.txt: {missing:#?}");
    }
}
