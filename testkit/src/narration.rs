//! Assertions on what programs narrate: lines in order, narration all in Chinese.

/// Asserts that each of `needles` is in `text`, each after the one before.
pub fn assert_in_order(text: &str, needles: &[&str]) {
    let mut from = 0;
    for needle in needles {
        match text[from..].find(needle) {
            Some(at) => from += at + needle.len(),
            None => panic!("{needle:?} is missing, or out of order, in:\n{text}"),
        }
    }
}

/// Checks that the narration in `stderr` is all Chinese: there is some, no line is labelled
/// `[step …]` (the English label), and each `[步骤 N 名称]` line says something in Chinese after
/// its label. Returns the narrated lines.
pub fn assert_chinese_narration(stderr: &str) -> Vec<&str> {
    let is_cjk = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
    let steps: Vec<&str> = stderr.lines().filter(|l| l.starts_with("[步骤 ")).collect();
    assert!(!steps.is_empty(), "no Chinese narration in:\n{stderr}");
    assert!(
        !stderr.lines().any(|l| l.starts_with("[step ")),
        "English narration in a Chinese run:\n{stderr}"
    );
    for line in &steps {
        let (label, text) = line.split_once("] ").unwrap_or((line, ""));
        assert!(
            label.chars().any(is_cjk),
            "step without a Chinese name: {line}"
        );
        assert!(text.chars().any(is_cjk), "step not said in Chinese: {line}");
    }
    steps
}

/// Asserts that no line of `stderr` is an English sentence, as a Chinese `--explain` session
/// should be: each line says something in Chinese (outside quoted text, such as a received
/// message in a log line), and none holds a run of three or more English words. Code-like tokens
/// do not count as words: addresses, `SOCK_STREAM`, `connect()`, `--backlog`, acronyms (FIN, TCP).
pub fn assert_no_english_sentence(stderr: &str) {
    let is_cjk = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
    let is_word = |token: &str| {
        let word = token.trim_matches(|c: char| ",.;:!?\"'()[]".contains(c));
        !word.is_empty()
            && word.chars().all(|c| c.is_ascii_alphanumeric())
            && word.chars().any(|c| c.is_ascii_lowercase())
    };
    for line in stderr.lines().filter(|l| !l.trim().is_empty()) {
        let unquoted: String = line.split('"').step_by(2).collect();
        assert!(
            unquoted.chars().any(is_cjk),
            "a line with no Chinese in a Chinese session: {line:?}\n{stderr}"
        );
        let mut run = 0;
        for token in line.split_whitespace() {
            run = if is_word(token) { run + 1 } else { 0 };
            assert!(
                run < 3,
                "English words in a Chinese session: {line:?}\n{stderr}"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_lines_pass_with_their_code_like_tokens() {
        assert_no_english_sentence(
            "[步骤 1 创建套接字] 已创建套接字：IPv4 (AF_INET) + 流式 (SOCK_STREAM) = TCP\n\
             \x20             connect() 发出 SYN 后立即返回（非阻塞，EINPROGRESS）。\n",
        );
    }

    #[test]
    #[should_panic(expected = "English words")]
    fn a_run_of_english_words_fails_even_beside_chinese() {
        assert_no_english_sentence("[步骤 6 关闭] stopping: no new connections\n");
    }

    #[test]
    #[should_panic(expected = "no Chinese")]
    fn a_log_line_fails_even_when_it_quotes_chinese() {
        assert_no_english_sentence("[2026 INFO ] 127.0.0.1:1: received \"你好\"\n");
    }
}
