//! Typed input, as the document's `input()` loop reads it: edited lines on a terminal, plain
//! lines from a pipe or a file.

use std::io::{self, BufRead, IsTerminal, Write};

use rustyline::error::ReadlineError;
use rustyline::{Config, DefaultEditor};

/// Messages typed or piped in, one per line, as the document's `input()` loop reads them.
///
/// On a terminal (standard input and output both), the prompt is shown and the line is edited
/// as a shell edits it: arrows move in the line and through this run's earlier lines (kept in
/// memory only, never in a file), Ctrl-R searches them. Otherwise lines are read as they come,
/// and a prompt is shown only when standard input is a terminal, so piped output holds replies
/// only. The line `quit` (any case) or the end of input (Ctrl-D; Ctrl-C too, on a terminal)
/// ends the messages.
#[derive(Debug)]
pub struct MessageLines {
    source: Source,
    line: Vec<u8>,
}

#[derive(Debug)]
enum Source {
    Editor {
        editor: Box<DefaultEditor>,
        prompt: &'static str,
    },
    Plain {
        input: io::StdinLock<'static>,
        prompt: Option<&'static str>,
    },
}

impl MessageLines {
    pub fn new(prompt: &'static str) -> Self {
        let input = io::stdin();
        let terminal = input.is_terminal();
        let editor = (terminal && io::stdout().is_terminal())
            .then(|| DefaultEditor::with_config(Config::builder().auto_add_history(true).build()))
            .and_then(Result::ok);
        let source = match editor {
            Some(editor) => Source::Editor {
                editor: Box::new(editor),
                prompt,
            },
            None => Source::Plain {
                input: input.lock(),
                prompt: terminal.then_some(prompt),
            },
        };
        MessageLines {
            source,
            line: Vec::new(),
        }
    }

    /// The next message without its line ending, or `None` at `quit` or the end of input.
    pub fn next_message(&mut self) -> io::Result<Option<&[u8]>> {
        self.line.clear();
        match &mut self.source {
            Source::Editor { editor, prompt } => match editor.readline(*prompt) {
                Ok(line) => self.line = line.into_bytes(),
                // Ctrl-D, the end of input. The editor has ended the prompt's line, so the
                // shell's prompt that comes next starts a line of its own.
                Err(ReadlineError::Eof) => return Ok(None),
                // Ctrl-C, which the editor takes from the terminal: ends the program as the
                // signal would have, with the code a shell reports for it.
                Err(ReadlineError::Interrupted) => {
                    crate::logging::flush();
                    std::process::exit(130)
                }
                Err(ReadlineError::Io(e)) => return Err(e),
                Err(e) => return Err(io::Error::other(e)),
            },
            Source::Plain { input, prompt } => {
                if let Some(prompt) = prompt {
                    let mut out = crate::cli::stdout();
                    write!(out, "{prompt}")?;
                    out.flush()?;
                }
                if input.read_until(b'\n', &mut self.line)? == 0 {
                    return Ok(None);
                }
            }
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
