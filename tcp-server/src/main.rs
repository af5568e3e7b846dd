//! tcp-server: a TCP echo server (RFC 862), the document's TCP server made dependable.
//!
//! It follows the document's steps in order: create a socket, bind it to an address and port,
//! listen, accept connections, and exchange data, sending back every byte it receives, unchanged
//! and in order. Where the document's server serves one client at a time and decodes each
//! `recv(1024)` as if it were a whole message, this one serves many clients at once and treats
//! the connection as the byte stream it is.
//!
//! The model: each thread waits on all of its sockets at once (epoll through `mio`) instead of
//! blocking in one `recv`, so a thousand idle clients cost a thousand small records rather than a
//! thousand threads, and a client that sends without reading only ever stops itself. Every read
//! lands in one buffer per thread; a connection keeps bytes of its own only while its client is
//! slow to take its echo, and then reads nothing more from it until it has.
//!
//! Run it, then talk to it from a second terminal:
//!
//! ```text
//! cargo run -p tcp-server                  # listening on 127.0.0.1:8888
//! cargo run -p tcp-client                  # from server: 你好,服务器!
//! ```

use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context, Result};
use clap::Parser;
use common::addr::{self, DEFAULT_HOST, TCP_PORT};
use common::cli;
use common::text::{for_log, Utf8Decoder};
use log::{debug, error, info, warn};
use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token};
use socket2::{Domain, Protocol, Socket, Type};

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

    /// Connections served at once; one more is accepted and closed at once
    #[arg(long, default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..))]
    max_connections: u32,

    /// Threads serving connections [default: one per CPU this process may use]
    #[arg(long)]
    threads: Option<NonZeroUsize>,
}

/// Each read takes up to this much. A long stream moves in fewer system calls and epoll
/// wake-ups than with 64 KiB (one loopback segment): 1.4× the throughput, by bench/compare.sh.
const BUF_SIZE: usize = 256 * 1024;
/// How long to stop accepting after an error such as "too many open files" before trying again.
const ACCEPT_PAUSE: Duration = Duration::from_millis(100);
fn main() {
    let args = Args::parse();
    cli::init_logging();
    cli::exit(run(args));
}

fn run(args: Args) -> Result<()> {
    let addr = addr::resolve_one(&args.host, args.port)?;

    // Step 1: create the socket. Domain = IPv4 or IPv6 (the document's AF_INET), type = stream
    // (SOCK_STREAM): together they make a TCP socket.
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))
        .with_context(|| format!("creating a TCP socket for {addr}"))?;
    // Without SO_REUSEADDR a restarted server cannot bind for a minute or two while connections
    // of the previous run linger in TIME_WAIT.
    socket
        .set_reuse_address(true)
        .with_context(|| format!("setting SO_REUSEADDR on {addr}"))?;
    // Each thread waits on many sockets at once, so no call may block on one of them.
    socket
        .set_nonblocking(true)
        .with_context(|| format!("making the socket for {addr} non-blocking"))?;

    // Step 2: bind the socket to the address and port clients will connect to.
    socket
        .bind(&addr.into())
        .map_err(|e| cli::listen_error(addr, e))?;

    // Step 3: listen. The document's backlog of 5 is the queue of finished handshakes waiting
    // for accept(): a burst of clients overflows it, and each dropped SYN costs its client a
    // retransmission one second or more later. 128 absorbs a burst; --backlog changes it.
    socket
        .listen(args.backlog)
        .map_err(|e| cli::listen_error(addr, e))?;
    let listener: std::net::TcpListener = socket.into();
    let local = listener
        .local_addr()
        .with_context(|| format!("reading the address bound for {addr}"))?;
    cli::announce_listening(local).context("writing the `listening on` line")?;
    if !addr::is_loopback(&local) {
        info!("{local} is reachable from other machines, not only this one");
    }

    // Steps 4 and 5 run on every worker thread: each accepts connections and echoes on them.
    let threads = args
        .threads
        .or_else(|| std::thread::available_parallelism().ok())
        .map_or(1, NonZeroUsize::get);
    let shared = Arc::new(Shared {
        open: AtomicUsize::new(0),
        max: args.max_connections as usize,
    });
    debug!(
        "serving with {threads} thread(s), at most {} connections",
        shared.max
    );
    let mut handles = Vec::new();
    for n in 1..threads {
        let worker = Worker::new(
            listener.try_clone().context("sharing the listener")?,
            &shared,
        )?;
        let handle = std::thread::Builder::new()
            .name(format!("worker-{n}"))
            .spawn(move || worker.run())
            .context("starting a worker thread")?;
        handles.push(handle);
    }
    // The main thread serves too; any worker failing ends the server with its error.
    let result = Worker::new(listener, &shared)?.run();
    for handle in handles {
        handle
            .join()
            .map_err(|_| anyhow!("a worker thread panicked"))??;
    }
    result
}

