//! tokio-echo: the TCP echo server as tokio's own examples write it, the `tokio` row of
//! bench/compare.py's TCP columns. The multi-threaded runtime with its defaults (one worker per
//! CPU it may run on: compare.py pins it to one, as it does ours), a task per connection, a
//! 64 KiB buffer, TCP_NODELAY on each accepted socket. `--port 0` picks a free port; the
//! `listening on 127.0.0.1:PORT` line on stdout says which.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const USAGE: &str = "usage: tokio-echo [--port PORT]   (default 8888; 0 picks a free one)";

#[tokio::main]
async fn main() {
    let args = peers::Args::parse(USAGE, &["--port"]);
    let port: u16 = args.get("--port", 8888);
    let listener = TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap_or_else(|e| peers::fail(format!("bind 127.0.0.1:{port}: {e}")));
    let addr = listener
        .local_addr()
        .unwrap_or_else(|e| peers::fail(format!("local address: {e}")));
    peers::announce(addr);
    loop {
        match listener.accept().await {
            Ok((socket, _)) => {
                tokio::spawn(echo(socket));
            }
            // Out of file descriptors, say: the next accept may succeed once one closes.
            Err(e) => eprintln!("accept: {e}"),
        }
    }
}

async fn echo(mut socket: TcpStream) {
    if socket.set_nodelay(true).is_err() {
        return;
    }
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match socket.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        if socket.write_all(&buf[..n]).await.is_err() {
            return;
        }
    }
}
