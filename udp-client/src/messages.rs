//! udp-client's sentences for people (the `--explain` narration, the errors and their hints, the
//! warnings): the text lives in locales/en.ftl and locales/zh.ftl, which an editor can fix
//! without reading Rust; `t!("id", name = value)` says one in the run's language (see
//! common::i18n). Ping mode's are the measure crate's. stdout (the replies, the prompt) and log
//! lines stay in English, in the source (see `common::lang`).

common::catalog!();

/// A warning line on stderr, in the run's language.
pub fn warn(text: &str) {
    common::logging::flush();
    eprint!("{}", common::lines::under(&t!("warning-label"), text));
}
