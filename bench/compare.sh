#!/usr/bin/env bash
# Puts our servers beside the echo servers people already use, under the same loads from our own
# clients, prints one markdown table, and writes the results to bench/results/ (the time in the
# name): DATE-TIME.md (the table, each figure's range over the runs, ours ÷ each peer marked
# better, worse or ≈), DATE-TIME.json (every figure of every run) and DATE-TIME.png (the chart,
# by bench/chart.py, when matplotlib is installed: `pip install matplotlib`).
#
#   bash bench/compare.sh            # 3 runs, each figure the median: about 13 minutes on 2 cores
#   bash bench/compare.sh --runs 5   # 5 runs instead
#   bash bench/compare.sh --quick    # a quick look, about 2 minutes: one run, timed loads of
#                                    # 1 s instead of 3, 50,000 UDP pings instead of 200,000,
#                                    # the 128 MiB stream timed once instead of five times
#
# Keep the machine quiet meanwhile (no build, no browser): the results say how much CPU other
# processes used while it ran.
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
