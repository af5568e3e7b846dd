//! 粘包 and 半包: TCP carries a stream of bytes, not messages. Two sends may arrive as one read
//! (粘包, "stuck together"), and one send may arrive as two reads (半包, "half a packet"). The
//! document's programs read once, up to 1024 bytes, and take that as one message: they work on
//! loopback with short messages, and break when the reader is slower than the writer, or a
//! message is long or crosses a slow network.
//!
//! Part 1 shows both on one connection, deterministically: the reader waits until the bytes are
//! there before it reads (粘包), or reads while only part has been sent (半包). Part 2 frames each
//! message with a length prefix (4 bytes, big-endian, then the message), and the reader recovers
//! every message, however the bytes arrive. (A line per message works as well for text without
//! newlines: `BufRead::read_line` does the same job.)
//!
//! ```text
//! cargo run -p tcp-client --example framing
//! ```

// Both ends are in this program, on 127.0.0.1: an error here is a bug, shown by a panic.
#![allow(clippy::unwrap_used)]
// ANCHOR: program (from here to ANCHOR_END, the book shows this file: book/*/src)
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;

/// Waits until `n` bytes have arrived on `socket`, without reading them: a slow reader.
fn wait_for(socket: &TcpStream, n: usize) {
    let mut peeked = vec![0; n];
    while socket.peek(&mut peeked).unwrap() < n {
        thread::yield_now();
    }
}

/// One read of up to 1024 bytes, as the document's `recv(1024)`: what it got, shown.
fn recv(socket: &mut TcpStream) -> String {
    let mut buffer = [0; 1024];
    let n = socket.read(&mut buffer).unwrap();
    format!("{n} 字节 {:?}", String::from_utf8_lossy(&buffer[..n]))
}

/// Sends one message with its frame: its length in 4 bytes (big-endian), then its bytes.
fn send_message(socket: &mut TcpStream, message: &str) {
    let length = u32::try_from(message.len()).unwrap();
    socket.write_all(&length.to_be_bytes()).unwrap();
    socket.write_all(message.as_bytes()).unwrap();
}

/// Receives one framed message: exactly 4 bytes of length, then exactly that many bytes, each
/// read_exact taking as many reads as the bytes need.
fn recv_message(socket: &mut TcpStream) -> String {
    let mut length = [0; 4];
    socket.read_exact(&mut length).unwrap();
    let mut message = vec![0; u32::from_be_bytes(length) as usize];
    socket.read_exact(&mut message).unwrap();
    String::from_utf8(message).unwrap()
}

fn main() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let mut writer = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    // Each write leaves at once, in a segment of its own: the reads below are the reader's doing.
    writer.set_nodelay(true).unwrap();
    let (mut reader, _) = listener.accept().unwrap();

    println!("== 不分帧 ==");
    // 粘包: two sends, and the reader reads once they have both arrived.
    writer.write_all("你好".as_bytes()).unwrap();
    writer.write_all("服务器!".as_bytes()).unwrap();
    wait_for(&reader, "你好服务器!".len());
    println!("两次 send,一次 recv 读到 {}", recv(&mut reader));
    // 半包: one message sent in two parts, cut inside 好; the reader reads after the first.
    let message = "你好,服务器!".as_bytes();
    writer.write_all(&message[..4]).unwrap();
    wait_for(&reader, 4);
    println!("一条消息,第一次 recv 读到 {}", recv(&mut reader));
    writer.write_all(&message[4..]).unwrap();
    wait_for(&reader, message.len() - 4);
    println!("一条消息,第二次 recv 读到 {}", recv(&mut reader));

    println!("== 长度前缀分帧 ==");
    // The same two cases: two messages that arrive together, then one sent in two parts while
    // the reader is already waiting for it (a thread of its own).
    send_message(&mut writer, "你好");
    send_message(&mut writer, "服务器!");
    wait_for(&reader, 2 * 4 + "你好服务器!".len());
    let waiting = thread::spawn(move || {
        let messages: Vec<String> = (0..3).map(|_| recv_message(&mut reader)).collect();
        messages
    });
    let mut frame = u32::try_from(message.len()).unwrap().to_be_bytes().to_vec();
    frame.extend_from_slice(message);
    let (first, rest) = frame.split_at(4 + 4); // the length, then 你 and a third of 好
    writer.write_all(first).unwrap();
    writer.write_all(rest).unwrap();
    for message in waiting.join().unwrap() {
        println!("收到一条消息 {message:?}");
    }
}
// ANCHOR_END: program
