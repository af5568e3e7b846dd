//! udp-client: the document's interactive UDP client. Each line you type goes to the server as
//! one datagram; the reply (its uppercase, from udp-server) is printed; `quit` ends it.
//!
//! UDP, in the document's words, is like a text message: the other side may not be there, and
//! nothing says so. The document's client then waits for ever. This one waits `--timeout` for
//! each try, sends again up to `--retries` times, and then says that no reply came. Its socket is
//! connected to the server's address, so when nothing listens there the ICMP "port unreachable"
//! that the server's system sends back is reported at once instead of a silent wait.
//!
//! Like the document's client it never calls bind(): the system binds the socket itself, to an
//! ephemeral port (临时端口), when it is first used. `--explain` says when, and to what.
//!
//! This file holds the document's steps 1 and 2 (create the socket, connect) and its loop;
//! steps 3 and 4 (send, receive) live in client.rs; usage.rs reads the flags people type from
//! habit (a server where a MESSAGE goes, `--host HOST:PORT`). Every sentence for a person is in
//! locales/en.ftl and zh.ftl, one file per language (`--lang`), said with `t!`. Ping mode
//! (`--ping`) measures instead: its flags and machinery are the `measure` crate's
//! (measure/src/ping/flags.rs, measure/src/ping.rs).
//!
//! Start the server first, then the client in a second terminal:
//!
//! ```text
//! cargo run -p udp-server                      # listening on 127.0.0.1:12345
//! cargo run -p udp-client                      # Enter message (or 'quit' to exit): hello
//!                                              # Received from server: HELLO
//! cargo run -p udp-client -- hello world       # one reply line per message, then exit
//! cargo run -p udp-client -- --ping            # ping mode, until Ctrl-C
//! ```

use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

use anyhow::{anyhow, Context, Result};
use clap::Parser;
use common::addr::{self, DEFAULT_HOST, UDP_PORT};
use common::text::escaped;
use common::{cli, error, explain, input, lang, shell, step};
use log::debug;
use measure::ping;
use socket2::{Domain, Protocol, Socket, Type};

mod client;
mod earlier;
mod man;
mod messages;
mod reply;
mod usage;

use client::{fits_in_a_datagram, Client};
use messages::{t, warn};
use reply::Replies;

/// Sends messages to a UDP server as datagrams and prints each reply; or pings it.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Server to send to: IPv4, IPv6, or a name such as localhost; HOST:PORT gives the port too
    ///
    /// A name that resolves to several addresses (localhost: ::1, then 127.0.0.1) is tried address
    /// by address until one does not refuse (ICMP port unreachable); a silent one is kept.
    #[arg(long, default_value = DEFAULT_HOST, value_name = "HOST")]
    host: String,

    /// Server port [default: 12345]
    #[arg(short, long)]
    port: Option<u16>,

    /// How long to wait for a reply to each datagram (ping's -W): seconds (0.5) or with a unit (500ms)
    #[arg(short = 'W', long, default_value = "1", value_name = "SECS", value_parser = cli::parse_duration)]
    timeout: Duration,

    /// Times to send a message again when no reply came (not in ping mode)
    #[arg(long, default_value_t = 2, conflicts_with = "ping_mode",
          value_parser = clap::value_parser!(u32).range(0..=100))]
    retries: u32,

    /// Messages to send, one datagram each, then exit [default: read lines from standard input]
    ///
    /// Each reply is printed as `Received from server: <reply>`. On a terminal its control
    /// characters are shown escaped (`\u{1b}`) and bytes that are not UTF-8 as `\xNN`, so that a
    /// reply cannot retitle the window or clear the screen; into a pipe or a file its bytes go as
    /// they came. The exit code is 1 when any message got no answer.
    #[arg(value_name = "MESSAGE")]
    messages: Vec<String>,

    #[command(flatten)]
    explain: explain::Flag,

    #[command(flatten)]
    lang: lang::Flag,

    #[command(flatten)]
    packaging: cli::Packaging,

    /// Ping mode's flags (`--ping`, `-c`, `-i`, ...), the `ping_mode` group: measure/src/ping/flags.rs.
    #[command(flatten)]
    ping: ping::Flags,
}

fn main() {
    let args = Args::parse();
    args.packaging.print_if_asked::<Args>(&man::PAGE);
    cli::init_logging();
    args.explain.apply();
    args.lang.apply();
    cli::exit(run(args));
}

/// Ends the program as a usage error does: the error and its hint, and exit code 2.
fn usage_error(error: anyhow::Error) -> ! {
    error::report(&error);
    common::logging::flush();
    std::process::exit(2)
}

/// The host and port to send to: `--host HOST:PORT` taken apart, unless `--port` names another.
fn host_and_port(args: &Args) -> (String, u16) {
    match usage::split_host_port(&args.host) {
        Some((host, in_host)) => match args.port {
            Some(port) if port != in_host => usage_error(anyhow!(t!(
                "two-ports",
                host = &args.host,
                in_host = in_host,
                port = port
            ))),
            _ => (host.to_owned(), in_host),
        },
        None => (args.host.clone(), args.port.unwrap_or(UDP_PORT)),
    }
}

