//! The test every program runs on its two Fluent files, so that what the compiler checked when
//! sentences were Rust (a sentence missing in one language, a misspelled name) still fails
//! `cargo test`: both files parse; they hold the same messages, each with the same variables;
//! every `t!("id", name = …)` / `tr!(CATALOG, "id", …)` in the program's source names a message
//! that exists and passes exactly the variables it uses; and every message is said somewhere.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use fluent_syntax::ast;

/// Each message's variables, by message id.
type Messages = BTreeMap<String, BTreeSet<String>>;

/// Panics with every problem found in a program's catalog: `en` and `zh` are the two files'
/// text, `src` the program's source folder (read recursively).
pub fn assert_catalog(en: &str, zh: &str, src: &Path) {
    let mut problems = Vec::new();
    let en_messages = messages("en.ftl", en, &mut problems);
    let zh_messages = messages("zh.ftl", zh, &mut problems);
    for (id, vars) in &en_messages {
        match zh_messages.get(id) {
            None => problems.push(format!("{id}: in en.ftl, missing in zh.ftl")),
            Some(zh_vars) if zh_vars != vars => problems.push(format!(
                "{id}: en.ftl uses {vars:?}, zh.ftl uses {zh_vars:?}"
            )),
            Some(_) => {}
        }
    }
    for id in zh_messages
        .keys()
        .filter(|id| !en_messages.contains_key(*id))
    {
        problems.push(format!("{id}: in zh.ftl, missing in en.ftl"));
    }
    let mut said = BTreeSet::new();
    for (file, text) in sources(src) {
        for (id, names) in calls(&text) {
            match en_messages.get(&id) {
                None => problems.push(format!("{file}: t!(\"{id}\") names no message")),
                Some(vars) if *vars != names => problems.push(format!(
                    "{file}: t!(\"{id}\") passes {names:?}, the message uses {vars:?}"
                )),
                Some(_) => {}
            }
            said.insert(id);
        }
    }
    for id in en_messages.keys().filter(|id| !said.contains(*id)) {
        problems.push(format!(
            "{id}: no t!(\"{id}\") says it in {}",
            src.display()
        ));
    }
    assert!(
        problems.is_empty(),
        "the catalog has {} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The messages of one file with their variables; parse errors and duplicates go to `problems`.
fn messages(name: &str, text: &str, problems: &mut Vec<String>) -> Messages {
    let resource = match fluent_syntax::parser::parse(text) {
        Ok(resource) => resource,
        Err((resource, errors)) => {
            for e in errors {
                let line = text[..e.pos.start.min(text.len())].lines().count().max(1);
                problems.push(format!("{name}:{line}: does not parse: {:?}", e.kind));
            }
            resource
        }
    };
    let mut found = Messages::new();
    for entry in &resource.body {
        let ast::Entry::Message(message) = entry else {
            continue;
        };
        let mut vars = BTreeSet::new();
        if let Some(pattern) = &message.value {
            pattern_vars(pattern, &mut vars);
        }
        for attribute in &message.attributes {
            pattern_vars(&attribute.value, &mut vars);
        }
        if found.insert(message.id.name.to_string(), vars).is_some() {
            problems.push(format!("{name}: {} is defined twice", message.id.name));
        }
    }
    found
}

fn pattern_vars(pattern: &ast::Pattern<&str>, vars: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            expression_vars(expression, vars);
        }
    }
}

fn expression_vars(expression: &ast::Expression<&str>, vars: &mut BTreeSet<String>) {
    match expression {
        ast::Expression::Select { selector, variants } => {
            inline_vars(selector, vars);
            for variant in variants {
                pattern_vars(&variant.value, vars);
            }
        }
        ast::Expression::Inline(inline) => inline_vars(inline, vars),
    }
}

fn inline_vars(inline: &ast::InlineExpression<&str>, vars: &mut BTreeSet<String>) {
    match inline {
        ast::InlineExpression::VariableReference { id } => {
            vars.insert(id.name.to_string());
        }
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for argument in &arguments.positional {
                inline_vars(argument, vars);
            }
            for argument in &arguments.named {
                inline_vars(&argument.value, vars);
            }
        }
        ast::InlineExpression::Placeable { expression } => expression_vars(expression, vars),
        _ => {}
    }
}

