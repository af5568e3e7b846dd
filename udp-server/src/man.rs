//! What udp-server's man page (`--man`) says beyond its options, which clap_mangen makes from the
//! clap definition: its exit codes and examples (see common::man).

use common::man::ManPage;

/// The man page's sections beyond the options (`--man`).
pub const PAGE: ManPage = ManPage {
    exit_status: &[
        ("0", "Stopped by Ctrl-C or a termination signal."),
        ("1", "A runtime error: it cannot bind (the address in use, a privileged port), or its standard output is closed or fails, so the listening on line cannot be written."),
        ("2", "A usage error: an unknown option or a bad value, before it binds."),
    ],
    examples: &[
        ("udp-server", "Listens on 127.0.0.1:12345, the document's address, and answers each datagram with its uppercase."),
        ("udp-server --port 0", "Listens on a port the kernel picks; the listening on line on standard output gives it."),
        ("udp-server --host 0.0.0.0 --rate-limit 100", "Listens on every interface and answers each source address at most 100 times a second."),
        ("udp-server --explain", "Narrates each of the document's steps (socket, bind, recvfrom, sendto) as it happens."),
    ],
};
