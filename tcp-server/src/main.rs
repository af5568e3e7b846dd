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
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context, Result};
use clap::Parser;
use common::addr::{self, DEFAULT_HOST, TCP_PORT};
use common::text::{count, for_log, Utf8Decoder};
use common::{cli, explain, step};
use log::{debug, error, info, warn};
use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token, Waker};
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

    /// Close a connection that has sent and taken nothing for this long; 0 never does
    #[arg(long, default_value = "300", value_name = "SECS", value_parser = cli::parse_seconds_or_zero)]
    idle_timeout: Duration,

    /// Threads serving connections [default: one per CPU this process may use]
    #[arg(long)]
    threads: Option<NonZeroUsize>,

    #[command(flatten)]
    explain: explain::Flag,
}

/// Each read takes up to this much. A long stream moves in fewer system calls and epoll
/// wake-ups than with 64 KiB (one loopback segment): 1.4× the throughput, by bench/compare.sh.
const BUF_SIZE: usize = 256 * 1024;
/// How long to stop accepting after an error such as "too many open files" before trying again.
const ACCEPT_PAUSE: Duration = Duration::from_millis(100);
/// After Ctrl-C, how long open connections may go on before they are closed.
const GRACE: Duration = Duration::from_secs(3);

fn main() {
    let args = Args::parse();
    cli::init_logging();
    args.explain.apply();
    cli::exit(run(args));
}

fn run(args: Args) -> Result<()> {
    let addr = addr::resolve_one(&args.host, args.port)?;

    // Step 1: create the socket. Domain = IPv4 or IPv6 (the document's AF_INET), type = stream
    // (SOCK_STREAM): together they make a TCP socket.
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))
        .with_context(|| format!("creating a TCP socket for {addr}"))?;
    step!(
        "1 socket",
        "created a socket: {} + stream (SOCK_STREAM) = TCP",
        explain::family(&addr)
    );
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
    let bound = socket
        .local_addr()
        .ok()
        .and_then(|a| a.as_socket())
        .unwrap_or(addr);
    step!("2 bind", "bound to {bound}, {}", explain::reach(&bound));

    // Step 3: listen. The document's backlog of 5 is the queue of finished handshakes waiting
    // for accept(): a burst of clients overflows it, and each dropped SYN costs its client a
    // retransmission one second or more later. 128 absorbs a burst; --backlog changes it.
    socket
        .listen(args.backlog)
        .map_err(|e| cli::listen_error(addr, e))?;
    step!(
        "3 listen",
        "listening: the kernel now completes handshakes on its own and queues up to {} of them for accept()",
        args.backlog
    );
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
        idle_timeout: Some(args.idle_timeout).filter(|idle| !idle.is_zero()),
        stopping: AtomicBool::new(false),
        served: AtomicU64::new(0),
        echoed: AtomicU64::new(0),
    });
    debug!(
        "serving with {threads} thread(s), at most {} connections",
        shared.max
    );
    let mut workers = Vec::new();
    for _ in 1..threads {
        let clone = listener.try_clone().context("sharing the listener")?;
        workers.push(Worker::new(clone, &shared)?);
    }
    let main_worker = Worker::new(listener, &shared)?;
    let wakers: Vec<Arc<Waker>> = workers
        .iter()
        .chain([&main_worker])
        .map(|w| Arc::clone(&w.waker))
        .collect();

    // The look for idle connections is started by a ticker thread rather than by a timeout on
    // each worker's wait: a wait with a timeout arms a kernel timer every time, and that costs
    // every round trip a few hundred nanoseconds (bench/compare.sh, one connection).
    if let Some(idle) = shared.idle_timeout {
        let wakers = wakers.clone();
        std::thread::Builder::new()
            .name("idle-ticker".into())
            .spawn(move || loop {
                std::thread::sleep(sweep_every(idle));
                for waker in &wakers {
                    let _ = waker.wake();
                }
            })
            .context("starting the idle ticker")?;
    }

    // Ctrl-C stops accepting and gives open connections a moment to finish; a second one
    // ends the server at once.
    let stop = Arc::clone(&shared);
    cli::on_stop_signal(move || {
        info!(
            "stopping: no new connections; open ones get {} s to finish (Ctrl-C again to quit now)",
            GRACE.as_secs()
        );
        stop.stopping.store(true, Ordering::SeqCst);
        for waker in &wakers {
            let _ = waker.wake();
        }
    })?;

    let mut handles = Vec::new();
    for (n, worker) in workers.into_iter().enumerate() {
        let handle = std::thread::Builder::new()
            .name(format!("worker-{}", n + 1))
            .spawn(move || worker.run())
            .context("starting a worker thread")?;
        handles.push(handle);
    }
    // The main thread serves too; any worker failing ends the server with its error.
    let result = main_worker.run();
    for handle in handles {
        handle
            .join()
            .map_err(|_| anyhow!("a worker thread panicked"))??;
    }
    result?;
    info!(
        "stopped: served {}, echoed {}",
        count(
            shared.served.load(Ordering::SeqCst),
            "connection",
            "connections"
        ),
        count(shared.echoed.load(Ordering::SeqCst), "byte", "bytes")
    );
    Ok(())
}

