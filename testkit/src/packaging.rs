//! The packaging check every program shares: shell completions and a man page.

use std::process::Command;
use std::time::Duration;

use crate::client::run;

/// Checks `bin --completions SHELL` for three shells and `bin --man`: each exits 0 and prints a
/// script or a man page for `name` that knows its options.
pub fn assert_packaging(bin: &str, name: &str) {
    let wait = Duration::from_secs(10);
    for (shell, mark) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef"),
        ("fish", "complete -c"),
    ] {
        let mut cmd = Command::new(bin);
        cmd.args(["--completions", shell]);
        let out = run(cmd, b"", wait);
        assert_eq!(out.code(), Some(0), "{shell}: {}", out.stderr);
        assert!(out.stdout.contains(mark), "{shell}: {}", out.stdout);
        assert!(out.stdout.contains(name), "{shell}: {}", out.stdout);
        assert!(out.stdout.contains("lang"), "{shell}: {}", out.stdout);
    }
    let mut cmd = Command::new(bin);
    cmd.arg("--man");
    let out = run(cmd, b"", wait);
    assert_eq!(out.code(), Some(0), "{}", out.stderr);
    assert!(
        out.stdout.contains(&format!(".TH {name} 1")),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("\\-\\-lang"), "{}", out.stdout);
    assert_man_sections(&out.stdout, name);
}

/// The man page has the sections no clap definition holds, in the program's own words: the
/// exit codes 0, 1 and 2, and examples that each start with the program's name.
fn assert_man_sections(page: &str, name: &str) {
    let (_, from_exit) = page
        .split_once(".SH \"EXIT STATUS\"\n")
        .unwrap_or_else(|| panic!("no EXIT STATUS section:\n{page}"));
    let (exit, from_examples) = from_exit
        .split_once(".SH EXAMPLES\n")
        .unwrap_or_else(|| panic!("no EXAMPLES section after EXIT STATUS:\n{page}"));
    for code in ["0", "1", "2"] {
        assert!(
            exit.contains(&format!(".TP\n\\fB{code}\\fR\n")),
            "{code}:\n{exit}"
        );
    }
    let examples = from_examples.split("\n.SH ").next().unwrap_or_default();
    let commands: Vec<&str> = examples.split(".TP\n").skip(1).collect();
    assert!(commands.len() >= 3, "{examples}");
    let own = format!("\\fB{}", name.replace('-', "\\-"));
    for command in commands {
        assert!(command.starts_with(&own), "{command}");
    }
}
