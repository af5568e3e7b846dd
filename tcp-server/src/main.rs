//! tcp-server: a TCP echo server (RFC 862), the document's TCP server made dependable.
//!
//! It follows the document's steps in order: create a socket, bind it to an address and port,
//! listen, accept connections, and exchange data, sending back every byte it receives, unchanged
//! and in order. Where the document's server serves one client at a time and decodes each
//! `recv(1024)` as if it were a whole message, this one serves many clients at once and treats
//! the connection as the byte stream it is.
//!
//! The model: each thread waits on all of its sockets at once (through `mio`: epoll on Linux,
//! kqueue on macOS) instead of blocking in one `recv`, so a thousand idle clients cost a
//! thousand small records rather than a thousand threads, and a client that sends without
//! reading only ever stops itself. Every read lands in one buffer per thread; a connection keeps
//! bytes of its own only while its client is slow to take its echo, and then reads nothing more
//! from it until it has.
//!
//! Where each step lives, top-down:
//! - steps 1–3, socket → bind → listen: this file, `serve`;
//! - the worker threads, Ctrl-C and the summary at the end: `serving.rs`, `serving::start`
//!   and `Serving::run`; what the threads share: `shared.rs`;
//! - each thread's loop, waiting on all its sockets at once: `worker.rs`, `Worker::event_loop`;
//! - step 4, accept: `worker.rs`, `Worker::accept_all`, then `worker/connections.rs`,
//!   `Connections::admit`;
//! - step 5, exchange: `connection.rs`, `Connection::exchange`;
//! - step 6, close: `connection.rs`, `Connection::close`; idle connections are found by
//!   `Connections::sweep` (`worker/connections.rs`), and when the server is full `room.rs` says
//!   which one makes room.
//!
//! Run it, then talk to it from a second terminal:
//!
//! ```text
//! cargo run -p tcp-server                  # listening on 127.0.0.1:8888
//! cargo run -p tcp-client                  # from server: 你好,服务器!
//! ```

use std::time::Duration;

use anyhow::{Context, Result};
use clap::Parser;
use common::addr::{self, DEFAULT_HOST, TCP_PORT};
use common::{cli, error, explain, lang, step, threads};
use log::info;
use socket2::{Domain, Protocol, Socket, Type};

use crate::messages::t;

mod connection;
mod descriptors;
mod man;
mod messages;
mod room;
mod serving;
mod shared;
mod worker;

/// A TCP echo server: sends back every byte each client sends, to many clients at once.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Address to listen on: IPv4, IPv6, or a name such as localhost
    #[arg(long, default_value = DEFAULT_HOST, value_name = "HOST")]
    host: String,

    /// Port to listen on; 0 picks a free one (the `listening on` line shows it)
    #[arg(short, long, default_value_t = TCP_PORT)]
    port: u16,

    /// Connections the kernel queues until accept() takes them
    #[arg(long, default_value_t = 128, value_parser = clap::value_parser!(i32).range(1..=65535))]
    backlog: i32,

    /// Connections served at once; when full, one idle for 2 s or more is closed to make room
    /// for a newcomer, else the newcomer is closed at once
    #[arg(long, default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..))]
    max_connections: u32,

    /// Connections from one client address (not loopback); more are closed at once
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..))]
    max_per_address: u32,

    /// Apply --max-per-address on loopback too (for tests)
    #[arg(long, hide = true)]
    per_address_on_loopback: bool,

    /// Close a connection that has sent and taken nothing for this long; 0 never does
    #[arg(long, default_value = "300", value_name = "SECS", value_parser = cli::parse_duration_or_zero)]
    idle_timeout: Duration,

    /// Kernel send and receive buffer of each connection, in bytes (the kernel doubles it for its
    /// bookkeeping); 0 leaves it to the kernel, which grows each up to megabytes
    #[arg(long, default_value_t = DEFAULT_SOCKET_BUFFER, value_name = "BYTES",
          value_parser = clap::value_parser!(u32).range(0..=(64 << 20)))]
    socket_buffer: u32,

    #[command(flatten)]
    threads: threads::Threads,

    #[command(flatten)]
    explain: explain::Flag,

    #[command(flatten)]
    lang: lang::Flag,

    #[command(flatten)]
    packaging: cli::Packaging,
}

/// Left alone, the kernel lets each socket's buffers grow to 4 MiB (send) and 6 MiB (receive):
/// ~1.4 MiB of kernel memory per client that sends without reading, and more for a half-closed
/// one. A fixed size bounds that, and stops the growth the kernel would otherwise do for the
/// first few hundred milliseconds of a stream. Chosen by measurement: book/en/src/options.md.
const DEFAULT_SOCKET_BUFFER: u32 = 224 * 1024;

fn main() {
    let args = Args::parse();
    args.packaging.print_if_asked::<Args>(&man::PAGE);
    cli::init_logging();
    args.explain.apply();
    args.lang.apply();
    cli::exit(serve(args));
}

