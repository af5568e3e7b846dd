#!/usr/bin/env bash
# Puts our servers beside the echo servers people already use, under the same loads from our own
# clients, and prints one markdown table (also written to bench/results-<date>.md).
#
#   bash bench/compare.sh            # about three minutes on a 2-core machine
#   bash bench/compare.sh --quick    # 1 s loads instead of 3, one stream instead of five
#   bash bench/compare.sh --runs 3   # the whole measurement 3 times: each cell the median, and
#                                    # each cell's range (min–max) in a second table in the file
#
# Ours runs at the default log level, and again at RUST_LOG=warn. Peers: tokio's echo and
# uppercase servers (bench/peers, a cargo project of its own, built here), socat
# (TCP-LISTEN/UDP-LISTEN ... PIPE) and a threaded Python server
# (socketserver.ThreadingTCPServer); a missing one is skipped with a note
# (`apt-get install socat` brings socat). Not a test: CI does not run it.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet -p tcp-server -p tcp-client -p udp-server -p udp-client
cargo build --release --quiet --manifest-path bench/peers/Cargo.toml
exec python3 bench/compare.py "$@"
