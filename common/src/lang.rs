//! Which language a program explains itself in: English, or Chinese (中文), the document's.
//!
//! What is translated is what teaches or advises a person: the `--explain` narration, the
//! `error:` line and its `hint:`. Each program keeps its sentences in a `messages` module, one
//! table per language: a trait with a method per sentence, and one implementation of it per
//! language, none of them with defaults, so the compiler refuses a table that lacks a sentence,
//! and a third language is one more implementation. common's own sentences (step names, errors
//! about addresses and ports) are in [`crate::messages`].
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

/// The table of the current language, out of one per language.
pub fn pick<T: ?Sized>(en: &'static T, zh: &'static T) -> &'static T {
    match current() {
        Lang::En => en,
        Lang::Zh => zh,
    }
}

/// The language the environment asks for.
pub fn from_env() -> Lang {
    from_vars(|name| std::env::var(name).ok())
}

/// The language the locale variables ask for, read as gettext reads them: the first of LC_ALL,
/// LC_MESSAGES and LANG that is set and not empty decides. A locale that starts with `zh`
/// (`zh_CN.UTF-8`, `zh_TW`, `zh`) means Chinese; anything else, `C` and `POSIX` too, English.
pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Lang {
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .into_iter()
        .filter_map(var)
        .find(|value| !value.is_empty());
    match locale {
        Some(locale) if locale.to_ascii_lowercase().starts_with("zh") => Lang::Zh,
        _ => Lang::En,
    }
}

/// The `--lang` option, the same in every program.
#[derive(Debug, Clone, Copy, clap::Args)]
#[group(id = "language")] // clap names a group after its struct, and explain has a Flag too.
pub struct Flag {
    /// Language of the narration, errors and hints [default: zh if LC_ALL, LC_MESSAGES or LANG
    /// starts with zh, else en]
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

    fn env(pairs: &[(&str, &str)]) -> Lang {
        from_vars(|name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn the_locale_chooses_as_gettext_does() {
        assert_eq!(env(&[]), Lang::En);
        assert_eq!(env(&[("LANG", "zh_CN.UTF-8")]), Lang::Zh);
        assert_eq!(env(&[("LANG", "zh_TW.Big5")]), Lang::Zh);
        assert_eq!(env(&[("LANG", "C.UTF-8")]), Lang::En);
        assert_eq!(env(&[("LANG", "en_US.UTF-8")]), Lang::En);
        // LC_ALL outranks LC_MESSAGES, which outranks LANG; an empty one does not count.
        assert_eq!(env(&[("LC_ALL", "C"), ("LANG", "zh_CN.UTF-8")]), Lang::En);
        assert_eq!(
            env(&[("LC_MESSAGES", "zh_CN.UTF-8"), ("LANG", "en_US.UTF-8")]),
            Lang::Zh
        );
        assert_eq!(env(&[("LC_ALL", ""), ("LANG", "zh_CN.UTF-8")]), Lang::Zh);
    }
}
