//! A sentence of several lines printed after a label (`[步骤 3 监听连接] `, `错误：`, `提示：`):
//! the Chinese catalog says one fact per line, and each line after the first is indented to where
//! the first line's text starts, so a reader sees which step or error it belongs to.

/// `text` after `label`, as whole lines ending in "\n": the first line after the label, each
/// following one indented by the label's width on a terminal; lines that come out empty (a
/// Fluent choice that says nothing) are left out.
pub fn under(label: &str, text: &str) -> String {
    let indent = " ".repeat(width(label));
    let mut out = String::new();
    for (i, line) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        out.push_str(if i == 0 { label } else { &indent });
        out.push_str(line.trim_end());
        out.push('\n');
    }
    if out.is_empty() {
        out = format!("{}\n", label.trim_end());
    }
    out
}

/// Columns `text` takes on a terminal: two for a CJK character or a full-width sign (the labels
/// hold only those and ASCII), one for anything else.
pub fn width(text: &str) -> usize {
    text.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF => 2,
            0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 => 2,
            _ => 1,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuation_lines_start_under_the_first_lines_text() {
        let block = under("[步骤 3 监听连接] ", "开始监听。\n\n三次握手由内核完成。\n");
        assert_eq!(
            block,
            "[步骤 3 监听连接] 开始监听。\n                  三次握手由内核完成。\n"
        );
        assert_eq!(under("提示：", "a\nb"), "提示：a\n      b\n");
        assert_eq!(
            under("[step 1 socket] ", "one line"),
            "[step 1 socket] one line\n"
        );
    }
}
