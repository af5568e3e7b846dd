//! Command lines shown in hints, as the user would type them: how to start a program (under
//! `cargo run` or installed), its arguments after `--` when cargo starts it, and each argument
//! quoted as a POSIX shell reads it back.

/// How the user would start `program` (a sibling, such as the server a client needs), for a
/// hint: `cargo run -p tcp-server` when this program was itself started by `cargo run` (which
/// sets CARGO for it), else the program's name, as an installed one is typed.
pub fn how_to_start(program: &str) -> String {
    if std::env::var_os("CARGO").is_some() {
        format!("cargo run -p {program}")
    } else {
        program.to_string()
    }
}

/// `start` (from [`how_to_start`]) ready for the program's own arguments: `cargo run -p NAME`
/// needs `--` before them, an installed program does not.
pub fn with_args(start: &str) -> String {
    if start.starts_with("cargo ") {
        format!("{start} --")
    } else {
        start.to_owned()
    }
}

/// How the user would start `program` (a server a client needs) on `port`, for a hint that shows
/// the whole command: `cargo run -p udp-server -- --port 9000` under `cargo run`, else
/// `udp-server --port 9000`.
pub fn how_to_start_on(program: &str, port: u16) -> String {
    format!("{} --port {port}", with_args(&how_to_start(program)))
}

/// The command the user meant: `start` (how they run this program) with `--host HOST --port PORT`,
/// then the arguments they gave (`args`, without the program's name), less `server` (the
/// MESSAGE that named the server) and any `--host` or `--port` they gave.
pub fn corrected_command(
    start: &str,
    args: &[String],
    server: &str,
    host: &str,
    port: u16,
) -> String {
    let mut kept: Vec<&str> = Vec::new();
    let mut rest = args.iter().map(String::as_str);
    while let Some(arg) = rest.next() {
        match arg {
            // An option and its value: dropped together.
            "--host" | "--port" | "-p" => {
                rest.next();
            }
            _ if arg.starts_with("--host=") || arg.starts_with("--port=") => {}
            _ if arg.starts_with("-p") && arg[2..].parse::<u16>().is_ok() => {}
            _ => kept.push(arg),
        }
    }
    if let Some(at) = kept.iter().position(|&arg| arg == server) {
        kept.remove(at);
    }
    let mut command = format!("{} --host {} --port {port}", with_args(start), quoted(host));
    for arg in kept {
        command.push(' ');
        command.push_str(&quoted(arg));
    }
    command
}

/// `arg` as a POSIX shell reads it back: as it is when it holds nothing the shell treats
/// specially, else in single quotes.
pub fn quoted(arg: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:=@%+,[]".contains(c);
    if !arg.is_empty() && arg.chars().all(plain) {
        arg.to_owned()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_started_on_a_port_gets_the_port_where_its_command_takes_it() {
        // Each test sets CARGO or not as it likes: the two at once, in one test.
        let under_cargo = std::env::var_os("CARGO").is_some();
        let expected = if under_cargo {
            "cargo run -p tcp-server -- --port 9000"
        } else {
            "tcp-server --port 9000"
        };
        assert_eq!(how_to_start_on("tcp-server", 9000), expected);
    }

    #[test]
    fn the_corrected_command_keeps_the_other_arguments_and_drops_the_old_host_and_port() {
        let args = |s: &str| s.split(' ').map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(
            corrected_command(
                "udp-client",
                &args("-c 3 -i 0.2 10.0.0.5:9999"),
                "10.0.0.5:9999",
                "10.0.0.5",
                9999
            ),
            "udp-client --host 10.0.0.5 --port 9999 -c 3 -i 0.2"
        );
        assert_eq!(
            corrected_command(
                "cargo run -p udp-client",
                &args("--port 7 --host=x -p8 -p 9 example.com hi"),
                "example.com",
                "example.com",
                7
            ),
            "cargo run -p udp-client -- --host example.com --port 7 hi"
        );
        assert_eq!(
            corrected_command(
                "udp-client",
                &["h.com".into(), "it's me".into()],
                "h.com",
                "h.com",
                1
            ),
            r"udp-client --host h.com --port 1 'it'\''s me'"
        );
    }
}
