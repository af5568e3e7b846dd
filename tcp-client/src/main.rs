//! tcp-client: the document's TCP client, finished. It connects to an echo server, sends the
//! document's greeting `你好,服务器!` (or the messages you give it) and prints each reply.
//!
//! TCP carries a stream of bytes, not messages: one `recv` may return part of a reply, or parts
//! of two. The document's client reads once, up to 1024 bytes, and takes that as the answer; this
//! one reads until it has back exactly as many bytes as it sent, checks they are the same, and
//! gives up with a clear message when the server is not there, closes early, stays silent,
//! trickles the reply too slowly or sends back more than it was sent.
//!
//! Start the server first, then the client in a second terminal:
//!
//! ```text
//! cargo run -p tcp-server                      # listening on 127.0.0.1:8888
//! cargo run -p tcp-client                      # from server: 你好,服务器!
//! cargo run -p tcp-client -- hello world       # one reply line per message
//! cargo run -p tcp-client -- --stdin           # one message per line you type; `quit` ends
//! ```

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches, Parser};
use common::addr::{self, DEFAULT_HOST, TCP_PORT};
use common::text::lossy;
use common::{cli, error, explain, input, lang, step};
use log::debug;

use crate::messages::{say, Ending};

mod load;
mod messages;
mod typed;

/// The document's greeting, sent when no message is given.
const GREETING: &str = "你好,服务器!";
/// The most sent before reading the echo back: less than the socket buffers on both sides, so
/// a long message can never fill them and leave client and server both waiting to write.
const CHUNK: usize = 64 * 1024;
/// The longest wait, after the last reply, for the server's end of stream. A server that closes
/// when it reads our FIN answers within one round trip (well under a millisecond on one machine,
/// a few hundred over the slowest links), so the wait rarely runs in full; it does against a
/// server that keeps the connection open, which is allowed, and then it must not hold up the
/// program noticeably. --timeout caps it too, as it caps every other wait.
const END_WAIT: Duration = Duration::from_millis(500);

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
    #[arg(long, conflicts_with = "messages")]
    stdin: bool,

    /// Messages to send, each checked against its echo [default: 你好,服务器!]
    #[arg(value_name = "MESSAGE")]
    messages: Vec<String>,

    /// Load mode: make this many round trips in all (after the warmup), and report rate and
    /// latency
    #[arg(long, short = 'n', value_name = "N", group = "load", help_heading = "Load mode",
          conflicts_with_all = ["messages", "stdin"],
          value_parser = clap::value_parser!(u64).range(1..))]
    count: Option<u64>,

    /// Load mode: stop after this long (10, 1.5, 500ms, 2m; after the warmup), and after
    /// --count, if given
    #[arg(long, value_name = "SECS", group = "load", help_heading = "Load mode",
          conflicts_with_all = ["messages", "stdin"], value_parser = cli::parse_duration)]
    duration: Option<Duration>,

    /// Connections open at once, each with one round trip in flight
    #[arg(long, short = 'c', default_value_t = 1, requires = "load", help_heading = "Load mode",
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    connections: u32,

    /// Bytes in each round trip (random, different on each connection)
    #[arg(long, short = 's', default_value_t = 64, requires = "load", help_heading = "Load mode",
          value_parser = clap::value_parser!(u64).range(1..=(1 << 32)))]
    size: u64,

    /// Open a new connection for each round trip and close it after (connect cycles)
    #[arg(long, requires = "load", help_heading = "Load mode")]
    reconnect: bool,

    /// Open loop: N round trips a second in all, on a schedule spread over the connections
    /// (wrk2's -R); latency counts from each scheduled send, so a stall of the server shows
    #[arg(long, value_name = "N", requires = "load", help_heading = "Load mode",
          value_parser = parse_rate)]
    rate: Option<f64>,

    /// A first period whose round trips are checked but not counted (10, 500ms); --duration
    /// and --count start after it
    #[arg(long, value_name = "SECS", requires = "load", help_heading = "Load mode",
          value_parser = cli::parse_duration)]
    warmup: Option<Duration>,

    /// A line on stdout every SECS (1, 0.5, 500ms) while the load runs, also when piped, as
    /// iperf3's -i; without it, only a terminal shows a live line (on stderr)
    #[arg(long, short = 'i', value_name = "SECS", requires = "load", help_heading = "Load mode",
          value_parser = cli::parse_duration)]
    report_interval: Option<Duration>,

    /// Print the result as one JSON document on stdout, instead of the lines
    #[arg(long, requires = "load", help_heading = "Load mode")]
    json: bool,

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
    args.packaging.print_if_asked::<Args>();
    cli::init_logging();
    args.explain.apply();
    args.lang.apply();
    let port_given = matches.value_source("port") == Some(ValueSource::CommandLine);
    if let Err(e) = check_address(&mut args, port_given) {
        usage_error(&e);
    }
    cli::exit(run(args));
}

