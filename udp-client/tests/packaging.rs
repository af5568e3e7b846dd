//! What a package installs for udp-client: shell completions and a man page, generated from its
//! clap definition by `--completions SHELL` and `--man`.

#[test]
fn completions_and_man_page_are_generated() {
    testkit::assert_packaging(env!("CARGO_BIN_EXE_udp-client"), "udp-client");
}

#[test]
fn the_man_page_gives_ping_modes_exit_codes_as_pings() {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_udp-client"));
    cmd.arg("--man");
    let out = testkit::run(cmd, b"", std::time::Duration::from_secs(10));
    assert_eq!(out.code(), Some(0), "{}", out.stderr);
    let exit = out
        .stdout
        .split(".SH \"EXIT STATUS\"")
        .nth(1)
        .unwrap_or_default();
    let exit = exit.split(".SH EXAMPLES").next().unwrap_or_default();
    assert!(
        exit.contains("In ping mode, as ping: at least one reply came"),
        "{exit}"
    );
    assert!(
        exit.contains("In ping mode, as ping: no reply at all"),
        "{exit}"
    );
}
