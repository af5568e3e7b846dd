//! What the four binaries of bench/peers share: their `--name value` options and the
//! `listening on` line that bench/compare.py reads to learn a server's port.

use std::collections::HashMap;
use std::fmt::Display;
use std::io::Write;
use std::process::exit;
use std::str::FromStr;

/// The command line's `--name value` pairs, checked against the names a program knows.
#[derive(Debug)]
pub struct Args(HashMap<String, String>);

impl Args {
    /// Reads the command line; `--help` prints `usage`, anything else unknown exits with status 2.
    pub fn parse(usage: &str, known: &[&str]) -> Args {
        let mut pairs = HashMap::new();
        let mut args = std::env::args().skip(1);
        while let Some(name) = args.next() {
            if name == "--help" || name == "-h" {
                println!("{usage}");
                exit(0);
            }
            if !known.contains(&name.as_str()) {
                fail(format!("unknown option {name}\n{usage}"));
            }
            match args.next() {
                Some(value) => pairs.insert(name, value),
                None => fail(format!("{name} needs a value\n{usage}")),
            };
        }
        Args(pairs)
    }

    /// The value of `--name`, or `default` when it was not given.
    pub fn get<T: FromStr>(&self, name: &str, default: T) -> T {
        match self.0.get(name) {
            None => default,
            Some(value) => value
                .parse()
                .unwrap_or_else(|_| fail(format!("{name}: cannot read {value:?}"))),
        }
    }
}

/// Prints `error: …` on stderr and exits with status 2.
pub fn fail(message: impl Display) -> ! {
    eprintln!("error: {message}");
    exit(2)
}

/// Prints `listening on ADDR` on stdout and flushes it, as our servers do.
pub fn announce(addr: impl Display) {
    let mut out = std::io::stdout().lock();
    // A closed stdout does not stop a server: the line is for whoever reads it.
    let _ = writeln!(out, "listening on {addr}").and_then(|()| out.flush());
}