/// `--rate`: round trips a second, from one every 1000 s up to 10^9.
fn parse_rate(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(n) if (0.001..=1e9).contains(&n) => Ok(n),
        _ => Err(format!(
            "{text:?} is not a rate: give round trips a second, from 0.001 up to 1000000000, \
             such as 1000 or 2.5"
        )),
    }
}

/// Ends the program for a mistake in its arguments: the error and its hint, exit code 2, as
/// for clap's usage errors.
fn usage_error(error: &anyhow::Error) -> ! {
    error::report(error);
    std::process::exit(2)
}

/// How the user runs this program, for hints that show a whole command.
fn this_command() -> String {
    let start = cli::how_to_start("tcp-client");
    if start.starts_with("cargo ") {
        format!("{start} --")
    } else {
        start
    }
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
                anyhow!(say().host_port_conflict(&args.host, port, args.port)),
                say().hint_host_port_conflict(&host, port, args.port),
            ));
        }
        typed::HostArg::BadPort { host, port } => {
            return Err(error::hint(
                anyhow!(say().host_bad_port(&args.host, &port)),
                say().hint_host_bad_port(&host),
            ));
        }
    }
    match typed::verdict(&args.messages) {
        typed::Verdict::Fine => {}
        typed::Verdict::Refuse { host, port } => {
            let message = args.messages.first().map_or("", String::as_str);
            let port = port.unwrap_or(args.port);
            return Err(error::hint(
                anyhow!(say().message_is_a_host(message)),
                say().hint_message_is_a_host(&this_command(), message, &host, port),
            ));
        }
        typed::Verdict::Warn { host } => {
            let message = args.messages.first().map_or("", String::as_str);
            let lines = format!(
                "{}{}\n{}{}\n",
                say().warning(),
                say().message_may_be_a_host(message, &args.host, args.port),
                common::messages::say().hint(),
                say().hint_message_may_be_a_host(&this_command(), &host, args.port)
            );
            common::logging::write_line(lines.as_bytes());
        }
    }
    Ok(())
}

