//! Helpers for the workspace's integration tests, which start the real binaries: start a server,
//! wait for its `listening on` line (never a sleep), run a client with a deadline, and kill
//! whatever is left when a test ends. Also the odds and ends those tests share: checking that log
//! lines come in order, and reproducible pseudo-random test data.
//!
//! A crate of its own, used only as a dev-dependency and never published, so that none of this
//! is part of `common`, the library the programs themselves are built on.
//!
//! These panic on failure: they run only inside tests.

mod artifacts;
mod client;
mod data;
mod narration;
mod packaging;
mod proc;
mod process;
mod running;
mod server;
mod stdout;

pub use artifacts::{binary, build_dir, example};
pub use client::{client, run, run_with_stdout, Output};
pub use data::{noise, round_trip};
pub use narration::{assert_chinese_narration, assert_in_order, assert_no_english_sentence};
pub use packaging::assert_packaging;
pub use proc::{cpu_time, tasks, wait_stopped};
pub use running::{Finished, Running};
pub use server::{Server, STARTUP};
pub use stdout::{
    assert_client_output_lost_or_not, assert_server_fails_on_a_closed_stdout, broken_pipe,
    server_into_a_broken_pipe, with_stdout_closed, CLOSED,
};