/// What all worker threads share.
#[derive(Debug)]
struct Shared {
    /// Connections open right now, across all threads.
    open: AtomicUsize,
    max: usize,
}

const LISTENER: Token = Token(usize::MAX);

/// One thread's event loop: the listener, its connections and its read buffer.
struct Worker {
    poll: Poll,
    listener: TcpListener,
    conns: Vec<Option<Conn>>,
    free: Vec<usize>,
    buf: Box<[u8]>,
    shared: Arc<Shared>,
    /// Set after an accept error: when to try accepting again.
    accept_paused_until: Option<Instant>,
}

/// One client connection.
struct Conn {
    stream: TcpStream,
    peer: SocketAddr,
    /// Echo the client has not taken yet. Empty, and unallocated, unless the client is slow to read.
    unsent: Vec<u8>,
    unsent_from: usize,
    echoed: u64,
    decoder: Utf8Decoder,
}

/// Whether a connection stays open after an exchange.
enum After {
    Open,
    Done,
}

impl Worker {
    fn new(listener: std::net::TcpListener, shared: &Arc<Shared>) -> Result<Worker> {
        let poll = Poll::new().context("creating an epoll instance")?;
        let mut listener = TcpListener::from_std(listener);
        poll.registry()
            .register(&mut listener, LISTENER, Interest::READABLE)
            .context("registering the listener")?;
        Ok(Worker {
            poll,
            listener,
            conns: Vec::new(),
            free: Vec::new(),
            buf: vec![0; BUF_SIZE].into_boxed_slice(),
            shared: Arc::clone(shared),
            accept_paused_until: None,
        })
    }

    fn run(mut self) -> Result<()> {
        let mut events = Events::with_capacity(1024);
        loop {
            let timeout = self
                .accept_paused_until
                .map(|until| until.saturating_duration_since(Instant::now()));
            if let Err(e) = self.poll.poll(&mut events, timeout) {
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(e).context("waiting for socket events");
            }
            for event in events.iter() {
                match event.token() {
                    LISTENER => self.accept_all(),
                    Token(slot) => self.exchange_on(slot, Ready::of(event)),
                }
            }
            if self
                .accept_paused_until
                .is_some_and(|until| Instant::now() >= until)
            {
                // Epoll reports a new connection once; the ones that waited during the pause
                // are still queued, so ask for them rather than wait for another report.
                self.accept_paused_until = None;
                self.accept_all();
            }
        }
    }

    /// Step 4: accept every connection that has arrived.
    fn accept_all(&mut self) {
        if self.accept_paused_until.is_some() {
            return;
        }
        loop {
            match self.listener.accept() {
                Ok((stream, peer)) => self.admit(stream, peer),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                // A client that gave up before we accepted it is no reason to stop.
                Err(e) if is_transient(&e) => continue,
                Err(e) => {
                    // Most likely out of file descriptors. Failing would drop every client;
                    // retrying at once would spin. Pause, keep serving, try again.
                    error!(
                        "accepting a connection: {}; trying again in {} ms",
                        cli::io_text(&e),
                        ACCEPT_PAUSE.as_millis()
                    );
                    self.accept_paused_until = Some(Instant::now() + ACCEPT_PAUSE);
                    return;
                }
            }
        }
    }

    fn admit(&mut self, mut stream: TcpStream, peer: SocketAddr) {
        let open = self.shared.open.fetch_add(1, Ordering::Relaxed);
        if open >= self.shared.max {
            self.shared.open.fetch_sub(1, Ordering::Relaxed);
            warn!(
                "refusing {peer}: {} connections are open already (--max-connections)",
                self.shared.max
            );
            return; // Dropping the stream closes it.
        }
        // An echo answers with small writes. Nagle's algorithm would hold a small reply until
        // the previous one is acknowledged, and delayed ACKs make that 40 ms.
        if let Err(e) = stream.set_nodelay(true) {
            debug!("{peer}: setting TCP_NODELAY: {}", cli::io_text(&e));
        }
        let slot = self.free.pop().unwrap_or(self.conns.len());
        if let Err(e) = self
            .poll
            .registry()
            // Both directions, once: re-registering when a client is slow to read would cost
            // two more system calls each time, and a writable report we do not need is cheap.
            .register(
                &mut stream,
                Token(slot),
                Interest::READABLE | Interest::WRITABLE,
            )
        {
            self.shared.open.fetch_sub(1, Ordering::Relaxed);
            warn!("{peer}: registering the connection: {}", cli::io_text(&e));
            self.free.push(slot);
            return;
        }
        info!("connection from {peer}");
        let conn = Conn {
            stream,
            peer,
            unsent: Vec::new(),
            unsent_from: 0,
            echoed: 0,
            decoder: Utf8Decoder::new(),
        };
        if slot == self.conns.len() {
            self.conns.push(Some(conn));
        } else {
            self.conns[slot] = Some(conn);
        }
    }

