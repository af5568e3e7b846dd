//! The term sheet, book/terms.toml, says for each term the word to use and the words never to
//! write. This test checks every Chinese text against its "never" column: each crate's
//! locales/zh.ftl, README.zh-CN.md, and every chapter of book/zh-CN/src. A never-word is fine
//! inside one of its term's "allow" words (系统 in 操作系统), and a line that quotes a wrong word
//! on purpose says `terms: quoted`. The sheet's [lines] section sets how long a line of a Chinese
//! message may be (one fact a line); the second test counts every line of every zh.ftl message.

use std::path::{Path, PathBuf};

use fluent_syntax::ast;

struct Term {
    use_word: String,
    never: Vec<String>,
    allow: Vec<String>,
}

/// The strings of a `key = "a"` or `key = ["a", "b"]` line: what sits between double quotes.
fn strings(value: &str) -> Vec<String> {
    value
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// The terms of the sheet: [[term]] sections of one-line `key = value` entries.
fn parse(sheet: &str) -> Vec<Term> {
    let mut terms: Vec<Term> = Vec::new();
    for line in sheet.lines().map(str::trim) {
        if line.starts_with('[') && line != "[[term]]" {
            break; // Another section: the terms come first.
        }
        if line == "[[term]]" {
            terms.push(Term {
                use_word: String::new(),
                never: Vec::new(),
                allow: Vec::new(),
            });
            continue;
        }
        let (Some(term), Some((key, value))) = (terms.last_mut(), line.split_once(" = ")) else {
            continue;
        };
        match key {
            "use" => term.use_word = strings(value).concat(),
            "never" => term.never = strings(value),
            "allow" => term.allow = strings(value),
            _ => {}
        }
    }
    terms
}

/// The breaches of `terms` in `text`, as "path:line: never-word (use …): the line".
fn breaches(terms: &[Term], path: &str, text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.contains("terms: quoted") {
            continue;
        }
        for term in terms {
            let mut rest = line.to_owned();
            for allowed in &term.allow {
                rest = rest.replace(allowed.as_str(), "\u{fffc}");
            }
            for word in term.never.iter().filter(|w| rest.contains(w.as_str())) {
                let n = i + 1;
                let (use_word, line) = (&term.use_word, line.trim());
                found.push(format!("{path}:{n}: {word} (use {use_word}): {line}"));
            }
        }
    }
    found
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every Chinese text the sheet governs, as paths relative to the workspace root.
fn chinese_texts() -> Vec<String> {
    let root = root();
    let mut paths = vec!["README.zh-CN.md".to_owned()];
    let mut crates: Vec<String> = std::fs::read_dir(&root)
        .expect("reading the workspace root")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|name| root.join(name).join("locales/zh.ftl").is_file())
        .map(|name| format!("{name}/locales/zh.ftl"))
        .collect();
    crates.sort();
    paths.extend(crates);
    let mut dirs = vec!["book/zh-CN/src".to_owned()];
    while let Some(dir) = dirs.pop() {
        let entries = std::fs::read_dir(root.join(&dir)).expect("reading book/zh-CN/src");
        for name in entries.filter_map(|e| e.ok()?.file_name().into_string().ok()) {
            let path = format!("{dir}/{name}");
            if root.join(&path).is_dir() {
                dirs.push(path);
            } else if name.ends_with(".md") {
                paths.push(path);
            }
        }
    }
    paths
}

#[test]
fn every_chinese_text_follows_the_term_sheet() {
    let sheet = std::fs::read_to_string(root().join("book/terms.toml")).expect("book/terms.toml");
    let terms = parse(&sheet);
    // A parser that read nothing would pass everything.
    assert!(terms.len() >= 10, "only {} terms read", terms.len());
    assert!(terms
        .iter()
        .all(|t| !t.use_word.is_empty() && !t.never.is_empty()));
    let paths = chinese_texts();
    assert!(
        paths.iter().filter(|p| p.ends_with("zh.ftl")).count() >= 4,
        "{paths:?}"
    );
    assert!(
        paths.iter().filter(|p| p.starts_with("book/")).count() >= 10,
        "{paths:?}"
    );
    let mut found = Vec::new();
    for path in &paths {
        let text = std::fs::read_to_string(root().join(path)).expect(path);
        found.extend(breaches(&terms, path, &text));
    }
    assert!(
        found.is_empty(),
        "words the term sheet (book/terms.toml) says never to write:\n{}",
        found.join("\n")
    );
}

#[test]
fn a_never_word_is_found_unless_it_is_part_of_an_allowed_word_or_the_line_is_marked() {
    let terms = parse(
        "[[term]]\nuse = \"内核\"\nnever = [\"系统\"]\nallow = [\"操作系统\", \"系统调用\"]\n",
    );
    let text =
        "系统回以 ACK\n操作系统的语言\n一次系统调用\n原文说\"系统\" <!-- terms: quoted -->\n";
    let found = breaches(&terms, "x.md", text);
    assert_eq!(found, ["x.md:1: 系统 (use 内核): 系统回以 ACK"]);
    // Allowed in one place of a line, still found in another.
    assert_eq!(breaches(&terms, "x.md", "操作系统和系统").len(), 1);
}