fn run(args: Args) -> Result<()> {
    let addrs = addr::resolve(&args.host, args.port)?;
    if args.count.is_some() || args.duration.is_some() {
        return measure(&args, &addrs);
    }

    // Steps 1 and 2: create the socket and connect; the three-way handshake happens inside
    // connect(), which returns once it is done.
    let (stream, server) = connect(&addrs, args.timeout)?;
    debug!("connected to {server}");
    // Our end of the connection: the ephemeral port the system picked, which step 5 names too.
    let local = stream.local_addr().context(say().reading_local_address())?;
    step!(2, Step::Connect, say().connected(local, server));
    // Each message is one small write that must go out now, not wait for Nagle's algorithm.
    stream
        .set_nodelay(true)
        .with_context(|| say().setting_option("TCP_NODELAY"))?;

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
        while let Some(message) = lines.next_message().context(say().reading_stdin())? {
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
    step!(5, Step::Close, say().shut_down(server_first));
    // Then the server's end of stream: whatever it sends instead is more than the echo.
    let ending = expect_end(&stream, server, args.timeout.min(END_WAIT), server_first)?;
    drop(stream);
    if let Some(ending) = ending {
        step!(5, Step::Close, say().closed(ending, local, server));
    }
    debug!("closed the connection to {server}");
    Ok(())
}

/// Load mode: runs the plan against the first address that accepts, prints the result: `-i`
/// lines as it goes, then the report's lines, or the one JSON document.
fn measure(args: &Args, addrs: &[SocketAddr]) -> Result<()> {
    // The first connection finds the address (and gives the same errors as a plain run).
    let (probe, server) = connect(addrs, args.timeout)?;
    drop(probe);
    let plan = load::Plan {
        count: args.count,
        connections: args.connections as usize,
        size: usize::try_from(args.size).context(say().size_too_large())?,
        duration: args.duration,
        reconnect: args.reconnect,
        timeout: args.timeout,
        rate: args.rate,
        warmup: args.warmup.unwrap_or(Duration::ZERO),
        interval: args.report_interval,
    };
    let json = args.json;
    let mut print_interval = |interval: &load::Interval| -> Result<()> {
        if !json {
            let mut out = cli::stdout();
            writeln!(out, "{}", interval.line())?;
            out.flush()?;
        }
        Ok(())
    };
    let report = load::drive(server, &plan, &mut print_interval)?;
    let mut out = cli::stdout();
    if json {
        let document = serde_json::to_string(&report.json(&plan, server))?;
        writeln!(out, "{document}")?;
    } else {
        report.print(&mut out, &plan)?;
    }
    out.flush()?;
    if report.errors > 0 || report.mismatches > 0 {
        let all = report.errors + report.round_trips + report.warmup_round_trips;
        bail!(say().round_trips_failed(report.errors, all));
    }
    Ok(())
}

/// Connects to the first address that accepts, within `timeout` each.
fn connect(addrs: &[SocketAddr], timeout: Duration) -> Result<(TcpStream, SocketAddr)> {
    let mut last = None;
    for &addr in addrs {
        step!(
            1,
            Step::Socket,
            say().creating_socket(explain::family(&addr), explain::socket_type(true))
        );
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(stream) => return Ok((stream, addr)),
            Err(e) => {
                debug!("connecting to {addr}: {}", error::io_text(&e));
                last = Some((addr, e));
            }
        }
    }
    let Some((addr, e)) = last else {
        bail!(say().no_address());
    };
    let what = anyhow!(say().cannot_connect(addr, &error::io_text(&e)));
    Err(match e.kind() {
        io::ErrorKind::ConnectionRefused => error::hint(
            what,
            say().hint_start_server(&cli::how_to_start("tcp-server")),
        ),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => {
            error::hint(what, say().hint_no_answer(timeout))
        }
        _ => what,
    })
}

/// Sends `message` and reads back exactly as many bytes, checking they are the same, all within
/// `timeout` of starting to send.
fn echo(
    stream: &TcpStream,
    server: SocketAddr,
    message: &[u8],
    timeout: Duration,
) -> Result<Vec<u8>> {
    // One deadline for the whole reply, not a timeout for each read: every read and write may
    // take only the time left.
    let mut stream = Until::new(stream, timeout);
    let mut reply = vec![0; message.len()];
    for (sent, chunk) in message.chunks(CHUNK).enumerate() {
        let start = sent * CHUNK;
        stream
            .write_all(chunk)
            .map_err(|e| io_failure(e, server, timeout, |why| say().sending_to(server, why)))?;
        step!(3, Step::Send, say().sent(chunk.len()));
        let back = &mut reply[start..start + chunk.len()];
        let mut got = 0;
        while got < back.len() {
            match stream.read(&mut back[got..]) {
                Ok(0) => bail!(say().closed_early(server, start + got, message.len())),
                Ok(n) => {
                    got += n;
                    step!(4, Step::Receive, say().received(n, got, chunk.len()));
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    let e = io_failure(e, server, timeout, |why| {
                        say().reading_reply_from(server, why)
                    });
                    // One sentence, so that each language joins its parts its own way.
                    let why = error::chain_text(&e);
                    bail!(say().after_bytes(start + got, message.len(), &why));
                }
            }
        }
        if let Some(at) = back.iter().zip(chunk).position(|(a, b)| a != b) {
            bail!(say().reply_differs(server, start + at));
        }
    }
    Ok(reply)
}

