//! Rung 3: one thread serves every client by IO multiplexing (IO多路复用, select/poll/epoll), the
//! answer to the C10K problem (C10K问题). Rather than a thread blocked in `recv()` per client
//! (rung 2), one thread asks the kernel which sockets are ready (mio: epoll, kqueue or IOCP) and
//! serves those: an idle client costs a small record, not a thread. A client whose echo is not
//! yet written is not read meanwhile: one that never reads fills its own buffers, not ours.
//!
//! ```text
//! cargo run -p tcp-server --example event_loop_tcp_server   # 服务器启动,监听 127.0.0.1:8888
//! cargo run -p tcp-client --example seed_tcp_client         # 来自服务器的数据: 你好,服务器!
//! ```
// ANCHOR: program (from here to ANCHOR_END, the book shows this file: book/*/src)
use std::collections::HashMap;
use std::io::{self, ErrorKind, Read, Write};
use std::net::SocketAddr;

use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Registry, Token};

const SERVER: Token = Token(0); // the listening socket's; each client gets the next number

/// What the server keeps for a client between events: all that an idle client costs.
struct Client {
    socket: TcpStream,
    /// Bytes received and not yet echoed: the socket took less than we had.
    unsent: Vec<u8>,
    /// What the kernel is asked to tell about this socket: readable, or writable.
    interest: Interest,
}

/// Like the seed, an error of the listening socket ends the program (returned to main).
fn start_server(port: u16) -> io::Result<()> {
    let mut poll = Poll::new()?;
    // socket(), bind() and listen() in one call, as in rung 1; the socket is non-blocking.
    let mut server_socket = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port)))?;
    println!("服务器启动,监听 {}", server_socket.local_addr()?);
    // Register: wake us when a connection is waiting to be accepted.
    let registry = poll.registry().try_clone()?;
    registry.register(&mut server_socket, SERVER, Interest::READABLE)?;
    let mut clients: HashMap<Token, Client> = HashMap::new();
    let (mut events, mut next_token) = (Events::with_capacity(1024), 1);
    loop {
        // Wait: the one place this thread sleeps, until some socket is ready.
        match poll.poll(&mut events, None) {
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            result => result?,
        }
        for event in events.iter() {
            let token = event.token();
            if token == SERVER {
                // Accept every waiting connection until WouldBlock (or an error such as no
                // descriptor left: the rest wait for the next one; tcp-server makes room).
                while let Ok((mut socket, addr)) = server_socket.accept() {
                    println!("连接地址: {addr}");
                    let (token, interest) = (Token(next_token), Interest::READABLE);
                    next_token += 1;
                    registry.register(&mut socket, token, interest)?;
                    clients.insert(
                        token,
                        Client {
                            socket,
                            unsent: Vec::new(),
                            interest,
                        },
                    );
                }
            } else if let Some(client) = clients.get_mut(&token) {
                if !serve(client, &registry, token) {
                    // Gone, or failed: only this client's record goes.
                    let _ = registry.deregister(&mut client.socket);
                    clients.remove(&token);
                }
            }
        }
    }
}

/// Serves a ready client: writes back what waits, reads what came, and again, until the socket
/// would block. False when the client is gone.
fn serve(client: &mut Client, registry: &Registry, token: Token) -> bool {
    let mut buffer = [0; 1024];
    let wanted = loop {
        // Write first: the echo of what was read before.
        while !client.unsent.is_empty() {
            match client.socket.write(&client.unsent) {
                Ok(n) => _ = client.unsent.drain(..n),
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => return false,
            }
        }
        // Its buffer is full: wait until it is writable, and read nothing meanwhile.
        if !client.unsent.is_empty() {
            break Interest::WRITABLE;
        }
        match client.socket.read(&mut buffer) {
            Ok(0) => return false, // end of stream: the client closed
            Ok(n) => {
                println!("收到: {}", String::from_utf8_lossy(&buffer[..n]));
                client.unsent.extend_from_slice(&buffer[..n]);
            }
            // Nothing more for now: wait until it is readable again.
            Err(e) if e.kind() == ErrorKind::WouldBlock => break Interest::READABLE,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    };
    if wanted != client.interest {
        client.interest = wanted;
        return registry
            .reregister(&mut client.socket, token, wanted)
            .is_ok();
    }
    true
}

fn main() -> io::Result<()> {
    // An optional first argument replaces the port (0: any free one).
    let port = std::env::args().nth(1).map_or(Ok(8888), |p| p.parse());
    start_server(port.map_err(|e| io::Error::new(ErrorKind::InvalidInput, e))?)
}
// ANCHOR_END: program
