//! What the four socket programs share: where to connect or listen ([`addr`]), how to show bytes
//! as text ([`text`]), and how a program starts, logs and fails ([`cli`]).

pub mod addr;
pub mod cli;
pub mod explain;
pub mod stats;
pub mod text;
