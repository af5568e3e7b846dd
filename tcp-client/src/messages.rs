//! tcp-client's sentences for people (the `--explain` narration, the errors and their hints;
//! load mode's own are the measure crate's): the text lives in locales/en.ftl and
//! locales/zh.ftl, which an editor can fix without reading Rust; `t!("id", name = value)` says
//! one in the run's language (see common::i18n). stdout (the replies, load mode's report) and
//! log lines stay in English (see `common::lang`).

common::catalog!();
