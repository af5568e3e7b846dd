//! Showing received bytes as text, and the UDP server's uppercase.
//!
//! TCP delivers a stream, not messages: one read can end in the middle of a multibyte UTF-8
//! character. The document's `recv(1024).decode('utf-8')` crashes on exactly that.
//! [`Utf8Decoder`] keeps the incomplete end of one read for the next instead.

/// Decodes a byte stream read in pieces into text, never failing.
///
/// An incomplete character at the end of a piece is kept until the next one; bytes that can never
/// be UTF-8 become U+FFFD, one per maximal invalid sequence, as [`String::from_utf8_lossy`] does.
/// Decoding a stream in any split gives the same text as decoding it whole.
#[derive(Debug, Default, Clone)]
pub struct Utf8Decoder {
    // At most 3 bytes: the start of a character whose remaining bytes have not arrived yet.
    pending: Vec<u8>,
}

impl Utf8Decoder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Decodes the next piece of the stream.
    pub fn decode(&mut self, piece: &[u8]) -> String {
        let joined;
        let bytes = if self.pending.is_empty() {
            piece
        } else {
            joined = [std::mem::take(&mut self.pending).as_slice(), piece].concat();
            &joined[..]
        };
        let mut out = String::with_capacity(bytes.len());
        let mut chunks = bytes.utf8_chunks().peekable();
        while let Some(chunk) = chunks.next() {
            out.push_str(chunk.valid());
            let bad = chunk.invalid();
            // Bytes at the very end that could still become a character wait for the rest of it;
            // any other invalid sequence is one U+FFFD.
            let incomplete = chunks.peek().is_none()
                && std::str::from_utf8(bad).is_err_and(|e| e.error_len().is_none());
            if incomplete {
                self.pending = bad.to_vec();
            } else if !bad.is_empty() {
                out.push(char::REPLACEMENT_CHARACTER);
            }
        }
        out
    }

    /// Decodes the next piece for a log line, shortened as [`for_log`] does. A piece too long
    /// for a line to show whole is decoded only as far as the line shows (decoding 256 KiB to
    /// show 80 characters cost a short stream a third of its speed), and the decoder starts
    /// afresh after it: a character split at its end shows as U+FFFD.
    pub fn decode_for_log(&mut self, piece: &[u8]) -> String {
        if piece.len() <= LOG_BYTES {
            return for_log(&self.decode(piece));
        }
        let head = self.decode(&piece[..LOG_BYTES]);
        *self = Utf8Decoder::new();
        let cut = head
            .char_indices()
            .nth(LOG_CHARS)
            .map_or(head.len(), |(at, _)| at);
        format!("{}… ({} bytes)", &head[..cut], piece.len())
    }

    /// Ends the stream: a character left incomplete becomes U+FFFD.
    pub fn finish(&mut self) -> String {
        if self.pending.is_empty() {
            String::new()
        } else {
            self.pending.clear();
            char::REPLACEMENT_CHARACTER.to_string()
        }
    }
}

/// Shortens `text` for a log line: at most `max` characters, then `…` and the full length.
pub fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_owned(),
        Some((cut, _)) => format!("{}… ({} chars)", &text[..cut], text.chars().count()),
    }
}

/// `n` things, in the plural unless there is one: `count(1, "try", "tries")` is "1 try".
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Characters of received text a log line shows.
const LOG_CHARS: usize = 80;
/// Bytes that always hold that many characters: UTF-8 takes at most 4 a character.
const LOG_BYTES: usize = 4 * LOG_CHARS;

/// Received text as a log line shows it: at most 80 characters.
pub fn for_log(text: &str) -> String {
    shorten(text, LOG_CHARS)
}

