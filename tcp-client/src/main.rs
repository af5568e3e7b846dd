//! tcp-client: the document's TCP client, finished. It connects to an echo server, sends the
//! document's greeting `你好,服务器!` (or the messages you give it) and prints each reply.
//!
//! TCP carries a stream of bytes, not messages: one `recv` may return part of a reply, or parts
//! of two. The document's client reads once, up to 1024 bytes, and takes that as the answer; this
//! one reads until it has back exactly as many bytes as it sent, checks they are the same, and
//! gives up with a clear message when the server is not there, closes early, stays silent,
//! trickles the reply too slowly or sends back more than it was sent.
//!
//! This file holds the arguments and the document's steps in order; connection.rs holds each
//! step's machinery (connect, one message's echo, the end of stream), until.rs the one deadline
//! a reply has, typed.rs the addresses typed where a MESSAGE goes, and locales/en.ftl and
//! zh.ftl every sentence for a person (said through messages.rs). Load mode (`-n`,
//! `--duration`) measures instead: its flags and machinery are the `measure` crate's
//! (measure/src/load/flags.rs, measure/src/load.rs).
//!
//! Start the server first, then the client in a second terminal:
//!
//! ```text
//! cargo run -p tcp-server                      # listening on 127.0.0.1:8888
//! cargo run -p tcp-client                      # from server: 你好,服务器!
//! cargo run -p tcp-client -- hello world       # one reply line per message
//! cargo run -p tcp-client -- --stdin           # one message per line you type; `quit` ends
//! ```

use std::io::Write;
use std::net::{Shutdown, SocketAddr};
use std::time::Duration;

use anyhow::{anyhow, Context, Result};
use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches, Parser};
use common::addr::{self, DEFAULT_HOST, TCP_PORT};
use common::text::lossy;
use common::{cli, error, explain, input, lang, lines, shell, step};
use log::debug;
use measure::load;

use crate::messages::t;

mod connection;
mod man;
mod messages;
mod typed;
mod until;

use connection::{closed_by_server, connect, echo, expect_end, first_fin, END_WAIT};

/// The document's greeting, sent when no message is given.
const GREETING: &str = "你好,服务器!";

/// Sends messages to a TCP echo server and prints each reply.
#[derive(Parser, Debug)]
#[command(version, about, group(clap::ArgGroup::new("load").multiple(true)))]
struct Args {
    /// Server to connect to: IPv4, IPv6, or a name such as localhost
    #[arg(long, default_value = DEFAULT_HOST, value_name = "HOST")]
    host: String,

    /// Server port
    #[arg(short, long, default_value_t = TCP_PORT)]
    port: u16,

    /// Deadline for the connection, and for each whole reply from its send to its last byte
    /// (5, 1.5, 500ms)
    #[arg(long, default_value = "5", value_name = "SECS", value_parser = cli::parse_duration)]
    timeout: Duration,

    /// Read messages from standard input, one per line, until `quit` or end of input
    #[arg(long, conflicts_with_all = ["messages", "count", "duration"])]
    stdin: bool,

    /// Messages to send, each checked against its echo [default: 你好,服务器!]
    #[arg(value_name = "MESSAGE", conflicts_with_all = ["count", "duration"])]
    messages: Vec<String>,

    /// Load mode's flags (`-n`, `--duration`, `-c`, `--rate`, ...): measure/src/load/flags.rs.
    #[command(flatten)]
    load: load::Flags,

    #[command(flatten)]
    explain: explain::Flag,

    #[command(flatten)]
    lang: lang::Flag,

    #[command(flatten)]
    packaging: cli::Packaging,
}

fn main() {
    let matches = Args::command().get_matches();
    let mut args = Args::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    args.packaging.print_if_asked::<Args>(&man::PAGE);
    cli::init_logging();
    args.explain.apply();
    args.lang.apply();
    let port_given = matches.value_source("port") == Some(ValueSource::CommandLine);
    if let Err(e) = check_address(&mut args, port_given) {
        usage_error(&e);
    }
    cli::exit(run(args));
}

/// Ends the program for a mistake in its arguments: the error and its hint, exit code 2, as
/// for clap's usage errors.
fn usage_error(error: &anyhow::Error) -> ! {
    error::report(error);
    std::process::exit(2)
}

