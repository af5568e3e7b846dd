//! Which language a program explains itself in: English, or Chinese (中文), the document's.
//!
//! What is translated is what teaches or advises a person: the `--explain` narration, the
//! `error:` line and its `hint:`. Each program keeps its sentences in one Fluent file per
//! language (`locales/en.ftl`, `locales/zh.ftl`), read through [`crate::i18n`]; a test holds the
//! two files to each other and to the source, and a third language is a third file. common's
//! own sentences (step names, errors about addresses and ports) are in common/locales.
//!
//! What stays the same in every language: stdout, which scripts read (`listening on ADDR`, the
//! replies), and log lines, which people search for and paste into bug reports.

use std::sync::atomic::{AtomicU8, Ordering};

/// A language the programs speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    /// English
    En,
    /// 中文 (Chinese)
    Zh,
}

static CURRENT: AtomicU8 = AtomicU8::new(Lang::En as u8);

/// The language chosen for this run; English until [`set`] says otherwise.
pub fn current() -> Lang {
    match CURRENT.load(Ordering::Relaxed) {
        x if x == Lang::Zh as u8 => Lang::Zh,
        _ => Lang::En,
    }
}

/// Chooses the language for the rest of the run.
pub fn set(lang: Lang) {
    CURRENT.store(lang as u8, Ordering::Relaxed);
}

/// The language the environment asks for: the locale variables if any is set, else the system's
/// own setting (Windows and macOS keep it outside the environment).
pub fn from_env() -> Lang {
    decide(|name| std::env::var(name).ok(), system_locale)
}

/// The language setting of Windows and macOS, which keep it outside the environment. Elsewhere
/// the variables are the system's setting, already read (sys-locale would read them again, and
/// take LANGUAGE where gettext ignores it).
fn system_locale() -> Option<String> {
    if cfg!(any(windows, target_vendor = "apple")) {
        sys_locale::get_locale()
    } else {
        None
    }
}

/// [`from_vars`], else the `system`'s locale (a BCP 47 tag such as `zh-CN`), else English.
fn decide(var: impl Fn(&str) -> Option<String>, system: impl FnOnce() -> Option<String>) -> Lang {
    from_vars(var)
        .or_else(|| system().map(|tag| of_locale(&tag)))
        .unwrap_or(Lang::En)
}

/// The language the locale variables ask for, read as gettext reads them: the first of LC_ALL,
/// LC_MESSAGES and LANG that is set and not empty is the locale; unless it is `C` or `POSIX`,
/// LANGUAGE, a list such as `zh_CN:en`, goes first, and its first entry in a language we speak
/// decides. None when no locale variable is set.
pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Option<Lang> {
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .into_iter()
        .filter_map(&var)
        .find(|value| !value.is_empty())?;
    let plain = locale == "C" || locale == "POSIX" || locale.starts_with("C.");
    let listed = var("LANGUAGE")
        .filter(|_| !plain)
        .and_then(|list| list.split(':').find_map(spoken));
    Some(listed.unwrap_or_else(|| of_locale(&locale)))
}

/// A locale name (`zh_CN.UTF-8`, `zh-Hans-CN`, `en_US`, `C`): Chinese if it starts with `zh`,
/// English otherwise.
pub fn of_locale(locale: &str) -> Lang {
    spoken(locale).unwrap_or(Lang::En)
}

/// The language of a locale name, if it is one we speak.
fn spoken(locale: &str) -> Option<Lang> {
    let lower = locale.to_ascii_lowercase();
    if lower.starts_with("zh") {
        Some(Lang::Zh)
    } else if lower.starts_with("en") {
        Some(Lang::En)
    } else {
        None
    }
}

/// The `--lang` option, the same in every program.
#[derive(Debug, Clone, Copy, clap::Args)]
#[group(id = "language")] // clap names a group after its struct, and explain has a Flag too.
pub struct Flag {
    /// Language of the narration, errors and hints [default: from LANGUAGE, LC_ALL, LC_MESSAGES
    /// or LANG as gettext reads them, else the system's setting: zh if it starts with zh, else en]
    #[arg(long, value_enum, value_name = "LANG")]
    pub lang: Option<Lang>,
}

