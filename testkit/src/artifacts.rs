//! Finding what cargo built: the build folder, another crate's binary, an example.

use std::path::PathBuf;

/// The folder cargo builds into for the running test, `target/<profile>` (or
/// `target/<triple>/<profile>`): a test is `<that folder>/deps/NAME-HASH`. Bins are in it,
/// examples in its `examples` folder.
pub fn build_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test's own path");
    let deps = exe.parent().expect("the test is in target/<profile>/deps");
    deps.parent()
        .expect("target/<profile> holds deps")
        .to_path_buf()
}

/// The path of example `name` of crate `package`, as built by `cargo test` or `cargo build
/// --examples`; panics, naming the command that builds it, if it is not there. A test gets
/// `CARGO_BIN_EXE_<name>` only for its own crate's bins, and never for examples; this one works
/// the same under `cargo test --workspace` and `cargo test -p <crate>` (which builds that crate's
/// examples only), and never runs cargo itself.
#[track_caller]
pub fn example(package: &str, name: &str) -> String {
    built(
        build_dir().join("examples").join(name),
        &format!("cargo build -p {package} --examples"),
    )
}

/// The path of another crate's binary `name` (the crate of the same name), as built by `cargo
/// test --workspace` or `cargo build`; panics, naming the command that builds it, if it is not
/// there. `cargo test -p <crate>` builds only that crate's binaries.
#[track_caller]
pub fn binary(name: &str) -> String {
    built(build_dir().join(name), &format!("cargo build -p {name}"))
}

#[track_caller]
fn built(path: PathBuf, build: &str) -> String {
    assert!(
        path.is_file(),
        "{} is not built: run `{build}` first (`cargo test --workspace` builds every binary and \
         example)",
        path.display()
    );
    path.to_string_lossy().into_owned()
}
