//! common's sentences for people: the names of the post's steps, who can reach an address, the
//! `error:` and `hint:` labels, OS errors, and the errors about hosts and ports that every
//! program can meet. The text lives in common/locales/en.ftl and zh.ftl, which an editor can fix
//! without reading Rust; `t!("id", name = value)` says one in the run's language (see
//! [`crate::i18n`]).

use std::sync::LazyLock;

use crate::i18n::Catalog;

const EN: &str = include_str!("../locales/en.ftl");
const ZH: &str = include_str!("../locales/zh.ftl");

/// common's catalog, read from the two files at first use.
pub static CATALOG: LazyLock<Catalog> = LazyLock::new(|| Catalog::new(EN, ZH));

/// Says one of common's messages: `t!("id")` or `t!("id", name = value, …)`.
macro_rules! t {
    ($($arg:tt)*) => {
        $crate::tr!($crate::messages::CATALOG, $($arg)*)
    };
}
pub(crate) use t;

/// The label of an error line: `error: `, or `错误：` in Chinese.
pub fn error_label() -> String {
    t!("error-label")
}

/// The label of a hint line: `hint: `, or `提示：` in Chinese.
pub fn hint_label() -> String {
    t!("hint-label")
}

/// What a failure to start a thread says, for the programs that start their own.
pub fn starting_thread() -> String {
    t!("starting-thread")
}

#[cfg(test)]
mod tests {
    #[test]
    fn both_files_hold_the_same_messages_and_the_source_says_each_as_written() {
        let src = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src"));
        crate::i18n::check::assert_catalog(super::EN, super::ZH, src);
    }
}