/// The command that talks to the server `message` names, from the arguments given.
fn command_for(message: &str, host: &str, port: Option<u16>, default_port: u16) -> String {
    let given: Vec<String> = std::env::args().skip(1).collect();
    shell::corrected_command(
        &shell::how_to_start("udp-client"),
        &given,
        message,
        host,
        port.unwrap_or(default_port),
    )
}

fn run(args: Args) -> Result<()> {
    let (host, port) = host_and_port(&args);
    let ping_mode = args.ping.asked();
    let server_message = args.messages.first().and_then(|m| {
        usage::looks_like_server(m).map(|(h, p)| (m.clone(), command_for(m, h, p, port)))
    });
    if ping_mode {
        if let Some((message, command)) = &server_message {
            usage_error(error::hint(
                anyhow!(t!("server-given-as-a-message", message = escaped(message))),
                t!("hint-ping-that-server", command = command),
            ));
        }
        if let Some(message) = args.messages.first() {
            usage_error(error::hint(
                anyhow!(t!("ping-takes-no-messages", message = escaped(message))),
                t!("hint-ping-takes-no-messages"),
            ));
        }
        if let Some(interval) = args
            .ping
            .interval
            .as_ref()
            .filter(|i| i.maybe_milliseconds())
        {
            warn(&t!("interval-in-seconds", text = interval.text()));
        }
    }
    // The resolver's addresses, in its order: the client tries them until one answers.
    let addrs = addr::resolve(&host, port)?;
    let server = addrs[0];
    if let Some((message, command)) = &server_message {
        warn(&t!(
            "message-looks-like-a-server",
            message = escaped(message),
            server = server,
            command = command
        ));
    }

    if ping_mode {
        let plan = args.ping.plan(host, args.timeout);
        // --size allows IPv6's larger datagrams; the server's family decides.
        // Ping mode measures one address: the first.
        let socket = open(server)?;
        fits_in_a_datagram(plan.size, server)?;
        // Ctrl-C ends the run with its summary, as ping's does.
        return ping::run(socket, server, &plan, &mut cli::stdout());
    }

    // Steps 1 and 2 (open, below) for the first address that works; steps 3 and 4, send and
    // receive, are the client's: see client.rs.
    let mut client = Client::new(open, &addrs, args.timeout, args.retries + 1)?;
    let mut replies = Replies::new();
    if !args.messages.is_empty() {
        // Check every message before sending any, so a bad one does not stop a run halfway.
        for message in &args.messages {
            fits_in_a_datagram(message.len(), server)?;
        }
        // Each message is sent, whatever became of the one before, as the loop below does.
        let mut unanswered = 0;
        for message in &args.messages {
            match client.ask(message.as_bytes()) {
                Ok(reply) => replies.print(&reply, client.server())?,
                // One message: its own error says it all.
                Err(e) if args.messages.len() == 1 => return Err(e),
                Err(e) => {
                    error::report(&e);
                    unanswered += 1;
                }
            }
        }
        return all_answered(unanswered, args.messages.len());
    }

    // The document's loop: read a line, send it, print the reply, until `quit`. As with
    // MESSAGE arguments, the run fails at the end if any line got no answer.
    let mut lines = input::MessageLines::new("Enter message (or 'quit' to exit): ");
    let (mut total, mut unanswered) = (0, 0);
    while let Some(message) = lines.next_message().context(t!("reading-input"))? {
        total += 1;
        match client.ask(message) {
            Ok(reply) => replies.print(&reply, client.server())?,
            // One lost or refused datagram is no reason to end the session.
            Err(e) => {
                error::report(&e);
                unanswered += 1;
            }
        }
    }
    all_answered(unanswered, total)
}

/// Fails, with the count, when `unanswered` of the `total` messages got no answer (each was
/// reported already): a script sees the loss in the exit code.
fn all_answered(unanswered: usize, total: usize) -> Result<()> {
    if unanswered > 0 {
        return Err(anyhow!(t!(
            "messages-unanswered",
            unanswered = unanswered,
            total = total
        )));
    }
    Ok(())
}

/// The document's steps 1 and 2 for `server`: a datagram socket of its family, connected to it.
fn open(server: SocketAddr) -> Result<UdpSocket> {
    // Step 1: create a datagram socket of the server's family, as the document's
    // socket.socket(AF_INET, SOCK_DGRAM). No bind(), as in the document: the system binds the
    // socket itself when it is first used.
    let socket = Socket::new(
        Domain::for_address(server),
        Type::DGRAM,
        Some(Protocol::UDP),
    )
    .with_context(|| t!("creating-socket", server = server))?;
    step!(
        1,
        Step::Socket,
        t!(
            "created-socket",
            family = explain::family(&server),
            kind = explain::socket_type(false)
        )
    );
    let socket: UdpSocket = socket.into();
    // Step 2: UDP has no connection, and connect() sends nothing: it binds the socket (that is
    // its first use) and fixes the peer. The socket then takes datagrams from the server alone,
    // and hears of the ICMP "port unreachable" that says nothing listens there.
    socket
        .connect(server)
        .with_context(|| t!("connecting", server = server))?;
    let local = socket.local_addr().context(t!("reading-local-address"))?;
    debug!("sending from {local}");
    step!(
        2,
        Step::Connect,
        t!("bound-implicitly", local = local, port = local.port())
    );
    step!(2, Step::Connect, t!("connected", server = server));

    Ok(socket)
}
