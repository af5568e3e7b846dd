//! udp-client's sentences for people (the `--explain` narration, the errors and their hints, the
//! warnings): the text lives in locales/en.ftl and locales/zh.ftl, which an editor can fix
//! without reading Rust; `t!("id", name = value)` says one in the run's language (see
//! common::i18n). Ping mode's are the measure crate's. stdout (the replies, the prompt) and log
//! lines stay in English, in the source (see `common::lang`).

use std::sync::LazyLock;

use common::i18n::Catalog;

const EN: &str = include_str!("../locales/en.ftl");
const ZH: &str = include_str!("../locales/zh.ftl");

/// udp-client's catalog, read from the two files at first use.
pub static CATALOG: LazyLock<Catalog> = LazyLock::new(|| Catalog::new(EN, ZH));

/// Says one of udp-client's messages: `t!("id")` or `t!("id", name = value, …)`.
macro_rules! t {
    ($($arg:tt)*) => {
        common::tr!(crate::messages::CATALOG, $($arg)*)
    };
}
pub(crate) use t;

/// A warning line on stderr, in the run's language.
pub fn warn(text: &str) {
    common::logging::flush();
    eprintln!("{}{text}", t!("warning-label"));
}

#[cfg(test)]
mod tests {
    #[test]
    fn both_files_hold_the_same_messages_and_the_source_says_each_as_written() {
        let src = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src"));
        common::i18n::check::assert_catalog(super::EN, super::ZH, src);
    }
}
