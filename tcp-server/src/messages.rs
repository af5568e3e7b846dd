//! tcp-server's sentences for people (narration and errors): the text lives in locales/en.ftl
//! and locales/zh.ftl, which an editor can fix without reading Rust; `t!("id", name = value)`
//! says one in the run's language (see common::i18n). Log lines stay in English, in the source
//! (see `common::lang`).

common::catalog!();