/// What all worker threads share.
#[derive(Debug)]
struct Shared {
    /// Connections open right now, across all threads.
    open: AtomicUsize,
    max: usize,
    idle_timeout: Option<Duration>,
    /// Set by Ctrl-C: accept no more, finish what is open.
    stopping: AtomicBool,
    /// Connections admitted, and bytes echoed on closed ones, for the summary at the end.
    served: AtomicU64,
    echoed: AtomicU64,
}

const LISTENER: Token = Token(usize::MAX);
const WAKER: Token = Token(usize::MAX - 1);

/// One thread's event loop: the listener, its connections and its read buffer.
struct Worker {
    poll: Poll,
    /// Lets the signal thread interrupt this thread's wait.
    waker: Arc<Waker>,
    /// None once the server is stopping.
    listener: Option<TcpListener>,
    conns: Vec<Option<Conn>>,
    free: Vec<usize>,
    buf: Box<[u8]>,
    shared: Arc<Shared>,
    /// Set after an accept error: when to try accepting again.
    accept_paused_until: Option<Instant>,
    /// Accepting fails (out of descriptors, say): said once, not every 100 ms.
    accept_failing: bool,
    /// When to look for idle connections next.
    next_sweep: Option<Instant>,
    /// When, after Ctrl-C, to close whatever is still open.
    stop_at: Option<Instant>,
    /// The time after the last wait, for every event it returned: one clock read per wake-up.
    now: Instant,
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
    /// The last time the client sent something or took some of its echo.
    last_active: Instant,
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
        let waker = Waker::new(poll.registry(), WAKER).context("creating a waker")?;
        let now = Instant::now();
        Ok(Worker {
            poll,
            waker: Arc::new(waker),
            listener: Some(listener),
            conns: Vec::new(),
            free: Vec::new(),
            buf: vec![0; BUF_SIZE].into_boxed_slice(),
            shared: Arc::clone(shared),
            accept_paused_until: None,
            accept_failing: false,
            next_sweep: shared.idle_timeout.map(|idle| now + sweep_every(idle)),
            stop_at: None,
            now,
        })
    }

    fn run(mut self) -> Result<()> {
        let mut events = Events::with_capacity(1024);
        loop {
            // Wake for the end of an accept pause, or of the grace period after Ctrl-C. Those
            // are rare; usually the wait has no timeout (the idle ticker wakes us for sweeps).
            let timeout = [self.accept_paused_until, self.stop_at]
                .into_iter()
                .flatten()
                .min()
                .map(|at| at.saturating_duration_since(Instant::now()));
            if let Err(e) = self.poll.poll(&mut events, timeout) {
                if e.kind() != io::ErrorKind::Interrupted {
                    return Err(e).context("waiting for socket events");
                }
            }
            self.now = Instant::now();
            for event in events.iter() {
                match event.token() {
                    LISTENER => self.accept_all(),
                    WAKER => {}
                    Token(slot) => self.exchange_on(slot, Ready::of(event)),
                }
            }
            if self.shared.stopping.load(Ordering::Relaxed) && self.stop_at.is_none() {
                // Dropping this thread's copy of the listener; with the last copy, the port
                // closes and new clients are refused.
                self.listener = None;
                self.accept_paused_until = None;
                self.stop_at = Some(self.now + GRACE);
            }
            if let Some(stop_at) = self.stop_at {
                if self.free.len() == self.conns.len() || self.now >= stop_at {
                    self.close_all();
                    return Ok(());
                }
            }
            if self
                .accept_paused_until
                .is_some_and(|until| self.now >= until)
            {
                // Epoll reports a new connection once; the ones that waited during the pause
                // are still queued, so ask for them rather than wait for another report.
                self.accept_paused_until = None;
                self.accept_all();
            }
            if self.next_sweep.is_some_and(|at| self.now >= at) {
                self.close_idle();
            }
        }
    }

    /// Step 4: accept every connection that has arrived.
    fn accept_all(&mut self) {
        if self.accept_paused_until.is_some() {
            return;
        }
        loop {
            let Some(listener) = &self.listener else {
                return;
            };
            match listener.accept() {
                Ok((stream, peer)) => {
                    if self.accept_failing {
                        self.accept_failing = false;
                        info!("accepting connections again");
                    }
                    self.admit(stream, peer);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                // A client that gave up before we accepted it is no reason to stop.
                Err(e) if is_transient(&e) => continue,
                Err(e) => {
                    // Most likely out of file descriptors. Failing would drop every client;
                    // retrying at once would spin. Pause, keep serving, try again.
                    if !self.accept_failing {
                        error!(
                            "accepting a connection: {}; open clients are still served, and \
                             new ones wait in the backlog until it works again",
                            cli::io_text(&e)
                        );
                        self.accept_failing = true;
                    }
                    self.accept_paused_until = Some(self.now + ACCEPT_PAUSE);
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
        step!(
            "4 accept",
            "accepted {peer}: a new socket for this client alone (the listening one goes on \
             listening); port {} is the ephemeral port the client's system picked",
            peer.port()
        );
        self.shared.served.fetch_add(1, Ordering::Relaxed);
        let conn = Conn {
            stream,
            peer,
            unsent: Vec::new(),
            unsent_from: 0,
            echoed: 0,
            decoder: Utf8Decoder::new(),
            last_active: self.now,
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
        let before = (conn.echoed, conn.unsent.len());
        let after = exchange(conn, &mut self.buf, ready);
        if (conn.echoed, conn.unsent.len()) != before {
            conn.last_active = self.now;
        }
        match after {
            Ok(After::Open) => {}
            Ok(After::Done) => self.close(slot, Ending::Finished),
            Err(e) => self.close(slot, Ending::Failed(e)),
        }
    }

    /// Closes connections that have neither sent nor taken anything for the idle timeout.
    fn close_idle(&mut self) {
        let Some(idle) = self.shared.idle_timeout else {
            return;
        };
        self.next_sweep = Some(self.now + sweep_every(idle));
        let is_idle = |conn: &Option<Conn>, now: Instant| {
            conn.as_ref()
                .is_some_and(|c| now.duration_since(c.last_active) >= idle)
        };
        for slot in 0..self.conns.len() {
            if !is_idle(&self.conns[slot], self.now) {
                continue;
            }
            if self.conns[slot]
                .as_ref()
                .is_some_and(|c| !c.unsent.is_empty())
            {
                // Epoll reports room to write only once a third of the send buffer is free, so a
                // client that reads slowly can look still. Try: any byte taken is activity.
                self.exchange_on(slot, Ready::NONE);
                if !is_idle(&self.conns[slot], self.now) {
                    continue;
                }
            }
            self.close(slot, Ending::Idle(idle));
        }
    }

    /// Closes every connection still open when the grace period after Ctrl-C ends.
    fn close_all(&mut self) {
        for slot in 0..self.conns.len() {
            if self.conns[slot].is_some() {
                self.close(slot, Ending::Stopping);
            }
        }
    }

    fn close(&mut self, slot: usize, ending: Ending) {
        if let Some(conn) = self.conns[slot].take() {
            // Closing the socket also takes it out of epoll.
            self.free.push(slot);
            self.shared.open.fetch_sub(1, Ordering::Relaxed);
            self.shared.echoed.fetch_add(conn.echoed, Ordering::Relaxed);
            conn.close(ending);
        }
    }
}

/// How often to look for idle connections: a quarter of the timeout, so that one is closed at
/// most that late, but at least once a second and at most every 10 ms.
fn sweep_every(idle: Duration) -> Duration {
    (idle / 4).clamp(Duration::from_millis(10), Duration::from_secs(1))
}

/// Why a connection ends.
enum Ending {
    /// The client closed its side and has all its echo.
    Finished,
    Failed(io::Error),
    Idle(Duration),
    Stopping,
}

impl Ending {
    fn reason(&self) -> &'static str {
        match self {
            Ending::Finished => "the client closed its side (end of stream) and has all its echo",
            Ending::Failed(_) => "the connection failed",
            Ending::Idle(_) => "it was idle too long",
            Ending::Stopping => "the server is stopping",
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
    /// Nothing reported: only the echo the client was slow to take is tried again.
    const NONE: Ready = Ready {
        readable: false,
        read_closed: false,
    };

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
        step!(
            "5 exchange",
            "received {n} bytes from {}, sent {sent} back",
            conn.peer
        );
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
    fn close(mut self, ending: Ending) {
        if log::log_enabled!(log::Level::Info) {
            let rest = self.decoder.finish();
            if !rest.is_empty() {
                info!("{}: received {:?}", self.peer, rest);
            }
        }
        let (peer, echoed) = (self.peer, self.echoed);
        step!(
            "6 close",
            "closing the socket for {peer} after echoing {echoed} bytes: {}",
            ending.reason()
        );
        match ending {
            Ending::Finished => info!("closed {peer} after echoing {echoed} bytes"),
            Ending::Idle(idle) => info!(
                "closed {peer} after echoing {echoed} bytes: idle for {} s (--idle-timeout)",
                idle.as_secs_f64()
            ),
            Ending::Stopping => info!("closed {peer} after echoing {echoed} bytes: stopping"),
            Ending::Failed(e) if is_transient(&e) || e.kind() == io::ErrorKind::BrokenPipe => {
                info!(
                    "{peer} went away ({}) after {echoed} bytes echoed",
                    cli::io_text(&e)
                )
            }
            Ending::Failed(e) => warn!(
                "closed {peer} after {echoed} bytes echoed: {}",
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