/// Every `.rs` file under `dir`, by path, with its comment lines blanked and its unit tests cut.
fn sources(dir: &Path) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            // A file's unit tests (`#[cfg(test)] mod …`, at its end) say nothing to people.
            let lines: Vec<&str> = text.lines().collect();
            let tests = lines
                .windows(2)
                .position(|w| {
                    w[0].trim() == "#[cfg(test)]" && w[1].trim_start().starts_with("mod ")
                })
                .unwrap_or(lines.len());
            let code: Vec<&str> = lines[..tests]
                .iter()
                .map(|l| {
                    if l.trim_start().starts_with("//") {
                        ""
                    } else {
                        l
                    }
                })
                .collect();
            found.push((path.display().to_string(), code.join("\n")));
        }
    }
    found
}

/// The messages a source text says: each `t!("id", a = …, b = …)` or `tr!(X, "id", …)`, with
/// the names it passes.
fn calls(text: &str) -> Vec<(String, BTreeSet<String>)> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    for (at, _) in text.match_indices("!(") {
        // The macro's name: the identifier just before `!(`, which must be `t` or `tr`.
        let start = bytes[..at]
            .iter()
            .rposition(|b| !is_ident(*b))
            .map_or(0, |i| i + 1);
        let is_tr = match &text[start..at] {
            "t" => false,
            "tr" => true,
            _ => continue, // format!(, println!(, assert!(…
        };
        let mut rest = &text[at + 2..];
        if is_tr {
            rest = skip_expression(rest);
            rest = rest.trim_start().strip_prefix(',').unwrap_or(rest);
        }
        let Some(literal) = rest.trim_start().strip_prefix('"') else {
            continue;
        };
        let Some(end) = literal.find('"') else {
            continue;
        };
        let id = literal[..end].to_string();
        let mut rest = &literal[end + 1..];
        let mut names = BTreeSet::new();
        while let Some(next) = rest.trim_start().strip_prefix(',') {
            let next = next.trim_start();
            let name_len = next.bytes().take_while(|b| is_ident(*b)).count();
            let after = next[name_len..].trim_start();
            if name_len == 0 || !after.starts_with('=') || after.starts_with("==") {
                break;
            }
            names.insert(next[..name_len].to_string());
            rest = skip_expression(&after[1..]);
        }
        found.push((id, names));
    }
    found
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// What follows one expression: the text from the first `,` or `)` outside brackets and strings.
fn skip_expression(text: &str) -> &str {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth == 0 => return &text[i..],
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => return &text[i..],
            _ => {}
        }
    }
    ""
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_are_found_with_their_names() {
        let text = r#"let a = t!("one"); let b = t!("two", addr = peer, n = f(x, y)) + format!("{x}");
            let c = common::tr!(CATALOG, "three", why = &io_text(&e));"#;
        let found = calls(text);
        let names = |list: &[&str]| list.iter().map(|s| s.to_string()).collect();
        assert_eq!(
            found,
            vec![
                ("one".to_string(), BTreeSet::new()),
                ("two".to_string(), names(&["addr", "n"])),
                ("three".to_string(), names(&["why"])),
            ]
        );
    }

    #[test]
    fn variables_are_found_in_choices_and_functions() {
        let mut problems = Vec::new();
        let found = messages(
            "x.ftl",
            "a = { $n ->\n    [one] { $who }\n   *[other] { NUMBER($n) } { $what }\n}\nb = plain\n",
            &mut problems,
        );
        assert!(problems.is_empty(), "{problems:?}");
        let vars: Vec<&str> = found["a"].iter().map(String::as_str).collect();
        assert_eq!(vars, ["n", "what", "who"]);
        assert!(found["b"].is_empty());
        messages("y.ftl", "a = one\na = two\nb = { $\n", &mut problems);
        assert_eq!(problems.len(), 2, "{problems:?}");
    }
}