/// Addresses typed as other tools take them (see typed.rs): `--host H:P` is taken apart, or
/// explained; a first MESSAGE that is an address is refused, one that may be a host warned about.
fn check_address(args: &mut Args, port_given: bool) -> Result<()> {
    match typed::split_host(&args.host) {
        typed::HostArg::Host => {}
        typed::HostArg::HostPort(host, port) if !port_given || port == args.port => {
            debug!("--host {} taken as host {host}, port {port}", args.host);
            args.host = host;
            args.port = port;
        }
        typed::HostArg::HostPort(host, port) => {
            return Err(error::hint(
                anyhow!(t!(
                    "host-port-conflict",
                    arg = &args.host,
                    in_host = port,
                    flag = args.port
                )),
                t!(
                    "hint-host-port-conflict",
                    host = host,
                    in_host = port,
                    flag = args.port
                ),
            ));
        }
        typed::HostArg::BadPort { host, port } => {
            return Err(error::hint(
                anyhow!(t!("host-bad-port", arg = &args.host, port = port)),
                t!("hint-host-bad-port", host = host),
            ));
        }
    }
    match typed::verdict(&args.messages) {
        typed::Verdict::Fine => {}
        typed::Verdict::Refuse { host, port } => {
            let message = args.messages.first().map_or("", String::as_str);
            let port = port.unwrap_or(args.port);
            return Err(error::hint(
                anyhow!(t!("message-is-a-host", message = message)),
                t!(
                    "hint-message-is-a-host",
                    command = shell::with_args(&shell::how_to_start("tcp-client")),
                    message = message,
                    host = host,
                    port = port
                ),
            ));
        }
        typed::Verdict::Warn { host } => {
            let message = args.messages.first().map_or("", String::as_str);
            let warning = t!(
                "message-may-be-a-host",
                message = message,
                host = &args.host,
                port = args.port
            );
            let lines = format!(
                "{}{}",
                lines::under(&t!("warning-label"), &warning),
                lines::under(
                    &common::messages::hint_label(),
                    &t!(
                        "hint-message-may-be-a-host",
                        command = shell::with_args(&shell::how_to_start("tcp-client")),
                        host = host,
                        port = args.port
                    )
                )
            );
            common::logging::write_line(lines.as_bytes());
        }
    }
    Ok(())
}

fn run(args: Args) -> Result<()> {
    let addrs = addr::resolve(&args.host, args.port)?;
    if args.load.asked() {
        return load_mode(&args, &addrs);
    }

    // Steps 1 and 2: create the socket and connect. connect() sends the SYN; the three-way
    // handshake completes while we wait for the socket to become writable (std's
    // connect_timeout: connection.rs).
    let (stream, server) = connect(&addrs, args.timeout)?;
    debug!("connected to {server}");
    // Our end of the connection: the ephemeral port the kernel picked, which step 5 names too.
    let local = stream
        .local_addr()
        .with_context(|| t!("reading-local-address"))?;
    step!(
        2,
        Step::Connect,
        t!(
            "connected",
            local = local,
            server = server,
            port = local.port()
        )
    );
    // Each message is one small write that must go out now, not wait for Nagle's algorithm.
    stream
        .set_nodelay(true)
        .with_context(|| t!("setting-option", option = "TCP_NODELAY"))?;

    // Send each message and print its echo. Each reply has --timeout in all, from the start of
    // its send: neither a silent server nor one that trickles a byte at a time keeps us waiting.
    let mut out = cli::stdout();
    let mut exchange = |message: &[u8]| -> Result<()> {
        let reply = echo(&stream, server, message, args.timeout)?;
        writeln!(out, "from server: {}", lossy(&reply))?;
        Ok(())
    };
    if args.stdin {
        let mut lines = input::MessageLines::new("message (or 'quit' to exit): ");
        while let Some(message) = lines.next_message().with_context(|| t!("reading-stdin"))? {
            exchange(message)?;
        }
    } else if args.messages.is_empty() {
        exchange(GREETING.as_bytes())?;
    } else {
        for message in &args.messages {
            exchange(message.as_bytes())?;
        }
    }

    // Step 5, close: the four-way close (四次挥手). We tell the server we are done sending (our
    // FIN), so it can close its side too (its FIN). Whichever side sends the first FIN keeps the
    // connection in TIME_WAIT afterwards: usually us, unless the server's FIN is already here.
    let server_first = closed_by_server(&stream);
    let _ = stream.shutdown(Shutdown::Write);
    step!(
        5,
        Step::Close,
        t!("shut-down", first = first_fin(server_first))
    );
    // Then the server's end of stream: whatever it sends instead is more than the echo.
    let ending = expect_end(&stream, server, args.timeout.min(END_WAIT), server_first)?;
    drop(stream);
    if let Some(ending) = ending {
        step!(5, Step::Close, ending.narration(local, server));
    }
    debug!("closed the connection to {server}");
    Ok(())
}

/// Load mode: runs the plan against the first address that accepts (see measure/src/load.rs).
fn load_mode(args: &Args, addrs: &[SocketAddr]) -> Result<()> {
    // The first connection finds the address (and gives the same errors as a plain run).
    let (probe, server) = connect(addrs, args.timeout)?;
    drop(probe);
    load::run(server, &args.load.plan(args.timeout)?, args.load.json)
}
