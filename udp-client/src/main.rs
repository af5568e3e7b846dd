//! udp-client: the document's interactive UDP client. Each line you type goes to the server as
//! one datagram; the reply (its uppercase, from udp-server) is printed; `quit` ends it.
//!
//! UDP, in the document's words, is like a text message: the other side may not be there, and
//! nothing says so. The document's client then waits for ever. This one waits `--timeout` for
//! each try, sends again up to `--retries` times, and then says that no reply came. Its socket is
//! connected to the server's address, so when nothing listens there the operating system's
//! "port unreachable" is reported at once instead of a silent wait.
//!
//! This file holds the document's steps 1 and 2 (create the socket, connect) and its loop;
//! steps 3 and 4 (send, receive) live in client.rs, and ping mode's in ping.rs.
//!
//! Start the server first, then the client in a second terminal:
//!
//! ```text
//! cargo run -p udp-server                      # listening on 127.0.0.1:12345
//! cargo run -p udp-client                      # Enter message (or 'quit' to exit): hello
//!                                              # Received from server: HELLO
//! cargo run -p udp-client -- hello world       # one reply line per message, then exit
//! ```

use std::io::Write;
use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use clap::Parser;
use common::addr::{self, DEFAULT_HOST, MAX_DATAGRAM_V6, UDP_PORT};
use common::text::lossy;
use common::{cli, error, explain, input, step};
use log::debug;

mod client;
mod ping;

use client::{fits_in_a_datagram, Client};

/// Sends messages to a UDP server as datagrams and prints each reply.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Server to send to: IPv4, IPv6, or a name such as localhost
    #[arg(long, default_value = DEFAULT_HOST, value_name = "HOST")]
    host: String,

    /// Server port
    #[arg(short, long, default_value_t = UDP_PORT)]
    port: u16,

    /// Seconds to wait for a reply to each try
    #[arg(long, default_value = "1", value_name = "SECS", value_parser = cli::parse_seconds)]
    timeout: Duration,

    /// Times to send a datagram again when no reply came
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(0..=100))]
    retries: u32,

    /// Messages to send, one datagram each, then exit [default: read lines from standard input]
    #[arg(value_name = "MESSAGE")]
    messages: Vec<String>,

    #[command(flatten)]
    explain: explain::Flag,

    /// Ping mode: send this many numbered datagrams, then report loss and round-trip times
    #[arg(long, short = 'n', value_name = "N", help_heading = "Ping mode",
          conflicts_with = "messages", value_parser = clap::value_parser!(u64).range(1..))]
    count: Option<u64>,

    /// Bytes in each ping datagram (the first 10 are its sequence number); at most 65507 over IPv4
    #[arg(long, short = 's', default_value_t = 64, requires = "count", help_heading = "Ping mode",
          value_parser = clap::value_parser!(u64).range(ping::SEQ_DIGITS as u64..=MAX_DATAGRAM_V6 as u64))]
    size: u64,

    /// Milliseconds from one ping datagram to the next; 0 sends each as soon as the last is answered
    #[arg(
        long,
        short = 'i',
        default_value_t = 1000,
        value_name = "MS",
        requires = "count",
        help_heading = "Ping mode"
    )]
    interval: u64,

    /// Print the summary only, not a line per reply
    #[arg(long, short = 'q', requires = "count", help_heading = "Ping mode")]
    quiet: bool,
}

fn main() {
    let args = Args::parse();
    cli::init_logging();
    args.explain.apply();
    cli::exit(run(args));
}

fn run(args: Args) -> Result<()> {
    let server = addr::resolve_one(&args.host, args.port)?;

    // Step 1: create a datagram socket, on any free local port of the server's family.
    let unspecified: SocketAddr = if server.is_ipv4() {
        ([0, 0, 0, 0], 0).into()
    } else {
        ([0u16; 8], 0).into()
    };
    let socket = UdpSocket::bind(unspecified).context("creating a UDP socket")?;
    let local = socket
        .local_addr()
        .context("reading the socket's address")?;
    debug!("sending from {local}");
    step!(
        "1 socket",
        "created a socket: {} + datagram (SOCK_DGRAM) = UDP, on port {}, which the system picked",
        explain::family(&server),
        local.port()
    );
    // Step 2: UDP has no connection, and connect() sends nothing: it only fixes the peer. The
    // socket then takes datagrams from the server alone, and the OS can tell us when nothing
    // listens there.
    socket
        .connect(server)
        .with_context(|| format!("setting {server} as the peer"))?;
    step!(
        "2 connect",
        "set {server} as the peer: no packet was sent; the system now drops datagrams from \
         anyone else and reports \"port unreachable\" if nothing listens there"
    );
    // Steps 3 and 4, send and receive, are the client's: see client.rs.
    let mut client = Client::new(socket, server, args.timeout, args.retries + 1);

    let mut out = cli::stdout();
    if let Some(count) = args.count {
        // --size allows IPv6's larger datagrams; the server's family decides.
        fits_in_a_datagram(args.size as usize, server)?;
        let plan = ping::Plan {
            count,
            size: args.size as usize,
            interval: Duration::from_millis(args.interval),
            timeout: args.timeout,
            quiet: args.quiet,
        };
        let outcome = ping::run(client.socket(), server, &plan, &mut out)?;
        if outcome.received == 0 {
            bail!("no reply to any of {} datagrams", outcome.sent);
        }
        return Ok(());
    }
    if !args.messages.is_empty() {
        // Check every message before sending any, so a bad one does not stop a run halfway.
        for message in &args.messages {
            fits_in_a_datagram(message.len(), server)?;
        }
        for message in &args.messages {
            let reply = client.ask(message.as_bytes())?;
            writeln!(out, "Received from server: {}", lossy(&reply))?;
        }
        return Ok(());
    }

    // The document's loop: read a line, send it, print the reply, until `quit`.
    let mut lines = input::MessageLines::new("Enter message (or 'quit' to exit): ");
    while let Some(message) = lines.next_message().context("reading standard input")? {
        match client.ask(message) {
            Ok(reply) => writeln!(out, "Received from server: {}", lossy(&reply))?,
            // One lost or refused datagram is no reason to end the session.
            Err(e) => error::report(&e),
        }
    }
    Ok(())
}
