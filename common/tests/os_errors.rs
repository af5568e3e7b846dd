//! OS errors read the same in English as Linux words them, and in Chinese keep those English
//! words in parentheses. A test binary of its own: it switches the process's language.

#![cfg(target_os = "linux")]

use std::io;

use common::error::io_text;
use common::lang::{self, Lang};

/// Linux's own words for `errno`, as io_text shows them: lowercase, without the number.
fn linux(errno: i32) -> String {
    let text = io::Error::from_raw_os_error(errno).to_string();
    text[..text.find(" (os error").unwrap_or(text.len())].to_lowercase()
}

#[test]
fn os_errors_read_as_linux_words_them_and_in_chinese_keep_the_english() {
    // Every number the catalog has words for, and one it has none for (ENOENT).
    let errnos = [
        1, 2, 11, 13, 24, 32, 90, 97, 98, 99, 101, 103, 104, 105, 107, 110, 111, 113,
    ];
    for errno in errnos {
        let error = io::Error::from_raw_os_error(errno);
        lang::set(Lang::En);
        let english = io_text(&error);
        assert_eq!(english, linux(errno), "errno {errno}");
        lang::set(Lang::Zh);
        let chinese = io_text(&error);
        if errno == 2 {
            assert_eq!(chinese, english, "no words for ENOENT: the system's");
        } else {
            assert!(chinese.ends_with(&format!(" ({english})")), "{chinese}");
            assert!(chinese
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
        }
    }
    // Errors with no number: a timeout the program measured, a stream that ended early.
    lang::set(Lang::En);
    assert_eq!(
        io_text(&io::Error::from(io::ErrorKind::TimedOut)),
        "timed out"
    );
    let eof = io::Error::new(io::ErrorKind::UnexpectedEof, "failed to fill whole buffer");
    assert_eq!(io_text(&eof), "unexpected end of file");
    lang::set(Lang::Zh);
    assert_eq!(
        io_text(&eof),
        "数据没收完连接就结束了 (unexpected end of file)"
    );
}
