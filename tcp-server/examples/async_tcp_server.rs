//! Rung 4: rung 3's server as the Rust ecosystem writes it, with tokio. The runtime is rung 3's
//! event loop (mio inside), and each `.await` is a place where rung 3 would get WouldBlock and
//! go back to `poll()`; a task is rung 3's `Client` record, not a thread.
//!
//! ```text
//! cargo run -p tcp-server --example async_tcp_server    # 服务器启动,监听 127.0.0.1:8888
//! ```
// ANCHOR: program (from here to ANCHOR_END, the book shows this file: book/*/src)
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

// One thread runs the loop, as in rung 3 (`#[tokio::main(flavor = "current_thread")]` alone: a thread per CPU, as tcp-server).
#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let port = std::env::args().nth(1).map_or(Ok(8888), |p| p.parse()); // 0: any free port
    let port = port.map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    let server_socket = TcpListener::bind(("127.0.0.1", port)).await?; // socket, bind, listen, register
    println!("服务器启动,监听 {}", server_socket.local_addr()?);
    loop {
        let (mut client_socket, addr) = server_socket.accept().await?; // readable? accept
        println!("连接地址: {addr}");
        tokio::spawn(async move {
            // A task: the state rung 3 keeps in `Client`, here the future's own variables.
            let mut buffer = [0; 1024];
            loop {
                let n = match client_socket.read(&mut buffer).await {
                    Ok(0) | Err(_) => break, // read until WouldBlock, then wait for readable
                    Ok(n) => n,
                };
                println!("收到: {}", String::from_utf8_lossy(&buffer[..n]));
                // Waits for writable while the socket is full, reading nothing meanwhile: `unsent`.
                if client_socket.write_all(&buffer[..n]).await.is_err() {
                    break;
                }
            }
        });
    }
}
// ANCHOR_END: program