/// The sheet's [lines] section: how many characters a line may hold, how many to count in front
/// of each (the step tag or a continuation's indent), and each variable's sample value.
struct LineRules {
    max: usize,
    prefix: usize,
    samples: Vec<(String, String)>,
}

fn line_rules(sheet: &str) -> LineRules {
    let mut rules = LineRules {
        max: 0,
        prefix: 0,
        samples: Vec::new(),
    };
    let section = sheet
        .split("\n[lines]\n")
        .nth(1)
        .expect("a [lines] section");
    for (key, value) in section.lines().filter_map(|l| l.split_once(" = ")) {
        match key.trim() {
            "max_line_chars" => rules.max = value.trim().parse().expect("max_line_chars"),
            "prefix_chars" => rules.prefix = value.trim().parse().expect("prefix_chars"),
            "sample" => {
                rules.samples = strings(value)
                    .iter()
                    .filter_map(|s| s.split_once(' '))
                    .map(|(name, v)| (name.to_owned(), v.to_owned()))
                    .collect()
            }
            _ => {}
        }
    }
    rules
}

/// Every text `pattern` can come out as: each branch of each choice, variables as their samples
/// (5 characters, a number, when the sheet gives none).
fn outcomes(pattern: &ast::Pattern<&str>, rules: &LineRules) -> Vec<String> {
    let mut texts = vec![String::new()];
    for element in &pattern.elements {
        let options = match element {
            ast::PatternElement::TextElement { value } => vec![(*value).to_owned()],
            ast::PatternElement::Placeable { expression } => expression_outcomes(expression, rules),
        };
        texts = texts
            .iter()
            .flat_map(|t| options.iter().map(move |o| format!("{t}{o}")))
            .collect();
    }
    texts
}

fn expression_outcomes(expression: &ast::Expression<&str>, rules: &LineRules) -> Vec<String> {
    match expression {
        ast::Expression::Select { variants, .. } => variants
            .iter()
            .flat_map(|v| outcomes(&v.value, rules))
            .collect(),
        ast::Expression::Inline(inline) => match inline {
            ast::InlineExpression::StringLiteral { value } => vec![(*value).to_owned()],
            ast::InlineExpression::NumberLiteral { value } => vec![(*value).to_owned()],
            ast::InlineExpression::VariableReference { id } => {
                let sample = rules.samples.iter().find(|(name, _)| name == id.name);
                vec![sample.map_or_else(|| "65535".to_owned(), |(_, v)| v.clone())]
            }
            ast::InlineExpression::Placeable { expression } => {
                expression_outcomes(expression, rules)
            }
            other => panic!("a placeable the line count does not know: {other:?}"),
        },
    }
}

/// The lines of `ftl`'s messages longer than the rules allow, as "path: id: N chars: line".
fn long_lines(rules: &LineRules, path: &str, ftl: &str) -> Vec<String> {
    let resource = fluent_syntax::parser::parse(ftl).unwrap_or_else(|(r, _)| r);
    let mut found = Vec::new();
    for entry in &resource.body {
        let ast::Entry::Message(message) = entry else {
            continue;
        };
        let Some(pattern) = &message.value else {
            continue;
        };
        for text in outcomes(pattern, rules) {
            for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
                let n = rules.prefix + line.chars().count();
                if n > rules.max {
                    let id = message.id.name;
                    found.push(format!("{path}: {id}: {n} chars: {line}"));
                }
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

#[test]
fn every_line_of_a_chinese_message_is_within_the_sheets_length() {
    let sheet = std::fs::read_to_string(root().join("book/terms.toml")).expect("book/terms.toml");
    let rules = line_rules(&sheet);
    assert!(rules.max >= 40 && rules.prefix > 0 && rules.samples.len() >= 10);
    let mut found = Vec::new();
    let paths = chinese_texts();
    for path in paths.iter().filter(|p| p.ends_with("zh.ftl")) {
        let text = std::fs::read_to_string(root().join(path)).expect(path);
        found.extend(long_lines(&rules, path, &text));
    }
    assert!(
        found.is_empty(),
        "{} line(s) of Chinese messages longer than max_line_chars = {} (book/terms.toml, with \
         {} characters for the step tag or indent in front): say one fact a line\n{}",
        found.len(),
        rules.max,
        rules.prefix,
        found.join("\n")
    );
}

#[test]
fn every_branch_and_every_line_is_counted_with_variables_at_their_samples() {
    let rules = LineRules {
        max: 30,
        prefix: 10,
        samples: vec![("addr".to_owned(), "127.0.0.1:54321".to_owned())],
    };
    let ftl = "short = 已绑定到 { $addr }\nlong = 已绑定到 { $addr }，这是回环地址\nlines =\n    第一行\n    { $x ->\n        [a] 这一行在一个分支里很长很长很长很长很长很长\n       *[b] {\"\"}\n    }\n";
    let found = long_lines(&rules, "x.ftl", ftl);
    assert_eq!(
        found,
        [
            "x.ftl: lines: 31 chars: 这一行在一个分支里很长很长很长很长很长很长",
            "x.ftl: long: 37 chars: 已绑定到 127.0.0.1:54321，这是回环地址",
        ]
    );
}