impl Flag {
    /// Chooses the language: the option if given, else the environment's.
    pub fn apply(self) {
        set(self.lang.unwrap_or_else(from_env));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Option<Lang> {
        from_vars(|name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn the_locale_chooses_as_gettext_does() {
        assert_eq!(env(&[]), None);
        assert_eq!(env(&[("LANG", "zh_CN.UTF-8")]), Some(Lang::Zh));
        assert_eq!(env(&[("LANG", "zh_TW.Big5")]), Some(Lang::Zh));
        assert_eq!(env(&[("LANG", "C.UTF-8")]), Some(Lang::En));
        assert_eq!(env(&[("LANG", "en_US.UTF-8")]), Some(Lang::En));
        assert_eq!(env(&[("LANG", "fr_FR.UTF-8")]), Some(Lang::En));
        // LC_ALL outranks LC_MESSAGES, which outranks LANG; an empty one does not count.
        assert_eq!(
            env(&[("LC_ALL", "C"), ("LANG", "zh_CN.UTF-8")]),
            Some(Lang::En)
        );
        assert_eq!(
            env(&[("LC_MESSAGES", "zh_CN.UTF-8"), ("LANG", "en_US.UTF-8")]),
            Some(Lang::Zh)
        );
        assert_eq!(
            env(&[("LC_ALL", ""), ("LANG", "zh_CN.UTF-8")]),
            Some(Lang::Zh)
        );
    }

    #[test]
    fn language_goes_first_unless_the_locale_is_c() {
        // LANGUAGE's first entry in a language we speak decides, over LC_ALL and LANG.
        assert_eq!(
            env(&[("LANGUAGE", "zh_CN:en"), ("LANG", "en_US.UTF-8")]),
            Some(Lang::Zh)
        );
        assert_eq!(
            env(&[("LANGUAGE", "fr:en_GB:zh"), ("LC_ALL", "zh_CN.UTF-8")]),
            Some(Lang::En)
        );
        // No entry we speak: the locale decides.
        assert_eq!(
            env(&[("LANGUAGE", "fr:de"), ("LANG", "zh_CN.UTF-8")]),
            Some(Lang::Zh)
        );
        // gettext ignores LANGUAGE under the C locale, and when no locale is set at all.
        assert_eq!(env(&[("LANGUAGE", "zh_CN"), ("LANG", "C")]), Some(Lang::En));
        assert_eq!(
            env(&[("LANGUAGE", "zh_CN"), ("LC_ALL", "POSIX")]),
            Some(Lang::En)
        );
        assert_eq!(env(&[("LANGUAGE", "zh_CN")]), None);
    }

    #[test]
    fn the_systems_locale_names_map_to_our_languages() {
        // What sys-locale returns: BCP 47 tags on Windows and macOS, POSIX names elsewhere.
        for tag in ["zh-CN", "zh-Hans-CN", "zh-TW", "zh_CN.UTF-8", "zh"] {
            assert_eq!(of_locale(tag), Lang::Zh, "{tag}");
        }
        for tag in ["en-US", "en_GB.UTF-8", "fr-FR", "ja-JP", "C", ""] {
            assert_eq!(of_locale(tag), Lang::En, "{tag}");
        }
        // With no locale variable the system's setting decides; a variable outranks it.
        let none = |_: &str| None;
        let lang = |_: &str| Some("en_US.UTF-8".to_string());
        assert_eq!(decide(none, || Some("zh-CN".into())), Lang::Zh);
        assert_eq!(decide(none, || Some("en-US".into())), Lang::En);
        assert_eq!(decide(none, || None), Lang::En);
        assert_eq!(decide(lang, || Some("zh-CN".into())), Lang::En);
        // The system call itself answers here, and from_env maps its answer as above.
        let system = sys_locale::get_locale();
        if let Some(tag) = &system {
            assert!(!tag.is_empty());
        }
        let expected = system_locale().as_deref().map_or(Lang::En, of_locale);
        let vars_set = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .any(|name| std::env::var(name).is_ok_and(|v| !v.is_empty()));
        if !vars_set {
            assert_eq!(from_env(), expected);
        }
    }
}
