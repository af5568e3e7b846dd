//! What udp-client's man page (`--man`) says beyond its options, which clap_mangen makes from the
//! clap definition: its exit codes and examples (see common::man).

use common::man::ManPage;

/// The man page's sections beyond the options (`--man`). Ping mode's exit codes are ping's.
pub const PAGE: ManPage = ManPage {
    exit_status: &[
        ("0", "Every message got its reply. In ping mode, as ping: at least one reply came, Ctrl-C or not."),
        ("1", "A runtime error, a message with no reply after its tries, or a closed or failing standard output. In ping mode, as ping: no reply at all, or with both --count and --deadline, fewer replies than --count by the deadline."),
        ("2", "A usage error: an unknown option or a bad value, before anything is sent."),
    ],
    examples: &[
        ("udp-client hello", "Sends one datagram to 127.0.0.1:12345 and prints the reply, HELLO."),
        ("udp-client", "Sends each line typed (or piped in) until quit or the end of input."),
        ("udp-client -c 3 -i 0.2", "Ping mode: three numbered datagrams 0.2 s apart, a line per reply, then ping's summary."),
        ("udp-client -w 10 -i 0 -q", "Ping mode for ten seconds, each datagram sent once the last is answered; the summary only."),
    ],
};
