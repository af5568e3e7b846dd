//! udp-client's sentences for people (the `--explain` narration, the errors and their hints, the
//! warnings): the text lives in locales/en.ftl and locales/zh.ftl, which an editor can fix
//! without reading Rust; `t!("id", name = value)` says one in the run's language (see
//! common::i18n). Ping mode's are the measure crate's. stdout (the replies, the prompt) and log
//! lines stay in English, in the source (see `common::lang`).

common::catalog!();

/// Text a user typed, for a sentence that shows it in quotes (`"{ $message }"`): quotes,
/// backslashes and control characters escaped as Rust writes them, so it reads back unambiguously.
pub fn escaped(text: &str) -> String {
    let quoted = format!("{text:?}");
    quoted[1..quoted.len() - 1].to_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn text_a_user_typed_reads_back_unambiguously() {
        assert_eq!(super::escaped("hello"), "hello");
        assert_eq!(super::escaped("it's \"x\"\n你好"), r#"it's \"x\"\n你好"#);
    }
}
