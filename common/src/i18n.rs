//! Sentences for people, kept as text: each program's English and Chinese live in two Fluent
//! files (`locales/en.ftl`, `locales/zh.ftl`) that an editor can fix without reading Rust.
//!
//! A program builds one [`Catalog`] from its two files at first use, and says a sentence with
//! `common::tr!(CATALOG, "message-id", name = value, …)`; [`catalog!`] declares both, and the
//! crate's own `t!`, in one line. The run's language ([`crate::lang`]) picks the file. Fluent is Mozilla's format, the one
//! rustc keeps its own diagnostics in: `id = text with { $name }`, plurals and choices as
//! `{ $n -> [one] … *[other] … }`. See `i18n/check.rs` for the test every program runs on its
//! files: the same messages in both, the same variables in both, and every `t!` in the source
//! naming a message that exists with the variables it passes.

use std::borrow::Cow;
use std::fmt;
use std::net::{IpAddr, SocketAddr};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

use crate::lang::{self, Lang};

pub mod check;

/// One program's sentences in both languages.
pub struct Catalog {
    en: FluentBundle<FluentResource>,
    zh: FluentBundle<FluentResource>,
}

impl fmt::Debug for Catalog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Catalog")
    }
}

impl Catalog {
    /// A catalog from the text of the two files. A file that does not parse keeps the messages
    /// that do (the program still runs); the program's catalog test names what failed.
    pub fn new(en: &str, zh: &str) -> Catalog {
        Catalog {
            en: bundle("en-US", en),
            zh: bundle("zh-CN", zh),
        }
    }

    /// The message `id` in the run's language, with `args` in its placeables. A message that
    /// does not exist comes out as its id, so a mistake shows instead of vanishing; the catalog
    /// test keeps that from shipping.
    pub fn say(&self, id: &str, args: &[(&str, Arg)]) -> String {
        self.say_in(lang::current(), id, args)
    }

    /// [`Catalog::say`] in a given language.
    pub fn say_in(&self, lang: Lang, id: &str, args: &[(&str, Arg)]) -> String {
        let bundle = match lang {
            Lang::En => &self.en,
            Lang::Zh => &self.zh,
        };
        let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
            return id.to_string();
        };
        let mut fluent_args = FluentArgs::with_capacity(args.len());
        for (name, value) in args {
            fluent_args.set(*name, value.to_fluent());
        }
        let mut errors = Vec::new();
        bundle
            .format_pattern(pattern, Some(&fluent_args), &mut errors)
            .into_owned()
    }
}

fn bundle(locale: &str, text: &str) -> FluentBundle<FluentResource> {
    let mut bundle = FluentBundle::new_concurrent(vec![locale.parse().unwrap_or_default()]);
    // Fluent wraps each placeable in Unicode isolation marks for right-to-left scripts; neither
    // language here needs them, and a terminal would show them as stray characters.
    bundle.set_use_isolating(false);
    let resource = FluentResource::try_new(text.to_string()).unwrap_or_else(|(partial, _)| partial);
    // A message defined twice keeps its first definition; the catalog test reports the second.
    let _ = bundle.add_resource(resource);
    bundle
}

/// A value for a message's `{ $name }`: text, or a number (which plural choices can select on).
#[derive(Debug, Clone)]
pub enum Arg {
    Text(String),
    Number(f64),
}

impl Arg {
    fn to_fluent(&self) -> FluentValue<'_> {
        match self {
            Arg::Text(text) => FluentValue::String(Cow::Borrowed(text)),
            Arg::Number(n) => FluentValue::from(*n),
        }
    }
}

macro_rules! text_args {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(value: $t) -> Arg {
                Arg::Text(value.to_string())
            }
        }
    )*};
}
text_args!(
    &str,
    String,
    &String,
    SocketAddr,
    &SocketAddr,
    IpAddr,
    &IpAddr,
    char
);

macro_rules! number_args {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(value: $t) -> Arg {
                Arg::Number(value as f64)
            }
        }
    )*};
}
number_args!(u8, u16, u32, u64, usize, i32, i64, f64);

/// Says a message of a [`Catalog`]: `tr!(CATALOG, "id")` or `tr!(CATALOG, "id", name = value)`.
/// Each program wraps it as `t!("id", …)` over its own catalog.
#[macro_export]
macro_rules! tr {
    ($catalog:expr, $id:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $catalog.say($id, &[$((stringify!($name), $crate::i18n::Arg::from($value))),*])
    };
}

/// Declares a program's catalog, once, in its `messages.rs` (`common::catalog!();`): the two
/// Fluent files of its `locales/` read in at build time, `CATALOG` built from them at first use,
/// the crate's own `t!("id", name = value, …)` over it (`use crate::messages::t;`), and the test
/// that checks both files against the source (see [`check`]).
#[macro_export]
// `crate::messages::CATALOG` in `t!` is meant: the catalog of the crate that declares it.
#[allow(clippy::crate_in_macro_def)]
macro_rules! catalog {
    () => {
        $crate::catalog!(@with $);
    };
    // `$d` is a `$`, for the `t!` macro this one writes.
    (@with $d:tt) => {
        const EN: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/locales/en.ftl"));
        const ZH: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/locales/zh.ftl"));

        /// This crate's catalog, read from its two files at first use.
        pub static CATALOG: std::sync::LazyLock<$crate::i18n::Catalog> =
            std::sync::LazyLock::new(|| $crate::i18n::Catalog::new(EN, ZH));

        /// Says one of this crate's messages: `t!("id")` or `t!("id", name = value, …)`.
        macro_rules! t {
            ($d($d arg:tt)*) => {
                $crate::tr!(crate::messages::CATALOG, $d($d arg)*)
            };
        }
        pub(crate) use t;

        #[cfg(test)]
        #[test]
        fn both_files_hold_the_same_messages_and_the_source_says_each_as_written() {
            let src = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src"));
            $crate::i18n::check::assert_catalog(EN, ZH, src);
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    const EN: &str = "greeting = hello, { $who }\n\
                      datagrams = { $n ->\n    [one] one datagram\n   *[other] { $n } datagrams\n}\n\
                      label = error:{ \" \" }\n";
    const ZH: &str = "greeting = 你好，{ $who }\ndatagrams = { $n } 个数据报\nlabel = 错误：\n";

    #[test]
    fn a_catalog_says_each_language_with_its_arguments() {
        let catalog = Catalog::new(EN, ZH);
        let who = [("who", Arg::from("127.0.0.1:8888"))];
        assert_eq!(
            catalog.say_in(Lang::En, "greeting", &who),
            "hello, 127.0.0.1:8888"
        );
        assert_eq!(
            catalog.say_in(Lang::Zh, "greeting", &who),
            "你好，127.0.0.1:8888"
        );
        // Plurals select on numbers; no isolation marks around placeables; a trailing space kept.
        assert_eq!(
            catalog.say_in(Lang::En, "datagrams", &[("n", Arg::from(1usize))]),
            "one datagram"
        );
        assert_eq!(
            catalog.say_in(Lang::En, "datagrams", &[("n", Arg::from(1024u64))]),
            "1024 datagrams"
        );
        assert_eq!(
            catalog.say_in(Lang::Zh, "datagrams", &[("n", Arg::from(2usize))]),
            "2 个数据报"
        );
        assert_eq!(catalog.say_in(Lang::En, "label", &[]), "error: ");
        assert_eq!(
            catalog.say_in(Lang::En, "no-such-message", &[]),
            "no-such-message"
        );
    }
}
