//! README.md and README.zh-CN.md link to lines of our source, as links of the form
//! [`code`](path#L12). These tests fail when a linked line no longer holds the code the link
//! shows, and say where that code is now, so no link can drift from the source. (The books' own
//! source links are checked by .ci/book_links.py.)

use std::path::Path;

struct Link {
    code: String,
    path: String,
    line: usize,
}

/// Every [`code`](path#Lnn) link in `text`.
fn links(text: &str) -> Vec<Link> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("[`") {
        rest = &rest[start + 2..];
        let Some(end) = rest.find("`](") else { break };
        let code = &rest[..end];
        let after = &rest[end + 3..];
        let Some(close) = after.find(')') else { break };
        if let Some((path, line)) = after[..close].split_once("#L") {
            found.push(Link {
                code: code.to_owned(),
                path: path.to_owned(),
                line: line.parse().unwrap_or(0),
            });
        }
    }
    found
}

/// Checks every source link of the README `name`, which must hold at least `at_least` of them.
fn check_links(name: &str, at_least: usize) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme =
        std::fs::read_to_string(root.join(name)).unwrap_or_else(|e| panic!("reading {name}: {e}"));
    let links = links(&readme);
    // A parser that found no links would pass without checking anything.
    assert!(
        links.len() >= at_least,
        "only {} source links found in {name}",
        links.len()
    );
    let mut wrong = Vec::new();
    for link in &links {
        let source = std::fs::read_to_string(root.join(&link.path))
            .unwrap_or_else(|e| panic!("{name} links to {}: {e}", link.path));
        let lines: Vec<&str> = source.lines().collect();
        let at = link.line.checked_sub(1).and_then(|i| lines.get(i));
        if !at.is_some_and(|l| l.contains(&link.code)) {
            let now: Vec<usize> = lines
                .iter()
                .enumerate()
                .filter(|(_, l)| l.contains(&link.code))
                .map(|(i, _)| i + 1)
                .collect();
            wrong.push(format!(
                "`{}` is not on {}#L{} (it is on line {now:?})",
                link.code, link.path, link.line
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{name} links out of date:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn every_source_link_in_the_readme_lands_on_its_code() {
    // The mapping tables moved to the book (book/en/src/rung-5.md, checked by .ci/book_links.py);
    // the README keeps the four links to where each program creates its socket.
    check_links("README.md", 4);
}

#[test]
fn every_source_link_in_the_chinese_readme_lands_on_its_code() {
    // Trimmed to a front door, the Chinese README may hold no source link at all; any it holds
    // must still land on its code.
    check_links("README.zh-CN.md", 0);
}

#[test]
fn the_link_parser_reads_code_path_and_line() {
    let found = links("a [`let x = 1;`](src/a.rs#L12) b [`y`](b.rs) c [`z()`](c.rs#L3)");
    let got: Vec<(&str, &str, usize)> = found
        .iter()
        .map(|l| (l.code.as_str(), l.path.as_str(), l.line))
        .collect();
    assert_eq!(got, [("let x = 1;", "src/a.rs", 12), ("z()", "c.rs", 3)]);
}
