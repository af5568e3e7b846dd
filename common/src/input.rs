//! Typed input, as the document's `input()` loop reads it.

use std::io::{self, BufRead, IsTerminal, Write};

/// Messages typed or piped in, one per line, as the document's `input()` loop reads them.
///
/// A prompt is shown only when standard input is a terminal, so piped output holds replies only.
/// The line `quit` (any case) or the end of input ends the messages.
#[derive(Debug)]
pub struct MessageLines {
    input: io::StdinLock<'static>,
    prompt: Option<&'static str>,
    line: Vec<u8>,
}

impl MessageLines {
    pub fn new(prompt: &'static str) -> Self {
        let input = io::stdin();
        let prompt = input.is_terminal().then_some(prompt);
        MessageLines {
            input: input.lock(),
            prompt,
            line: Vec::new(),
        }
    }

    /// The next message without its line ending, or `None` at `quit` or the end of input.
    pub fn next_message(&mut self) -> io::Result<Option<&[u8]>> {
        if let Some(prompt) = self.prompt {
            let mut out = crate::cli::stdout();
            write!(out, "{prompt}")?;
            out.flush()?;
        }
        self.line.clear();
        if self.input.read_until(b'\n', &mut self.line)? == 0 {
            return Ok(None);
        }
        let message = trim_newline(&self.line);
        if message.trim_ascii().eq_ignore_ascii_case(b"quit") {
            return Ok(None);
        }
        Ok(Some(message))
    }
}

/// A line without its `\n` or `\r\n`.
pub fn trim_newline(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newlines_are_not_part_of_the_message() {
        assert_eq!(trim_newline(b"hi\n"), b"hi");
        assert_eq!(trim_newline(b"hi\r\n"), b"hi");
        assert_eq!(trim_newline(b"hi"), b"hi");
        assert_eq!(trim_newline(b"\n"), b"");
    }
}
