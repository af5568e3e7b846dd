//! The measuring modes' sentences in English.

use std::net::SocketAddr;
use std::time::Duration;

use common::text::count;

use super::Messages;

pub struct English;

impl Messages for English {
    fn creating_epoll(&self) -> &'static str {
        "creating an epoll instance"
    }

    fn registering_connection(&self) -> &'static str {
        "registering a connection"
    }

    fn creating_waker(&self) -> &'static str {
        "creating a waker"
    }

    fn waiting_for_events(&self) -> &'static str {
        "waiting for socket events"
    }

    fn creating_timer(&self) -> &'static str {
        "creating the load's timer (timerfd)"
    }

    fn setting_timer(&self) -> &'static str {
        "setting the load's timer (timerfd)"
    }

    fn connecting(&self) -> &'static str {
        "connecting"
    }

    fn connecting_to(&self, server: SocketAddr) -> String {
        format!("connecting to {server}")
    }

    fn setting_option(&self, option: &str) -> String {
        format!("setting {option}")
    }

    fn making_nonblocking(&self) -> &'static str {
        "making the socket non-blocking"
    }

    fn sending(&self) -> &'static str {
        "sending"
    }

    fn reading_echo(&self) -> &'static str {
        "reading the echo"
    }

    fn no_reply(&self, server: SocketAddr, timeout: Duration) -> String {
        format!("no reply from {server} within {timeout:?}")
    }

    fn load_closed_early(&self, got: usize, size: usize) -> String {
        format!("the server closed the connection after {got} of {size} bytes")
    }

    fn echo_differs(&self) -> &'static str {
        "the echo differs from what was sent"
    }

    fn load_sent_more(&self, extra: u64) -> String {
        format!(
            "the server sent {} more than the echo",
            count(extra, "byte", "bytes")
        )
    }

    fn round_trips_failed(&self, failed: u64, all: u64) -> String {
        format!("{failed} of {all} round trips failed")
    }

    fn setting_up_stop(&self) -> &'static str {
        "setting up Ctrl-C to end ping mode with its summary"
    }

    fn waiting_for_replies(&self, server: SocketAddr) -> String {
        format!("waiting for replies from {server}")
    }
    fn no_ping_answer(&self, sent: u64) -> String {
        match sent {
            1 => "no reply to the 1 datagram sent".to_owned(),
            _ => format!("no reply to any of {sent} datagrams"),
        }
    }

    fn hint_ping_strays(&self, strays: u64) -> String {
        format!(
            "{} came that answer none of them: ping mode counts only an echo or the uppercase of \
             its datagrams, which start with their sequence number, and this server answers with \
             something else",
            count(strays, "datagram", "datagrams")
        )
    }

    fn hint_ping_unreachable(&self, unreachable: u64, start: &str) -> String {
        format!(
            "{} came back as an ICMP port-unreachable message: nothing listens on that port; \
             start the server with `{start}` (and the same --port)",
            count(unreachable, "datagram", "datagrams")
        )
    }

    fn ping_short_of_count(&self, received: u64, wanted: u64, deadline: Duration) -> String {
        format!(
            "only {received} of the {wanted} replies --count asks for came within the \
             --deadline of {deadline:?}"
        )
    }
}
