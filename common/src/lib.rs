//! What the four socket programs share: where to connect or listen ([`addr`]), how to show bytes
//! as text ([`text`]), and how a program starts, logs and fails ([`cli`]).
//!
//! [`testing`] holds the helpers the integration tests use to start a real server binary, wait for
//! its `listening on` line and stop it again.

pub mod addr;
pub mod cli;
pub mod explain;
pub mod stats;
pub mod testing;
pub mod text;
pub mod ticker;
