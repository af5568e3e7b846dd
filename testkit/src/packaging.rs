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
}
