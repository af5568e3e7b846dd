//! What the four socket programs share, one module per reason to change:
//!
//! - [`addr`]: the document's default addresses, `--host`/`--port` turned into socket
//!   addresses, and the largest datagram each address family carries;
//! - [`cli`]: how a program starts and ends: logging, the `listening on` line, exit codes,
//!   Ctrl-C, durations in seconds;
//! - [`descriptors`]: the open-file limit, raised at start, and "too many open files";
//! - [`error`]: how a failure reads: one line, plain OS error words, and a `hint:`;
//! - [`explain`]: `--explain`, the narration of the document's steps;
//! - [`i18n`]: sentences for people, kept in Fluent files, one per language, and their test;
//! - [`lang`]: `--lang`, English or Chinese, from the locale unless given;
//! - [`messages`]: common's sentences (step names, address and OS errors), from common/locales;
//! - [`input`]: messages typed or piped in, one per line, until `quit`;
//! - [`logging`]: log lines that never block the program, and a budget for frequent ones;
//! - [`man`]: the man page, with each program's exit codes and examples;
//! - [`output`]: standard output, where a closed one is an error, not silence;
//! - [`shell`]: command lines in hints: how to start a program, its arguments quoted;
//! - [`text`]: received bytes shown as text (a streaming UTF-8 decoder) and the UDP uppercase;
//! - [`threads`]: `--threads` and `--spin`, the same for both servers;
//! - [`spin`]: the spin before sleeping, adapting to whether it pays;
//! - [`ticker`]: a thread that wakes an event loop at a steady period;
//! - [`typed`]: addresses typed as text: `host:port` and `[v6]:port` taken apart, and whether a
//!   text is an IP address, a host name or a port number.
//!
//! The integration tests' helpers live in the `testkit` crate, not here.

pub mod addr;
pub mod cli;
pub mod descriptors;
pub mod error;
pub mod explain;
pub mod i18n;
pub mod input;
pub mod lang;
pub mod lines;
pub mod logging;
pub mod man;
pub mod messages;
pub mod output;
pub mod shell;
pub mod spin;
pub mod text;
pub mod threads;
pub mod ticker;
pub mod typed;
