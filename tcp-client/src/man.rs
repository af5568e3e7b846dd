//! What tcp-client's man page (`--man`) says beyond its options, which clap_mangen makes from the
//! clap definition: its exit codes and examples (see common::man).

use common::man::ManPage;

/// The man page's sections beyond the options (`--man`).
pub const PAGE: ManPage = ManPage {
    exit_status: &[
        ("0", "Every echo came back whole and the same; in load mode, every round trip did."),
        ("1", "A runtime error: it cannot connect, no reply within --timeout, an echo that differs or falls short, failed round trips in load mode, or a closed or failing standard output."),
        ("2", "A usage error: an unknown option or a bad value, before it connects."),
    ],
    examples: &[
        ("tcp-client", "Sends the document's greeting to 127.0.0.1:8888 and checks its echo."),
        ("tcp-client hello world", "Sends two messages on one connection, each checked against its echo."),
        ("tcp-client --stdin", "Sends each line typed (or piped in) until quit or the end of input."),
        ("tcp-client -n 10000 -c 50", "Load mode: 10000 round trips over 50 connections, then the rate and the latency percentiles."),
        ("tcp-client --duration 10 --json", "Load mode for ten seconds, its figures as one JSON document."),
    ],
};