/// Decodes `bytes` on their own, for one datagram or one reply: invalid bytes become U+FFFD.
pub fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Text shown inside quotes or on a terminal: quotes, backslashes and control characters escaped
/// as Rust writes them (`\"`, `\\`, `\n`, `\u{1b}`), so it reads back unambiguously and
/// cannot move the cursor, retitle the window or clear the screen. The servers' logs show what
/// they received the same way (`{:?}`).
pub fn escaped(text: &str) -> String {
    let quoted = format!("{text:?}");
    quoted[1..quoted.len() - 1].to_owned()
}

/// Bytes escaped as [`escaped`] escapes text, each byte that is not part of UTF-8 text shown as
/// `\xNN`.
pub fn escaped_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(&escaped(chunk.valid()));
        for byte in chunk.invalid() {
            out.push_str(&format!("\\x{byte:02x}"));
        }
    }
    out
}

/// The UDP server's reply: valid UTF-8 gets full Unicode uppercase (`straße` -> `STRASSE`);
/// anything else gets its ASCII letters uppercased and every other byte kept in place.
pub fn uppercase(data: &[u8]) -> Vec<u8> {
    match std::str::from_utf8(data) {
        Ok(text) => text.to_uppercase().into_bytes(),
        Err(_) => data.to_ascii_uppercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_in_pieces(bytes: &[u8], size: usize) -> String {
        let mut d = Utf8Decoder::new();
        let mut out: String = bytes.chunks(size).map(|c| d.decode(c)).collect();
        out.push_str(&d.finish());
        out
    }

    #[test]
    fn a_character_split_across_reads_is_shown_whole() {
        let mut d = Utf8Decoder::new();
        let bytes = "你好".as_bytes();
        assert_eq!(d.decode(&bytes[..1]), "");
        assert!(!d.pending.is_empty());
        assert_eq!(d.decode(&bytes[1..4]), "你");
        assert_eq!(d.decode(&bytes[4..]), "好");
        assert_eq!(d.finish(), "");
    }

    #[test]
    fn every_split_gives_the_whole_text() {
        let mut bytes = "你好,服务器! straße 🦀 ok".as_bytes().to_vec();
        bytes.extend_from_slice(b"\xff\xe4\xbd x \xf0\x9f");
        let whole = decode_in_pieces(&bytes, bytes.len());
        assert_eq!(whole, String::from_utf8_lossy(&bytes));
        for size in 1..bytes.len() {
            assert_eq!(decode_in_pieces(&bytes, size), whole, "pieces of {size}");
        }
    }

    #[test]
    fn invalid_bytes_become_replacement_characters() {
        let mut d = Utf8Decoder::new();
        assert_eq!(d.decode(b"a\xffb"), "a\u{fffd}b");
        assert_eq!(d.decode(b"\xe4\xbd"), "");
        assert_eq!(d.decode(b"z"), "\u{fffd}z");
        assert_eq!(d.decode(b"\xe4"), "");
        assert_eq!(d.finish(), "\u{fffd}");
    }

    #[test]
    fn a_long_piece_is_decoded_for_the_log_only_as_far_as_the_line_shows() {
        let mut d = Utf8Decoder::new();
        assert_eq!(d.decode_for_log("你好".as_bytes()), "你好");
        let long = "好".repeat(100_000);
        let line = d.decode_for_log(long.as_bytes());
        assert_eq!(line, format!("{}… (300000 bytes)", "好".repeat(80)));
        // Afterwards the decoder starts afresh: nothing pending from the long piece.
        assert_eq!(d.decode_for_log(b"ok"), "ok");
        assert_eq!(d.finish(), "");
        // Short pieces still join characters split between them.
        let bytes = "界".as_bytes();
        assert_eq!(d.decode_for_log(&bytes[..1]), "");
        assert_eq!(d.decode_for_log(&bytes[1..]), "界");
    }

    #[test]
    fn shorten_keeps_short_text_and_cuts_long_text_on_characters() {
        assert_eq!(shorten("hello", 5), "hello");
        assert_eq!(shorten("你好世界", 2), "你好… (4 chars)");
        assert_eq!(shorten("", 0), "");
    }

    #[test]
    fn escaped_text_reads_back_unambiguously_and_moves_no_cursor() {
        assert_eq!(escaped("hello"), "hello");
        assert_eq!(escaped("it's \"x\"\n你好"), r#"it's \"x\"\n你好"#);
        assert_eq!(escaped("\x1b]0;pwned\x07"), r"\u{1b}]0;pwned\u{7}");
        assert_eq!(escaped_bytes(b"ok\xff\x1b[2J"), r"ok\xff\u{1b}[2J");
        assert_eq!(escaped_bytes("é".as_bytes()), "é");
    }

    #[test]
    fn uppercase_follows_unicode_for_text_and_ascii_for_bytes() {
        assert_eq!(uppercase(b"hello"), b"HELLO");
        assert_eq!(uppercase("straße".as_bytes()), b"STRASSE");
        assert_eq!(uppercase("你好, abc!".as_bytes()), "你好, ABC!".as_bytes());
        assert_eq!(uppercase(b"ab\xffcd"), b"AB\xffCD");
        assert_eq!(uppercase(b""), b"");
        assert_eq!(lossy(b"a\xff"), "a\u{fffd}");
        assert_eq!(count(1, "try", "tries"), "1 try");
        assert_eq!(count(0, "try", "tries"), "0 tries");
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any byte string, cut anywhere into reads, decodes to the text of the whole.
        #[test]
        fn any_split_decodes_like_the_whole(
            bytes in proptest::collection::vec(any::<u8>(), 0..200),
            cuts in proptest::collection::vec(any::<usize>(), 0..8),
        ) {
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c % (bytes.len() + 1)).collect();
            cuts.sort_unstable();
            let mut decoder = Utf8Decoder::new();
            let mut text = String::new();
            let mut from = 0;
            for cut in cuts.into_iter().chain([bytes.len()]) {
                text.push_str(&decoder.decode(&bytes[from..cut]));
                from = cut;
            }
            text.push_str(&decoder.finish());
            prop_assert_eq!(text, String::from_utf8_lossy(&bytes));
        }

        /// Mostly-valid text with a few bad bytes, which random bytes rarely give.
        #[test]
        fn text_with_bad_bytes_decodes_like_the_whole(
            text in "\\PC{0,40}",
            bad in proptest::collection::vec((any::<usize>(), 0x80u8..=0xff), 0..4),
            size in 1usize..8,
        ) {
            let mut bytes = text.into_bytes();
            for (at, b) in bad {
                let at = at % (bytes.len() + 1);
                bytes.insert(at, b);
            }
            let mut decoder = Utf8Decoder::new();
            let mut out: String = bytes.chunks(size).map(|c| decoder.decode(c)).collect();
            out.push_str(&decoder.finish());
            prop_assert_eq!(out, String::from_utf8_lossy(&bytes));
        }

        #[test]
        fn uppercase_of_text_is_text(text in "\\PC{0,60}") {
            let upper = uppercase(text.as_bytes());
            prop_assert!(std::str::from_utf8(&upper).is_ok());
            prop_assert_eq!(upper, text.to_uppercase().into_bytes());
        }

        #[test]
        fn uppercase_keeps_the_length_of_ascii(text in "[ -~]{0,60}") {
            prop_assert_eq!(uppercase(text.as_bytes()).len(), text.len());
        }

        /// Not UTF-8: every byte stays where it was, and only a-z change.
        #[test]
        fn uppercase_keeps_invalid_bytes_in_place(
            mut bytes in proptest::collection::vec(any::<u8>(), 0..100),
            at in any::<usize>(),
        ) {
            bytes.insert(at % (bytes.len() + 1), 0xff);
            let upper = uppercase(&bytes);
            prop_assert_eq!(upper.len(), bytes.len());
            for (a, b) in bytes.iter().zip(&upper) {
                prop_assert_eq!(*b, a.to_ascii_uppercase());
            }
        }
    }
}
