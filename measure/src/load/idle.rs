//! `--idle N`: what a server holds. Before the load, N idle connections are opened, each checked
//! by one round trip; they are held, doing nothing, while the load runs, and at the end each is
//! checked again. The load runs twice, first without them, so the report can put the active
//! load's latency among N idle connections beside the same load alone (the C10K question).
//! (What this machine allows is checked before anything starts: descriptors.rs.)

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use common::error;
use serde::Serialize;

use crate::messages::t;
use crate::stats::{micros, Figures, Latencies};

/// The idle connections, open.
#[derive(Debug)]
pub struct Idle {
    conns: Vec<TcpStream>,
    opened_in: Duration,
}

/// What `--idle` found, for the report: how many, how long they took to open, how many still
/// echo at the end, and the load's latency without them.
#[derive(Debug)]
pub struct Beside {
    pub connections: usize,
    pub opened_in: Duration,
    pub still_echo: usize,
    pub without: Latencies,
}

/// `--idle` in the JSON document.
#[derive(Debug, Serialize)]
pub struct IdleFigures {
    connections: usize,
    open_s: f64,
    still_echo: usize,
    /// The same load before the idle connections opened.
    latency_without: Figures,
}

impl Idle {
    /// Opens `n` connections to `server`, one after another, each checked by a round trip of
    /// one byte within `timeout`.
    pub fn open(server: SocketAddr, n: usize, timeout: Duration) -> Result<Idle> {
        let began = Instant::now();
        let mut conns = Vec::with_capacity(n);
        for i in 1..=n {
            let conn = TcpStream::connect_timeout(&server, timeout)
                .map_err(anyhow::Error::from)
                .and_then(|conn| {
                    conn.set_read_timeout(Some(timeout))?;
                    conn.set_write_timeout(Some(timeout))?;
                    echoes(&conn)?;
                    Ok(conn)
                })
                .with_context(|| t!("opening-idle", i = i, n = n, server = server))
                .map_err(full_server_hint)?;
            conns.push(conn);
        }
        Ok(Idle {
            conns,
            opened_in: began.elapsed(),
        })
    }

    /// Checks every connection with one more round trip; what the report says of them, beside
    /// the load's latency `without` them.
    pub fn check(self, without: Latencies) -> Beside {
        let still_echo = self.conns.iter().filter(|c| echoes(c).is_ok()).count();
        Beside {
            connections: self.conns.len(),
            opened_in: self.opened_in,
            still_echo,
            without,
        }
    }
}

/// A connection the server closed at once (reset, or end of stream) is most often a server at
/// its cap: the hint says so.
fn full_server_hint(e: anyhow::Error) -> anyhow::Error {
    let closed = e
        .chain()
        .filter_map(|cause| cause.downcast_ref::<io::Error>())
        .any(|io| {
            matches!(
                io.kind(),
                io::ErrorKind::ConnectionReset | io::ErrorKind::UnexpectedEof
            )
        });
    if closed {
        error::hint(e, t!("hint-idle-closed"))
    } else {
        e
    }
}

/// One byte there and back on `conn`.
fn echoes(mut conn: &TcpStream) -> io::Result<()> {
    conn.write_all(b"i")?;
    let mut back = [0u8; 1];
    conn.read_exact(&mut back)?;
    if back != *b"i" {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "echo differs"));
    }
    Ok(())
}

impl Beside {
    /// The report's lines about the idle connections, after its own.
    pub fn print(&self, out: &mut impl Write) -> io::Result<()> {
        writeln!(
            out,
            "idle:         {} connections opened in {:.3} s, each checked by a round trip, held \
             through the load; {} still echo",
            self.connections,
            self.opened_in.as_secs_f64(),
            self.still_echo
        )?;
        match self.without.summary() {
            Some(s) => writeln!(
                out,
                "without idle: latency µs: min {} p50 {} p90 {} p99 {} max {} (the same load, \
                 before they opened)",
                micros(s.min),
                micros(s.p50),
                micros(s.p90),
                micros(s.p99),
                micros(s.max)
            ),
            None => writeln!(out, "without idle: latency µs: none measured"),
        }
    }

    /// The same for the JSON document.
    pub fn figures(&self) -> IdleFigures {
        IdleFigures {
            connections: self.connections,
            open_s: self.opened_in.as_secs_f64(),
            still_echo: self.still_echo,
            latency_without: self.without.figures(false),
        }
    }

    /// An error when some idle connection no longer echoes.
    pub fn verdict(&self) -> Result<()> {
        if self.still_echo < self.connections {
            bail!(t!(
                "idle-lost",
                lost = self.connections - self.still_echo,
                n = self.connections
            ));
        }
        Ok(())
    }
}
