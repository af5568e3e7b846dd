//! tcp-client's two Fluent files (locales/), read as an editor sees them: the English file says
//! nothing in Chinese, and every text of the Chinese file, each choice included, is said in
//! Chinese with full-width punctuation. (That both hold the same messages with the same
//! variables, and that the source says each, is src/messages.rs's test.)

const EN: &str = include_str!("../locales/en.ftl");
const ZH: &str = include_str!("../locales/zh.ftl");

/// The texts of a Fluent file, as an editor translates them: each message's value and each
/// choice's (`[key] text`), with the placeables (`{ $host }`, `{" "}`) taken out.
fn texts(file: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in file.lines().filter(|l| !l.starts_with('#')) {
        // `id =` or a choice's `[key]` with the text on the lines below (one fact a line), and
        // a command on a line of its own (`{ $command } --host …`, `echo '…' | …`): nothing to
        // translate.
        let trimmed = line.trim_start();
        if (line.ends_with(" =") && !line.starts_with(' '))
            || (trimmed.trim_start_matches('*').starts_with('[') && trimmed.ends_with(']'))
            || trimmed.starts_with("{ $command }")
            || trimmed.starts_with("echo '")
            || (trimmed.starts_with('`') && trimmed.ends_with('`'))
        {
            continue;
        }
        let text = match line.split_once(" = ") {
            Some((id, value)) if !id.starts_with(' ') => value,
            // A choice, `   *[key] text`, or the `}` that ends a placeable.
            _ => line.split_once("] ").map_or(line, |(_, text)| text),
        };
        let mut depth = 0usize;
        let mut plain = String::new();
        for c in text.chars() {
            match c {
                '{' => depth += 1,
                '}' => depth = depth.saturating_sub(1),
                _ if depth == 0 => plain.push(c),
                _ => {}
            }
        }
        if !plain.trim().is_empty() {
            found.push(plain);
        }
    }
    found
}

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

#[test]
fn english_is_english_and_chinese_is_chinese_with_full_width_punctuation() {
    let (english, chinese) = (texts(EN), texts(ZH));
    // Not a check of nothing: 35 messages, some with choices.
    assert!(english.len() > 30, "{english:#?}");
    assert!(chinese.len() > 30, "{chinese:#?}");
    for text in &english {
        assert!(!text.chars().any(is_cjk), "Chinese in en.ftl: {text}");
    }
    for text in &chinese {
        assert!(
            text.chars().any(is_cjk),
            "not said in Chinese in zh.ftl: {text}"
        );
        assert!(
            ![", ", "; ", ": "].iter().any(|p| text.contains(p)),
            "half-width punctuation in zh.ftl: {text}"
        );
    }
}
