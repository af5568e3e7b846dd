//! What tcp-server's man page (`--man`) says beyond its options, which clap_mangen makes from the
//! clap definition: its exit codes and examples (see common::man).

use common::man::ManPage;

/// The man page's sections beyond the options (`--man`).
pub const PAGE: ManPage = ManPage {
    exit_status: &[
        ("0", "Stopped by Ctrl-C or a termination signal, once the open connections had their time to finish."),
        ("1", "A runtime error: it cannot listen (the address in use, a privileged port), or its standard output is closed or fails, so the listening on line cannot be written."),
        ("2", "A usage error: an unknown option or a bad value, before it listens."),
    ],
    examples: &[
        ("tcp-server", "Listens on 127.0.0.1:8888, the document's address, and echoes what each client sends."),
        ("tcp-server --port 0", "Listens on a port the kernel picks; the listening on line on standard output gives it."),
        ("tcp-server --host 0.0.0.0 --max-connections 1000", "Listens on every interface, not only loopback, and serves at most 1000 clients at once."),
        ("tcp-server --explain", "Narrates each of the document's steps (socket, bind, listen, accept, recv, send, close) as it happens."),
    ],
};
