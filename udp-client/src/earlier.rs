//! Which datagram is not the answer: the earlier messages some of whose datagrams are still
//! unanswered, and the replies that provably belong to them (see client.rs, which asks). A reply
//! is set aside only when it is the uppercase or the echo of a message given up on, or a repeat
//! of the answer to a message sent more than once.

use std::collections::VecDeque;

use common::text::{escaped, lossy, shorten};

use crate::messages::t;

/// Why a datagram that came is not the answer to the message being sent, and is set aside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotTheAnswer {
    /// It is the uppercase or the echo of `message`, sent earlier and given up on: that
    /// message's late reply.
    Late { message: String },
    /// It repeats the answer already taken for `message`, sent earlier more than once: the
    /// reply to another of its tries.
    Repeat { message: String },
    /// It was already waiting before this message was sent.
    Early,
}

impl NotTheAnswer {
    /// What `--explain` says of a `len`-byte datagram set aside for this reason.
    pub fn said(&self, len: usize) -> String {
        let (why, message) = match self {
            NotTheAnswer::Late { message } => ("late", escaped(message)),
            NotTheAnswer::Repeat { message } => ("repeat", escaped(message)),
            NotTheAnswer::Early => ("early", String::new()),
        };
        t!("set-aside", len = len, why = why, message = message)
    }
}

/// How many earlier messages a late reply can still be matched to.
const REMEMBERED: usize = 16;

/// Earlier messages some of whose datagrams are still unanswered: the replies that provably
/// belong to them.
#[derive(Debug, Default)]
pub struct Earlier {
    /// Oldest first.
    messages: VecDeque<Unanswered>,
}

#[derive(Debug)]
struct Unanswered {
    message: Vec<u8>,
    /// What its replies look like: its uppercase and its echo while it has no answer, or the
    /// answer taken for it once it has one.
    replies: Vec<Vec<u8>>,
    answered: bool,
    /// Its datagrams that no reply has come for yet: each may still bring one.
    datagrams: u32,
}

impl Earlier {
    /// `message` was answered, and `others` of its datagrams are still unanswered: their
    /// replies, the same answer again, are repeats.
    pub fn answered(&mut self, message: &[u8], answer: &[u8], others: u32) {
        self.remember(message, vec![answer.to_vec()], true, others);
    }

    /// `message` got no answer to any of its `tries` datagrams, each of which may still bring
    /// its `expected` answer, or an echo.
    pub fn gave_up(&mut self, message: &[u8], expected: &[u8], tries: u32) {
        let mut replies = vec![expected.to_vec()];
        if expected != message {
            replies.push(message.to_vec());
        }
        self.remember(message, replies, false, tries);
    }

    fn remember(&mut self, message: &[u8], replies: Vec<Vec<u8>>, answered: bool, datagrams: u32) {
        if datagrams == 0 {
            return;
        }
        if self.messages.len() == REMEMBERED {
            self.messages.pop_front();
        }
        self.messages.push_back(Unanswered {
            message: message.to_vec(),
            replies,
            answered,
            datagrams,
        });
    }

    /// The earlier message `datagram` provably answers, which then has one unanswered datagram
    /// less. A message the same as `current` does not count: a reply to it may be either's.
    pub fn claim(&mut self, datagram: &[u8], current: Option<&[u8]>) -> Option<NotTheAnswer> {
        let at = self.messages.iter().position(|earlier| {
            current != Some(&earlier.message[..]) && earlier.replies.iter().any(|r| r == datagram)
        })?;
        let earlier = &mut self.messages[at];
        earlier.datagrams -= 1;
        let message = shorten(&lossy(&earlier.message), 40);
        let why = if earlier.answered {
            NotTheAnswer::Repeat { message }
        } else {
            NotTheAnswer::Late { message }
        };
        // Its first reply is its answer: any other is a repeat of that.
        earlier.answered = true;
        earlier.replies = vec![datagram.to_vec()];
        if earlier.datagrams == 0 {
            self.messages.remove(at);
        }
        Some(why)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn late(message: &str) -> Option<NotTheAnswer> {
        Some(NotTheAnswer::Late {
            message: message.to_owned(),
        })
    }

    fn repeat(message: &str) -> Option<NotTheAnswer> {
        Some(NotTheAnswer::Repeat {
            message: message.to_owned(),
        })
    }

    #[test]
    fn a_reply_is_set_aside_only_while_an_earlier_datagram_it_answers_is_unanswered() {
        let mut earlier = Earlier::default();
        // "first" got no answer to either of its two datagrams.
        earlier.gave_up(b"first", b"FIRST", 2);
        // Something else is not provably first's: it is the next message's answer.
        assert_eq!(earlier.claim(b"tsrif", Some(b"second")), None);
        assert_eq!(earlier.claim(b"FIRST", Some(b"second")), late("first"));
        // first's other datagram may bring the same answer once more, and no more.
        assert_eq!(earlier.claim(b"FIRST", Some(b"second")), repeat("first"));
        assert_eq!(earlier.claim(b"FIRST", Some(b"second")), None);
    }

    #[test]
    fn a_message_sent_again_has_its_answer_repeated_whatever_the_server_answers() {
        let mut earlier = Earlier::default();
        // "hello" was answered on its second try, by a server that reverses.
        earlier.answered(b"hello", b"olleh", 1);
        assert_eq!(earlier.claim(b"dlrow", Some(b"world")), None);
        assert_eq!(earlier.claim(b"olleh", Some(b"world")), repeat("hello"));
        assert_eq!(earlier.claim(b"olleh", Some(b"world")), None);
        // Answered on the first try: nothing more to come.
        earlier.answered(b"hello", b"olleh", 0);
        assert_eq!(earlier.claim(b"olleh", Some(b"world")), None);
    }

    #[test]
    fn a_reply_to_the_same_message_sent_again_is_not_provably_the_earlier_ones() {
        let mut earlier = Earlier::default();
        earlier.gave_up(b"hello", b"HELLO", 1);
        assert_eq!(earlier.claim(b"hello", Some(b"hello")), None);
        // Before the second "hello" is sent, the reply can only be the first one's.
        assert_eq!(earlier.claim(b"hello", None), late("hello"));
    }

    #[test]
    fn only_the_most_recent_messages_are_remembered() {
        let mut earlier = Earlier::default();
        for i in 0..=REMEMBERED {
            let m = format!("m{i}");
            earlier.gave_up(m.as_bytes(), m.to_uppercase().as_bytes(), 1);
        }
        assert_eq!(earlier.claim(b"M0", None), None);
        assert_eq!(earlier.claim(b"M1", None), late("m1"));
    }
}
