//! common's sentences for people: the names of the post's steps, who can reach an address, the
//! `error:` and `hint:` labels, OS errors, and the errors about hosts and ports that every
//! program can meet. The text lives in common/locales/en.ftl and zh.ftl, which an editor can fix
//! without reading Rust; `t!("id", name = value)` says one in the run's language (see
//! [`crate::i18n`]).

crate::catalog!();

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
