//! tcp-server whose stdout is closed (`>&-`): it cannot say where it listens, and ends with an
//! error naming the address. A pipe nobody reads (`| true`), which gets a warning naming the
//! address while the server serves anyway: cli.rs.

#[test]
fn a_closed_stdout_is_an_error_naming_the_address() {
    testkit::assert_server_fails_on_a_closed_stdout(env!("CARGO_BIN_EXE_tcp-server"));
}
