#!/usr/bin/env bash
# What each rung of the ladder holds (bench/ladder.py says what it measures): builds the rungs,
# tcp-server, tcp-client and tokio's echo (bench/peers) for release, then runs the table.
#
#   bash bench/ladder.sh              # one run, up to what the machine allows
#   bash bench/ladder.sh --runs 3     # each figure the median of 3 runs
#
# Linux only (/proc). Keep the machine quiet meanwhile. Not a test: CI does not run it.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet -p tcp-server -p tcp-client --examples --bins
cargo build --release --quiet --manifest-path bench/peers/Cargo.toml
exec python3 bench/ladder.py "$@"