    /// Step 5 for one connection that epoll reported ready; closes it when it is done.
    fn exchange_on(&mut self, slot: usize, ready: Ready) {
        let Some(Some(conn)) = self.conns.get_mut(slot) else {
            return; // Closed earlier in this round of events.
        };
        let after = exchange(conn, &mut self.buf, ready);
        let reason = match after {
            Ok(After::Open) => return,
            Ok(After::Done) => None,
            Err(e) => Some(e),
        };
        if let Some(mut conn) = self.conns[slot].take() {
            let _ = self.poll.registry().deregister(&mut conn.stream);
            self.free.push(slot);
            self.shared.open.fetch_sub(1, Ordering::Relaxed);
            conn.close(reason);
        }
    }
}

/// What epoll reported for a connection.
#[derive(Clone, Copy)]
struct Ready {
    readable: bool,
    /// The client's FIN has arrived. Epoll reports that once, so it must not be left unread.
    read_closed: bool,
}

impl Ready {
    fn of(event: &mio::event::Event) -> Ready {
        Ready {
            readable: event.is_readable() || event.is_error(),
            read_closed: event.is_read_closed(),
        }
    }
}

/// Step 5, exchange data: read what the client sent and send it straight back.
///
/// Epoll on Linux reports readiness once per change (mio registers edge-triggered), so this reads
/// until the socket is drained, and stops reading while the client has not taken its echo.
fn exchange(conn: &mut Conn, buf: &mut [u8], ready: Ready) -> io::Result<After> {
    // Finish the echo the client was slow to take before reading more: this is what bounds the
    // memory a connection holds, and what keeps a client that never reads from costing others.
    if !conn.unsent.is_empty() {
        let sent = write_some(&mut conn.stream, &conn.unsent[conn.unsent_from..])?;
        conn.unsent_from += sent;
        conn.echoed += sent as u64;
        if conn.unsent_from < conn.unsent.len() {
            return Ok(After::Open);
        }
        conn.unsent.clear();
        conn.unsent_from = 0;
        // Bytes may have waited in the socket while we did not read: go on to read them.
    } else if !ready.readable && !ready.read_closed {
        // Room to write, and nothing to write: the report was for a direction we do not need.
        return Ok(After::Open);
    }
    loop {
        let n = match conn.stream.read(buf) {
            // The client shut down its sending side and has all its echo: close ours too.
            Ok(0) => return Ok(After::Done),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(After::Open),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let data = &buf[..n];
        if log::log_enabled!(log::Level::Info) {
            let text = conn.decoder.decode(data);
            if !text.is_empty() {
                info!("{}: received {:?}", conn.peer, for_log(&text));
            }
        }
        let sent = write_some(&mut conn.stream, data)?;
        conn.echoed += sent as u64;
        if sent < n {
            // The client's receive window is full: keep the rest, and read nothing more until
            // epoll reports room to send it.
            conn.unsent.extend_from_slice(&data[sent..]);
            return Ok(After::Open);
        }
        // A short read emptied the socket; epoll reports the next data when it comes.
        if n < buf.len() && !ready.read_closed {
            return Ok(After::Open);
        }
    }
}

/// Writes as much of `data` as the socket takes now; returns how much that was.
fn write_some(stream: &mut TcpStream, mut data: &[u8]) -> io::Result<usize> {
    let mut sent = 0;
    while !data.is_empty() {
        match stream.write(data) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => {
                sent += n;
                data = &data[n..];
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(sent)
}

impl Conn {
    /// Closes the connection (dropping the stream) and logs how it ended.
    fn close(mut self, error: Option<io::Error>) {
        if log::log_enabled!(log::Level::Info) {
            let rest = self.decoder.finish();
            if !rest.is_empty() {
                info!("{}: received {:?}", self.peer, rest);
            }
        }
        match error {
            None => info!("closed {} after echoing {} bytes", self.peer, self.echoed),
            Some(e) if is_transient(&e) || e.kind() == io::ErrorKind::BrokenPipe => info!(
                "{} went away ({}) after {} bytes echoed",
                self.peer,
                cli::io_text(&e),
                self.echoed
            ),
            Some(e) => warn!(
                "closed {} after {} bytes echoed: {}",
                self.peer,
                self.echoed,
                cli::io_text(&e)
            ),
        }
    }
}

/// Errors that end one connection, or one accept, and say nothing about the server.
fn is_transient(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::Interrupted
    )
}
