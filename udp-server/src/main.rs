//! udp-server: the document's UDP server. It answers each datagram with its uppercase.
//!
//! UDP has no connections: there is no listen() and no accept(), only datagrams, each carrying
//! the address it came from. So the server is one loop: receive a datagram, make the reply, send
//! it to the address the datagram came from. Unlike the document's server, this one receives
//! datagrams of any size UDP allows (not only 1024 bytes), answers bytes that are not UTF-8
//! instead of crashing, and never stops for one bad datagram. Beyond loopback it answers each
//! source address at most `--rate-limit` times a second (limit.rs says why).
//!
//! Where each step lives, top-down:
//! - steps 1 and 2, socket → bind: this file, `run`;
//! - the threads, each receiving datagrams (step 3) until Ctrl-C, and the summary:
//!   `serving.rs`, `serving::start`, `Serving::run` and `serve`, through `batch.rs` (many
//!   datagrams a call on Linux, `batch/linux.rs`; one a call elsewhere, `batch/portable.rs`);
//! - the reply (its uppercase) and step 4, sending it back: `answer.rs`, `reply` and `send`;
//! - the per-source rate limit: `limit.rs`.
//!
//! Run it, then talk to it from a second terminal:
//!
//! ```text
//! cargo run -p udp-server                  # listening on 127.0.0.1:12345
//! cargo run -p udp-client                  # type a line, get it back in uppercase
//! ```

use std::net::UdpSocket;

use anyhow::{Context, Result};
use clap::Parser;
use common::addr::{self, DEFAULT_HOST, UDP_PORT};
use common::{cli, error, explain, lang, step, threads};
use log::{debug, info, warn};
use socket2::{Domain, Protocol, Socket, Type};

mod answer;
mod batch;
mod limit;
mod man;
mod messages;
mod serving;

use limit::Limiter;
use messages::t;

/// A UDP server that answers each datagram with its uppercase.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Address to listen on: IPv4, IPv6, or a name such as localhost
    #[arg(long, default_value = DEFAULT_HOST, value_name = "HOST")]
    host: String,

    /// Port to listen on; 0 picks a free one (the `listening on` line shows it)
    #[arg(short, long, default_value_t = UDP_PORT)]
    port: u16,

    /// Replies a second to each source address, after a burst of as many; 0: no limit
    /// [default: 0 on loopback, 10 elsewhere]
    #[arg(long, value_name = "N")]
    rate_limit: Option<u32>,

    #[command(flatten)]
    threads: threads::Threads,

    #[command(flatten)]
    explain: explain::Flag,

    #[command(flatten)]
    lang: lang::Flag,

    #[command(flatten)]
    packaging: cli::Packaging,
}

/// Datagrams that arrive while one is being answered wait in the socket's receive queue; a
/// larger queue loses fewer of a burst. The kernel caps it (net.core.rmem_max).
const RECV_QUEUE: usize = 4 << 20;

fn main() {
    let args = Args::parse();
    args.packaging.print_if_asked::<Args>(&man::PAGE);
    cli::init_logging();
    args.explain.apply();
    args.lang.apply();
    cli::exit(run(args));
}

fn run(args: Args) -> Result<()> {
    let addr = addr::resolve_one(&args.host, args.port)?;

    // Step 1: create the socket. Type datagram (SOCK_DGRAM) over IPv4 or IPv6 makes it UDP.
    let socket = Socket::new(Domain::for_address(addr), Type::DGRAM, Some(Protocol::UDP))
        .with_context(|| t!("creating-socket", addr = addr))?;
    step!(
        1,
        Step::Socket,
        t!(
            "created-socket",
            family = explain::family(&addr),
            kind = explain::socket_type(false)
        )
    );
    if let Err(e) = socket.set_recv_buffer_size(RECV_QUEUE) {
        debug!("setting SO_RCVBUF: {}", error::io_text(&e));
    }

    // Step 2: bind to the address and port clients send to. There is no listen or accept:
    // from here on, datagrams simply arrive.
    socket
        .bind(&addr.into())
        .map_err(|e| error::listen_error(addr, e))?;
    let socket: UdpSocket = socket.into();
    let local = socket
        .local_addr()
        .with_context(|| t!("reading-bound-address", addr = addr))?;
    step!(
        2,
        Step::Bind,
        t!("bound", addr = local, reach = explain::reach(&local))
    );
    if !addr::is_loopback(&local) {
        warn!(
            "{local} can be reached from other machines: a UDP server that answers anyone can be \
             used to flood a third party with replies to forged requests; keep it on 127.0.0.1 \
             unless you need it elsewhere"
        );
    }
    // Anyone who can reach the server can forge a victim's address as a datagram's source, and
    // have the replies sent there: beyond loopback, each source gets a limited rate of them.
    let limiter = Limiter::new(limit::rate_for(args.rate_limit, &local));
    if let Some(rate) = limiter.rate() {
        info!(
            "answering each source address at most {rate} times a second (--rate-limit, 0 for no limit)"
        );
    }

    // Steps 3 and 4 run on every thread: receive a datagram, make the reply, send it back to
    // where it came from. All of them start before the `listening on` line, so that the line
    // means it answers; it comes after the narration of the bind, as the document's order has it.
    let (threads, spin) = args.threads.plan();
    let serving = serving::start(
        socket,
        serving::Settings {
            threads,
            spin,
            limiter,
        },
    )?;
    cli::announce_listening(local)?;
    serving.run()
}
