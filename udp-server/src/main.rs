//! udp-server: the document's UDP server. It answers each datagram with its uppercase.
//!
//! UDP has no connections: there is no listen() and no accept(), only datagrams, each carrying
//! the address it came from. So the server is one loop: receive a datagram, make the reply, send
//! it to the address the datagram came from. Unlike the document's server, this one receives
//! datagrams of any size UDP allows (not only 1024 bytes), answers bytes that are not UTF-8
//! instead of crashing, and never stops for one bad datagram. Beyond loopback it answers each
//! source address at most `--rate-limit` times a second (limit.rs says why).
//!
//! Run it, then talk to it from a second terminal:
//!
//! ```text
//! cargo run -p udp-server                  # listening on 127.0.0.1:12345
//! cargo run -p udp-client                  # type a line, get it back in uppercase
//! ```

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context, Result};
use clap::Parser;
use common::addr::{self, DEFAULT_HOST, UDP_PORT};
use common::logging::Budget;
use common::text::{count, for_log, lossy, uppercase};
use common::{cli, error, explain, step};
use log::{debug, info, warn, Level};
use socket2::{Domain, Protocol, Socket, Type};

mod limit;

use limit::Limiter;

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
    explain: explain::Flag,
}

/// Datagrams that arrive while one is being answered wait in the socket's receive queue; a
/// larger queue loses fewer of a burst. The kernel caps it (net.core.rmem_max).
const RECV_QUEUE: usize = 4 << 20;
/// How long, at most, the server takes to notice Ctrl-C while no datagram comes.
const STOP_CHECK: Duration = Duration::from_millis(200);
/// `received` lines a second at info level; the rest are summed up once a second.
const LOG_LINES_PER_SECOND: u32 = 20;

fn main() {
    let args = Args::parse();
    cli::init_logging();
    args.explain.apply();
    cli::exit(run(args));
}

fn run(args: Args) -> Result<()> {
    let addr = addr::resolve_one(&args.host, args.port)?;

    // Step 1: create the socket. Type datagram (SOCK_DGRAM) over IPv4 or IPv6 makes it UDP.
    let socket = Socket::new(Domain::for_address(addr), Type::DGRAM, Some(Protocol::UDP))
        .with_context(|| format!("creating a UDP socket for {addr}"))?;
    step!(
        "1 socket",
        "created a socket: {} + datagram (SOCK_DGRAM) = UDP",
        explain::family(&addr)
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
        .with_context(|| format!("reading the address bound for {addr}"))?;
    cli::announce_listening(local).context("writing the `listening on` line")?;
    step!(
        "2 bind",
        "bound to {local}, {}; no listen() and no accept(): UDP has no connections, datagrams just arrive",
        explain::reach(&local)
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
    let mut limiter = Limiter::new(limit::rate_for(args.rate_limit, &local));
    if let Some(rate) = limiter.rate() {
        info!(
            "answering each source address at most {rate} times a second (--rate-limit, 0 for no limit)"
        );
    }

    // Ctrl-C ends the loop below at its next turn; the receive timeout bounds how long that
    // takes when no datagram comes.
    let stopping = Arc::new(AtomicBool::new(false));
    let stop = Arc::clone(&stopping);
    cli::on_stop_signal(move || stop.store(true, Ordering::SeqCst))?;
    socket
        .set_read_timeout(Some(STOP_CHECK))
        .context("setting the receive timeout")?;

    // Step 3: receive a datagram, make the reply, send it back to where it came from. The
    // buffer holds the largest datagram there is (65,527 bytes, over IPv6), so none is ever cut
    // short.
    let mut buf = vec![0u8; 64 * 1024];
    let (mut answered, mut dropped, mut rate_limited) = (0u64, 0u64, 0u64);
    // A person sees every datagram in the log; a flood gets one summary line a second.
    let mut shown = Budget::new(
        module_path!(),
        "datagrams",
        LOG_LINES_PER_SECOND,
        Instant::now(),
    );
    while !stopping.load(Ordering::Relaxed) {
        let (n, from) = match socket.recv_from(&mut buf) {
            Ok(received) => received,
            Err(e) if error::is_timeout(&e) => {
                shown.roll(Instant::now());
                continue;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            // Some systems report an earlier reply's "port unreachable" here; it concerns a
            // client that has gone, not this datagram or the server.
            Err(e) => {
                warn!("receiving a datagram: {}", error::io_text(&e));
                continue;
            }
        };
        step!("3 receive", "received a {n}-byte datagram from {from}");
        if !limiter.allows(from.ip()) {
            // Over its rate: no reply, and no log line for each such datagram either.
            step!("4 send", "sent nothing: {from} is over its rate limit");
            rate_limited += 1;
            continue;
        }
        match answer(&socket, &buf[..n], from, &mut shown) {
            Ok(true) => answered += 1,
            Ok(false) => dropped += 1,
            Err(e) => {
                warn!("{e:#}");
                dropped += 1;
            }
        }
    }
    let limited = match limiter.rate() {
        Some(_) => format!(", rate-limited {rate_limited}"),
        None => String::new(),
    };
    info!(
        "stopped: answered {}, dropped {dropped}{limited}",
        count(answered, "datagram", "datagrams")
    );
    Ok(())
}

/// Replies to one datagram with its uppercase; false when it cannot be answered.
fn answer(socket: &UdpSocket, data: &[u8], from: SocketAddr, shown: &mut Budget) -> Result<bool> {
    if from.port() == 0 {
        // Nothing can be sent to port 0: such a datagram is forged or broken.
        debug!("dropping a datagram from {from}: port 0 cannot be answered");
        return Ok(false);
    }
    if shown.allow(Level::Info, Instant::now(), data.len() as u64) {
        info!("received {:?} from {from}", for_log(&lossy(data)));
    }
    let reply = uppercase(data);
    // A reply goes back over the family its request came by: IPv6 carries 20 bytes more.
    let limit = addr::max_datagram(&from);
    if reply.len() > limit {
        return Err(anyhow!(
            "not answering {from}: the uppercase is {} bytes, more than a datagram holds over {} ({limit})",
            reply.len(),
            addr::ip_version(&from)
        ));
    }
    socket
        .send_to(&reply, from)
        .map_err(|e| anyhow!("answering {from}: {}", error::io_text(&e)))?;
    step!(
        "4 send",
        "sent its uppercase, {} bytes, back to {from} (whether it arrives, UDP does not say)",
        reply.len()
    );
    Ok(true)
}
