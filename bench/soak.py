"""Mixed load against tcp-server and udp-server for --duration minutes.

Loads, all at once, each in a loop of bounded runs until the time is up:
  - short connections: bursts of 1,000 connect-send-close cycles (`--reconnect`), one every
    5 s, few enough that loopback's ephemeral ports never run out;
  - long streams: 2 connections of 1 MiB round trips, 10 s per run;
  - steady round trips: 20 connections of 64 bytes, 10 s per run;
  - idle holders: 200 connections that each echo a byte every 30 s and otherwise sit still;
  - UDP: ping runs of 500 datagrams, 10 ms apart.
Every 5 s it samples each server's memory (PSS). At the end: errors (must be 0), bytes
verified, and memory at start and end (must not grow beyond a small margin).
"""

import argparse
import os
import re
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from compare import BIN, Server  # noqa: E402

lock = threading.Lock()
totals = {"runs": 0, "errors": 0, "bytes": 0, "round_trips": 0, "udp_sent": 0, "udp_lost": 0}
failures = []


def add(**kw):
    with lock:
        for k, v in kw.items():
            totals[k] += v


def tcp_loop(port, args, until, pause=0.0):
    client = [os.path.join(BIN, "tcp-client"), "--port", str(port)] + args
    while time.time() < until:
        out = subprocess.run(client, capture_output=True, text=True, timeout=120)
        m = re.search(r"round trips:  (\d+) of (\d+) bytes", out.stdout)
        e = re.search(r"errors: +(\d+)", out.stdout)
        trips = int(m.group(1)) if m else 0
        errors = int(e.group(1)) if e else 1
        if out.returncode != 0 and errors == 0:
            errors = 1
        if errors:
            failures.append(out.stderr.strip()[:300])
        add(runs=1, errors=errors, round_trips=trips, bytes=trips * (int(m.group(2)) if m else 0))
        time.sleep(pause)


def udp_loop(port, until):
    client = [os.path.join(BIN, "udp-client"), "--port", str(port), "-n", "500", "-i", "10", "-q"]
    while time.time() < until:
        out = subprocess.run(client, capture_output=True, text=True, timeout=120)
        m = re.search(r"(\d+) sent, (\d+) received", out.stdout)
        sent, got = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
        if not m or out.returncode != 0:
            failures.append(out.stderr.strip()[:300])
        add(runs=1, udp_sent=sent, udp_lost=sent - got, errors=0 if m and out.returncode == 0 else 1)


def holders(port, until, n=200):
    socks = []
    try:
        for _ in range(n):
            socks.append(socket.create_connection(("127.0.0.1", port), timeout=10))
        while time.time() < until:
            for s in socks:
                s.sendall(b"h")
                if s.recv(1) != b"h":
                    raise RuntimeError("a holder got a wrong echo")
            add(round_trips=len(socks), bytes=len(socks))
            time.sleep(min(30, max(0, until - time.time())))
    except (OSError, RuntimeError) as e:
        failures.append(f"idle holders: {e}")
        add(errors=1)
    finally:
        for s in socks:
            s.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=float, default=10, help="minutes (default 10)")
    args = parser.parse_args()
    quiet = dict(os.environ, RUST_LOG="warn")
    tcp = Server("tcp-server", [os.path.join(BIN, "tcp-server"), "--port", "0"], env=quiet)
    udp = Server("udp-server", [os.path.join(BIN, "udp-server"), "--port", "0"], env=quiet)
    start = time.time()
    until = start + args.duration * 60
    samples = []
    try:
        samples.append((0.0, tcp.pss_kib(), udp.pss_kib()))
        loads = [
            (tcp_loop, (tcp.port, ["-n", "1000", "-c", "4", "--reconnect"], until, 5.0)),
            (tcp_loop, (tcp.port, ["--duration", "10", "-c", "2", "-s", str(1 << 20)], until)),
            (tcp_loop, (tcp.port, ["--duration", "10", "-c", "20"], until)),
            (holders, (tcp.port, until)),
            (udp_loop, (udp.port, until)),
        ]
        threads = [threading.Thread(target=f, args=a, daemon=True) for f, a in loads]
        for t in threads:
            t.start()
        while time.time() < until:
            time.sleep(5)
            samples.append((time.time() - start, tcp.pss_kib(), udp.pss_kib()))
            t, tp, up = samples[-1]
            print(f"{t:6.0f} s  tcp-server {tp / 1024:6.2f} MiB  udp-server {up / 1024:6.2f} MiB  "
                  f"errors {totals['errors']}", file=sys.stderr)
        for t in threads:
            t.join(timeout=130)
        alive = tcp.proc.poll() is None and udp.proc.poll() is None
    finally:
        tcp.stop()
        udp.stop()

    first, last = samples[1] if len(samples) > 1 else samples[0], samples[-1]
    peak_tcp = max(s[1] for s in samples)
    print(f"soak: {args.duration:g} min, {totals['runs']} client runs")
    print(f"errors: {totals['errors']}")
    print(f"verified: {totals['round_trips']} TCP round trips, {totals['bytes'] / 2**20:.1f} MiB echoed and checked")
    print(f"udp: {totals['udp_sent']} datagrams, {totals['udp_lost']} lost")
    print(f"tcp-server PSS: {first[1] / 1024:.2f} MiB after 5 s, {last[1] / 1024:.2f} MiB at the end, "
          f"peak {peak_tcp / 1024:.2f} MiB")
    print(f"udp-server PSS: {first[2] / 1024:.2f} MiB after 5 s, {last[2] / 1024:.2f} MiB at the end")
    print(f"servers still running at the end: {'yes' if alive else 'NO'}")
    for f in failures[:5]:
        print(f"failure: {f}")
    grew = last[1] > first[1] * 1.5 + 1024
    sys.exit(1 if totals["errors"] or grew or not alive else 0)


if __name__ == "__main__":
    main()
