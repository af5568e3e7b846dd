//! udp-client: the document's interactive UDP client. Each line you type goes to the server as
//! one datagram; the reply (its uppercase, from udp-server) is printed; `quit` ends it.
//!
//! UDP, in the document's words, is like a text message: the other side may not be there, and
//! nothing says so. The document's client then waits for ever. This one waits `--timeout` for
//! each try, sends again up to `--retries` times, and then says that no reply came. Its socket is
//! connected to the server's address, so when nothing listens there the operating system's
//! "port unreachable" is reported at once instead of a silent wait.
//!
//! Start the server first, then the client in a second terminal:
//!
//! ```text
//! cargo run -p udp-server                      # listening on 127.0.0.1:12345
//! cargo run -p udp-client                      # Enter message (or 'quit' to exit): hello
//!                                              # Received from server: HELLO
//! cargo run -p udp-client -- hello world       # one reply line per message, then exit
//! ```

use std::io::{self, Write};
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use clap::Parser;
use common::addr::{self, DEFAULT_HOST, MAX_DATAGRAM, UDP_PORT};
use common::text::{count, lossy, uppercase};
use common::{cli, error, explain, input, step};
use log::{debug, info};

mod ping;

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

    /// Bytes in each ping datagram (the first 10 are its sequence number)
    #[arg(long, short = 's', default_value_t = 64, requires = "count", help_heading = "Ping mode",
          value_parser = clap::value_parser!(u64).range(ping::SEQ_DIGITS as u64..=MAX_DATAGRAM as u64))]
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
    let mut client = Client {
        socket,
        server,
        timeout: args.timeout,
        tries: args.retries + 1,
        buf: vec![0; 64 * 1024],
    };

    let mut out = io::stdout().lock();
    if let Some(count) = args.count {
        let plan = ping::Plan {
            count,
            size: args.size as usize,
            interval: Duration::from_millis(args.interval),
            timeout: args.timeout,
            quiet: args.quiet,
        };
        let outcome = ping::run(&client.socket, server, &plan, &mut out)?;
        if outcome.received == 0 {
            bail!("no reply to any of {} datagrams", outcome.sent);
        }
        return Ok(());
    }
    if !args.messages.is_empty() {
        // Check every message before sending any, so a bad one does not stop a run halfway.
        for message in &args.messages {
            fits_in_a_datagram(message.as_bytes())?;
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

/// A connected UDP socket that asks the server and waits for the matching answer.
struct Client {
    socket: UdpSocket,
    server: SocketAddr,
    timeout: Duration,
    tries: u32,
    buf: Vec<u8>,
}

impl Client {
    /// Sends `message` as one datagram and returns the server's answer to it, sending again
    /// when none came within the timeout.
    fn ask(&mut self, message: &[u8]) -> Result<Vec<u8>> {
        fits_in_a_datagram(message)?;
        self.discard_late_replies()?;
        // Our server answers with the uppercase; a plain echo server with the message itself.
        // Anything else is a late reply to an earlier datagram, and not this one's answer.
        let expected = uppercase(message);
        for attempt in 1..=self.tries {
            // Step 3: send the datagram. It goes out whether or not anyone is there.
            self.socket
                .send(message)
                .map_err(|e| self.failure(e, "sending to"))?;
            step!(
                "3 send",
                "sent a {}-byte datagram to {} (try {attempt} of {})",
                message.len(),
                self.server,
                self.tries
            );
            // Step 4: wait for the reply, but not for ever.
            let deadline = Instant::now() + self.timeout;
            while let Some(left) = deadline.checked_duration_since(Instant::now()) {
                if left.is_zero() {
                    break;
                }
                self.socket.set_read_timeout(Some(left))?;
                match self.socket.recv(&mut self.buf) {
                    Ok(n) if self.buf[..n] == expected[..] || self.buf[..n] == *message => {
                        step!(
                            "4 receive",
                            "received a {n}-byte datagram from {}",
                            self.server
                        );
                        return Ok(self.buf[..n].to_vec());
                    }
                    Ok(n) => debug!("ignoring a {n}-byte datagram that answers an earlier one"),
                    Err(e) if error::is_timeout(&e) => {
                        step!(
                            "4 receive",
                            "nothing came within {:?}: lost on the way there or back, or no one is listening",
                            self.timeout
                        );
                        break;
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(self.failure(e, "waiting for a reply from")),
                }
            }
            if attempt < self.tries {
                info!(
                    "no reply from {} within {:?}, sending again (try {} of {})",
                    self.server,
                    self.timeout,
                    attempt + 1,
                    self.tries
                );
            }
        }
        Err(error::hint(
            anyhow!(
                "no reply from {} after {} of {:?} each",
                self.server,
                count(u64::from(self.tries), "try", "tries"),
                self.timeout
            ),
            "UDP does not guarantee delivery, and says nothing when a datagram is lost: \
             check that udp-server is running there (`cargo run -p udp-server`)",
        ))
    }

    /// Drops replies that came in after their request had timed out, so that none of them is
    /// taken for the answer to the next message.
    fn discard_late_replies(&mut self) -> Result<()> {
        self.socket.set_nonblocking(true)?;
        loop {
            match self.socket.recv(&mut self.buf) {
                Ok(n) => debug!("discarding a late {n}-byte reply"),
                // An earlier datagram's "port unreachable": this one will learn afresh.
                Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        self.socket.set_nonblocking(false)?;
        Ok(())
    }

    fn failure(&self, e: io::Error, action: &str) -> anyhow::Error {
        failure(e, self.server, action)
    }
}

/// Names a failed send or receive on the connected socket: a refusal is the OS's "port
/// unreachable", nothing listening there.
fn failure(e: io::Error, server: SocketAddr, action: &str) -> anyhow::Error {
    if e.kind() == io::ErrorKind::ConnectionRefused {
        error::hint(
            anyhow!("nothing is listening on {server} (port unreachable)"),
            "start the server with `cargo run -p udp-server` (and the same --port)",
        )
    } else {
        anyhow!("{action} {server}: {}", error::io_text(&e))
    }
}

/// Refuses a message no datagram can carry, before anything is sent.
fn fits_in_a_datagram(message: &[u8]) -> Result<()> {
    if message.len() > MAX_DATAGRAM {
        bail!(
            "the message is {} bytes; a UDP datagram carries at most {MAX_DATAGRAM}: nothing was sent",
            message.len()
        );
    }
    Ok(())
}
