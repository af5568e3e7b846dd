#!/usr/bin/env bash
# Soak: minutes of mixed load against our servers, watching their memory.
#
#   bash bench/soak.sh --duration 10      # minutes; prints errors, bytes verified, memory
#
# Not a test: CI does not run it. Everything it starts is stopped by its pid when it ends.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet -p tcp-server -p tcp-client -p udp-server -p udp-client
exec python3 bench/soak.py "$@"
