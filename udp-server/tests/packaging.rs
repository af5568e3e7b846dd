//! What a package installs for udp-server: shell completions and a man page, generated from its
//! clap definition by `--completions SHELL` and `--man`.

#[test]
fn completions_and_man_page_are_generated() {
    testkit::assert_packaging(env!("CARGO_BIN_EXE_udp-server"), "udp-server");
}
