//! Steps 3 and 4's system calls for serving.rs: receive the datagrams waiting, send the
//! replies to them. Two ways, one interface:
//! - on Linux, many datagrams a call (`linux.rs`): `recvmmsg` takes every datagram already
//!   waiting in one call, and `sendmmsg` sends all the replies in one;
//! - elsewhere, and on Linux with `--features portable` (`portable.rs`): one datagram a call,
//!   with std's `recv_from` and `send_to`, as macOS and Windows have them.
//!
//! The interface both keep: [`Batch::new`] makes one thread's buffers; `receive(socket,
//! without_waiting)` waits for a datagram (up to the socket's receive timeout), or when
//! `without_waiting` (the thread is spinning) fails at once as a timed-out receive does if none
//! is there, and returns how many datagrams it took, at most [`SLOTS`]; `datagram(i)` is one of
//! them and its source (`None`: one that cannot be answered); `send(socket, replies)` sends
//! replies in order and returns how many went out before the first that failed, which the caller
//! then sends one by one, to learn which failed.

#[cfg(all(target_os = "linux", not(feature = "portable")))]
mod linux;
#[cfg(all(target_os = "linux", not(feature = "portable")))]
pub use linux::{Batch, SLOTS};

#[cfg(not(all(target_os = "linux", not(feature = "portable"))))]
mod portable;
#[cfg(not(all(target_os = "linux", not(feature = "portable"))))]
pub use portable::{Batch, SLOTS};

#[cfg(test)]
mod tests {
    use std::net::{SocketAddr, UdpSocket};
    use std::time::{Duration, Instant};

    use super::*;

    #[test]
    fn a_batch_takes_the_waiting_datagrams_and_answers_them() {
        let server = UdpSocket::bind("127.0.0.1:0").unwrap();
        let client = UdpSocket::bind("127.0.0.1:0").unwrap();
        client
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        for word in ["one", "two", "three"] {
            client
                .send_to(word.as_bytes(), server.local_addr().unwrap())
                .unwrap();
        }
        let mut batch = Batch::new();
        let mut got = Vec::new();
        while got.len() < 3 {
            let n = batch.receive(&server, false).unwrap();
            assert!((1..=SLOTS).contains(&n), "{n} datagrams in one batch");
            for i in 0..n {
                let (data, from) = batch.datagram(i);
                assert_eq!(from, Some(client.local_addr().unwrap()));
                got.push(data.to_vec());
            }
        }
        assert_eq!(got, [b"one".to_vec(), b"two".to_vec(), b"three".to_vec()]);
        let to = client.local_addr().unwrap();
        let replies: Vec<(Vec<u8>, SocketAddr)> =
            got.iter().map(|d| (d.to_ascii_uppercase(), to)).collect();
        assert_eq!(batch.send(&server, &replies).unwrap(), 3);
        let mut buf = [0u8; 16];
        for want in ["ONE", "TWO", "THREE"] {
            let n = client.recv(&mut buf).unwrap();
            assert_eq!(&buf[..n], want.as_bytes());
        }
    }

    #[test]
    fn a_spinning_receive_does_not_wait_and_the_next_one_waits_again() {
        const TIMEOUT: Duration = Duration::from_millis(200);
        let server = UdpSocket::bind("127.0.0.1:0").unwrap();
        server.set_read_timeout(Some(TIMEOUT)).unwrap();
        let client = UdpSocket::bind("127.0.0.1:0").unwrap();
        let mut batch = Batch::new();
        // Nothing waiting: a spinning receive says so at once, as a timed-out one does.
        let e = batch.receive(&server, true).unwrap_err();
        assert!(common::error::is_timeout(&e), "{e:?}");
        client.send_to(b"x", server.local_addr().unwrap()).unwrap();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(5) {
            match batch.receive(&server, true) {
                Ok(n) => {
                    assert_eq!(n, 1);
                    break;
                }
                Err(e) => assert!(common::error::is_timeout(&e), "{e:?}"),
            }
        }
        assert_eq!(batch.datagram(0).0, b"x");
        // Spinning over: the next receive waits for the socket's timeout again, not a moment.
        let started = Instant::now();
        let e = batch.receive(&server, false).unwrap_err();
        assert!(common::error::is_timeout(&e), "{e:?}");
        assert!(started.elapsed() >= TIMEOUT / 2, "{:?}", started.elapsed());
    }
}