/// Names a failed read or write in the user's terms; `doing` says what was being done, and why
/// it failed.
fn io_failure(
    e: io::Error,
    server: SocketAddr,
    timeout: Duration,
    doing: impl FnOnce(&str) -> String,
) -> anyhow::Error {
    match e.kind() {
        _ if error::is_timeout(&e) => anyhow!(say().no_reply(server, timeout)),
        io::ErrorKind::ConnectionReset => anyhow!(say().reset(server)),
        _ => anyhow!(doing(&error::io_text(&e))),
    }
}

/// True when the server's end of stream (its FIN) is already here before we send ours: then the
/// server, not us, sent the first FIN. A look without waiting; what is there stays to be read.
fn closed_by_server(stream: &TcpStream) -> bool {
    if stream.set_nonblocking(true).is_err() {
        return false;
    }
    let end = matches!(stream.peek(&mut [0u8; 1]), Ok(0));
    let _ = stream.set_nonblocking(false);
    end
}

/// After our FIN: waits up to `wait` for the server's end of stream. Bytes that come instead are
/// more than the echo of what we sent, an error; a server that keeps the connection open is not.
/// Says how the connection ended, for the narration, when it knows.
fn expect_end(
    stream: &TcpStream,
    server: SocketAddr,
    wait: Duration,
    server_first: bool,
) -> Result<Option<Ending>> {
    let mut stream = Until::new(stream, wait);
    let mut buf = [0u8; 4096];
    let mut extra = 0;
    let ending = loop {
        match stream.read(&mut buf) {
            Ok(0) if extra == 0 => {
                step!(5, Step::Close, say().server_closed(server_first));
                break Some(if server_first {
                    Ending::ServerFirst
                } else {
                    Ending::OursFirst
                });
            }
            Ok(0) => break None,
            Ok(n) => extra += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            // Every reply came back whole: a server that stays open, or resets now, is no error.
            Err(e) if error::is_timeout(&e) => {
                debug!("{server} kept the connection open for {wait:?} after our FIN");
                break Some(Ending::ServerStillOpen { waited: wait });
            }
            Err(e) => {
                debug!("waiting for {server} to close: {}", error::io_text(&e));
                let reset = e.kind() == io::ErrorKind::ConnectionReset;
                break reset.then_some(Ending::Reset);
            }
        }
    };
    if extra > 0 {
        bail!(say().sent_more(server, extra as u64));
    }
    Ok(ending)
}

/// A stream whose reads and writes may take only the time left before one deadline: each sets
/// the socket timeout to what is left, and once nothing is left fails as a timed-out read does.
struct Until<'a> {
    stream: &'a TcpStream,
    deadline: Instant,
}

impl<'a> Until<'a> {
    fn new(stream: &'a TcpStream, timeout: Duration) -> Self {
        Until {
            stream,
            deadline: Instant::now() + timeout,
        }
    }

    fn left(&self) -> io::Result<Duration> {
        match self.deadline.checked_duration_since(Instant::now()) {
            Some(left) if !left.is_zero() => Ok(left),
            _ => Err(io::ErrorKind::TimedOut.into()),
        }
    }
}

impl Read for Until<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.stream.set_read_timeout(Some(self.left()?))?;
        let mut stream = self.stream;
        stream.read(buf)
    }
}

impl Write for Until<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.stream.set_write_timeout(Some(self.left()?))?;
        let mut stream = self.stream;
        stream.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
