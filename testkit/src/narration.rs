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