/// The document's server: steps 1–3 here, then the listening socket goes to the worker threads,
/// which accept (step 4) and echo (step 5) until Ctrl-C.
fn serve(args: Args) -> Result<()> {
    let addr = addr::resolve_one(&args.host, args.port)?;

    // Step 1: create the socket. Domain = IPv4 or IPv6 (the document's AF_INET), type = stream
    // (SOCK_STREAM): together they make a TCP socket.
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))
        .with_context(|| t!("creating-socket", addr = addr))?;
    step!(
        1,
        Step::Socket,
        t!(
            "created-socket",
            family = explain::family(&addr),
            kind = explain::socket_type(true)
        )
    );
    // Without SO_REUSEADDR a restarted server cannot bind for a minute or two while connections
    // of the previous run linger in TIME_WAIT. Not on Windows: there it means something else,
    // it lets another program bind the same port and take its clients, and a restarted server
    // binds without it (std does not set it there either).
    #[cfg(not(windows))]
    socket
        .set_reuse_address(true)
        .with_context(|| t!("setting-option", option = "SO_REUSEADDR", addr = addr))?;
    // Accepted connections inherit the listening socket's buffer sizes; set here, before
    // listen(), they also fix the window the handshake offers.
    if args.socket_buffer > 0 {
        let size = args.socket_buffer as usize;
        socket
            .set_send_buffer_size(size)
            .and_then(|()| socket.set_recv_buffer_size(size))
            .with_context(|| {
                t!(
                    "setting-option",
                    option = "SO_SNDBUF/SO_RCVBUF",
                    addr = addr
                )
            })?;
    }
    // An echo answers with small writes. Nagle's algorithm would hold a small reply until the
    // previous one is acknowledged, and delayed ACKs make that 40 ms. Set here, the kernel
    // passes it on to every accepted connection: no system call per connection.
    socket
        .set_tcp_nodelay(true)
        .with_context(|| t!("setting-option", option = "TCP_NODELAY", addr = addr))?;
    // Each thread waits on many sockets at once, so no call may block on one of them.
    socket
        .set_nonblocking(true)
        .with_context(|| t!("making-nonblocking", addr = addr))?;

    // Step 2: bind the socket to the address and port clients will connect to.
    socket
        .bind(&addr.into())
        .map_err(|e| error::listen_error(addr, e))?;
    let bound = socket
        .local_addr()
        .ok()
        .and_then(|a| a.as_socket())
        .unwrap_or(addr);
    step!(
        2,
        Step::Bind,
        t!("bound", addr = bound, reach = explain::reach(&bound))
    );

    // Step 3: listen. The document's backlog of 5 is the queue of finished handshakes waiting
    // for accept(), not a limit on connections (the document says it is): a burst of clients
    // overflows it, and each dropped SYN costs its client a retransmission one second or more
    // later. 128 absorbs a burst; --backlog changes it, up to the kernel's cap.
    socket
        .listen(args.backlog)
        .map_err(|e| error::listen_error(addr, e))?;
    step!(3, Step::Listen, listening(args.backlog));
    let listener: std::net::TcpListener = socket.into();
    let local = listener
        .local_addr()
        .with_context(|| t!("reading-bound-address", addr = addr))?;

    // Steps 4 to 6 run on every worker thread: each accepts connections and echoes on them.
    // All of them start before the `listening on` line, so that the line means it serves.
    let (threads, spin) = args.threads.plan();
    let serving = serving::start(
        listener,
        serving::Settings {
            threads,
            max_connections: descriptors::fit(args.max_connections as usize, threads),
            max_per_address: args.max_per_address as usize,
            per_address_on_loopback: args.per_address_on_loopback,
            idle_timeout: Some(args.idle_timeout).filter(|idle| !idle.is_zero()),
            spin,
        },
    )?;
    cli::announce_listening(local)?;
    if !addr::is_loopback(&local) {
        info!("{local} is reachable from other machines, not only this one");
    }
    serving.run()
}

/// Step 3's narration, with the backlog as the kernel takes it: the kernel silently lowers a
/// larger one to its cap, so it says what really holds, or, where the cap is not known, that it
/// may be lower.
fn listening(asked: i32) -> String {
    let cap = somaxconn();
    let capped = cap.filter(|&cap| cap < asked);
    let how = match (cap, capped) {
        (_, Some(_)) => "capped",
        (None, _) => "unknown",
        (Some(_), None) => "kept",
    };
    let queue = capped.unwrap_or(asked);
    // A kernel fact, whichever code path this build takes: Linux counts the queue full only
    // when it holds more than the backlog (book/en/src/corrections.md, item 1, measures it).
    let linux = if cfg!(target_os = "linux") {
        "yes"
    } else {
        "no"
    };
    t!(
        "listening",
        queue = queue,
        cap = how,
        asked = asked,
        somaxconn = cap.unwrap_or(0),
        linux = linux,
        plus_one = i64::from(queue) + 1
    )
}

/// Linux's cap on the backlog, `net.core.somaxconn` (4096 by default since 5.4).
#[cfg(all(target_os = "linux", not(feature = "portable")))]
fn somaxconn() -> Option<i32> {
    std::fs::read_to_string("/proc/sys/net/core/somaxconn")
        .ok()
        .and_then(|text| text.trim().parse::<i32>().ok())
}

/// Elsewhere the cap is not read (macOS has `kern.ipc.somaxconn`, 128 by default; Windows its
/// own): the narration says the system may lower the backlog.
#[cfg(not(all(target_os = "linux", not(feature = "portable"))))]
fn somaxconn() -> Option<i32> {
    None
}

#[cfg(test)]
mod tests {
    use std::net::{SocketAddr, TcpStream};

    use socket2::{Domain, Protocol, Socket, Type};

    /// `serve` sets TCP_NODELAY once, on the listening socket, and counts on the kernel to pass
    /// it on to every connection it accepts.
    #[test]
    fn the_kernel_passes_tcp_nodelay_from_the_listener_to_accepted_connections() {
        let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
        let socket = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP)).unwrap();
        socket.set_tcp_nodelay(true).unwrap();
        socket.bind(&loopback.into()).unwrap();
        socket.listen(1).unwrap();
        let listener: std::net::TcpListener = socket.into();
        let _client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (accepted, _) = listener.accept().unwrap();
        assert!(accepted.nodelay().unwrap());
    }
}
