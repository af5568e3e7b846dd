//! The measuring machinery beside the lesson: what tcp-client's load mode and udp-client's ping
//! mode run. The clients keep their flags and the document's steps; each hands its mode a plan
//! and the server's address, and this crate does the rest:
//!
//! - [`load`]: many TCP round trips over many connections on one thread, every echoed byte
//!   checked, rate and latency reported (`tcp-client -n`, `--duration`);
//! - [`ping`]: numbered datagrams on a schedule, each reply matched to its request, loss and
//!   round-trip times as `ping` shows them (`udp-client --ping`);
//! - [`stats`]: the latency figures both report: min, mean, percentiles, max;
//! - [`messages`]: their sentences for a person, in locales/en.ftl and zh.ftl.

pub mod load;
pub mod messages;
pub mod ping;
pub mod stats;
