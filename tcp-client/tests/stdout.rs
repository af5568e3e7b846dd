//! tcp-client whose stdout nobody can read. Closed (`>&-`): the replies or the load report would
//! be lost, so it is an error (exit 1, one line). A pipe whose reader is gone (`| head -1`):
//! the reader has what it wanted, and the client ends quietly (exit 0). `>/dev/null`, chosen by
//! the user, is no error.

// A failed unwrap here is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

use support::{echo, serve, BIN};

mod support;

#[test]
fn a_closed_stdout_is_an_error_in_message_and_load_mode() {
    let port = serve(echo).port().to_string();
    testkit::assert_client_output_lost_or_not(BIN, &["--port", &port, "hello"]);
    testkit::assert_client_output_lost_or_not(BIN, &["--port", &port, "-n", "10"]);
}
