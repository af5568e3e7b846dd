#!/usr/bin/env python3
# What each rung of the ladder holds: every TCP rung (the document's seed twin, threaded, event
# loop, async, tcp-server; tokio's echo for reference) with N idle connections open, N = 1, 100,
# 1,000, 10,000 and the most this machine allows, and per rung and N: the connections held, the
# time to open them (each checked by one round trip), the server's memory per connection (RSS,
# and the kernel's: socket slabs from /proc/slabinfo and buffers from /proc/net/sockstat, for
# both ends of each connection, as both are on this machine), its threads, an active client's
# p50/p99 among the idle ones (tcp-client, one connection, closed loop), whether every idle one
# still echoes at the end, and where the rung stopped and why.
#
#   bash bench/ladder.sh              # build, then one run: a few minutes on 2 cores
#   bash bench/ladder.sh --runs 3     # each figure the median of 3 runs
#   bash bench/ladder.sh --max 5000   # stop at 5,000 connections
#   bash bench/ladder.sh --rungs tcp-server,tokio --runs 3   # only those, 3 runs each
#
# Linux only (/proc). Writes bench/results/ladder-DATE-TIME.md and .json. Keep the machine quiet.
# tcp-server is started with --max-connections above N: its default, 1,024, is the lesson's
# (README: "Rung 5"). Not a test: CI does not run it.

import argparse
import json
import os
import re
import resource
import socket
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare import BIN, PEERS, latency_us, load, pinned, SERVER_CPU  # noqa: E402

EXAMPLES = os.path.join(BIN, "examples")
RUNGS = [
    ("1 seed", [os.path.join(EXAMPLES, "seed_tcp_server"), "0"]),
    ("2 threaded", [os.path.join(EXAMPLES, "threaded_tcp_server"), "0"]),
    ("3 event loop", [os.path.join(EXAMPLES, "event_loop_tcp_server"), "0"]),
    ("4 async (tokio)", [os.path.join(EXAMPLES, "async_tcp_server"), "0"]),
    ("5 tcp-server", [os.path.join(BIN, "tcp-server"), "--port", "0", "--max-connections", "30000"]),
    ("tokio echo", [os.path.join(PEERS, "tokio-echo"), "--port", "0"]),
]
LISTENING = re.compile(r"(?:listening on|服务器启动,监听) \S*:(\d+)")
# How long one idle connection's check may take before the rung counts as stopped there.
CHECK = 2.0


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def ephemeral_ports():
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        low, high = map(int, f.read().split())
    return high - low + 1


def sockstat():
    """The kernel's TCP sockets in use and their buffers' pages, from /proc/net/sockstat."""
    with open("/proc/net/sockstat") as f:
        for line in f:
            if line.startswith("TCP:"):
                fields = line.split()[1:]
                d = dict(zip(fields[::2], map(int, fields[1::2])))
                return d.get("inuse", 0), d.get("mem", 0)
    return 0, 0


# The kernel's objects per connection: the socket (TCP), its inode, its open file, its epoll
# entry. /proc/slabinfo, when readable; else only the buffer pages of /proc/net/sockstat count.
SLABS = ("TCP", "TCPv6", "sock_inode_cache", "filp", "eventpoll_epi", "tcp_bind_bucket")


def kernel_kib():
    """The kernel's memory for TCP sockets: their slab objects and their buffers, in KiB."""
    total = sockstat()[1] * 4
    try:
        with open("/proc/slabinfo") as f:
            for line in f:
                fields = line.split()
                if fields and fields[0] in SLABS:
                    total += int(fields[1]) * int(fields[3]) / 1024
    except OSError:
        pass
    return total


def status(pid, key):
    """A figure of /proc/PID/status; 0 once the process is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class Rung:
    def __init__(self, name, argv):
        self.name = name
        # Its stdout goes to a file, read for the listening line: the examples print a line per
        # read, and a file takes them without ever blocking the server.
        self.log = open(f"/tmp/ladder-{os.getpid()}.log", "w+")
        self.proc = subprocess.Popen(pinned(SERVER_CPU, argv), stdout=self.log,
                                     stderr=subprocess.DEVNULL, text=True)
        deadline = time.time() + 10
        self.port = None
        while time.time() < deadline and self.port is None:
            self.log.seek(0)
            m = LISTENING.search(self.log.read())
            if m:
                self.port = int(m.group(1))
            else:
                time.sleep(0.02)
        if self.port is None:
            self.stop()
            raise RuntimeError(f"{name}: no listening line")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        os.unlink(self.log.name)


def round_trip(s):
    s.sendall(b"x")
    return s.recv(1) == b"x"


def hold(rung, n):
    """Opens n idle connections, each checked by one round trip; returns (sockets, seconds,
    why it stopped short or None)."""
    socks, began = [], time.monotonic()
    for i in range(n):
        try:
            s = socket.create_connection(("127.0.0.1", rung.port), timeout=CHECK)
            s.settimeout(CHECK)
            socks.append(s)
            if not round_trip(s):
                return socks, time.monotonic() - began, f"connection {i + 1}: closed by the server"
        except socket.timeout:
            return socks, time.monotonic() - began, f"connection {i + 1}: no echo within {CHECK:.0f} s"
        except OSError as e:
            time.sleep(0.2)  # a server that crashed: let it finish dying, to say so
            if rung.proc.poll() is not None:
                return socks, time.monotonic() - began, \
                    f"the server ended at connection {i + 1} (exit {rung.proc.returncode})"
            return socks, time.monotonic() - began, f"connection {i + 1}: {e.strerror or e}"
        if rung.proc.poll() is not None:
            return socks, time.monotonic() - began, f"the server ended (exit {rung.proc.returncode})"
    return socks, time.monotonic() - began, None


def still_echo(socks):
    ok = 0
    for s in socks:
        try:
            ok += round_trip(s)
        except OSError:
            pass
    return ok


def measure(name, argv, n, seconds):
    rung = Rung(name, argv)
    try:
        pid = rung.proc.pid
        rss0, kernel0 = status(pid, "VmRSS"), kernel_kib()
        socks, opened, why = hold(rung, n)
        time.sleep(0.3)  # threaded servers: let every thread reach its first read
        rss1, kernel1, threads = status(pid, "VmRSS"), kernel_kib(), status(pid, "Threads")
        row = {"rung": name, "n": n, "held": len(socks), "open_s": opened, "threads": threads,
               "rss_kib_per_conn": (rss1 - rss0) / max(len(socks), 1),
               "kernel_kib_per_conn": (kernel1 - kernel0) / max(len(socks), 1),
               "stopped": why}
        if why is None:
            out = load([os.path.join(BIN, "tcp-client"), "--port", str(rung.port),
                        "--duration", str(seconds), "--timeout", "5"], name)
            lat = latency_us(out) if out else {}
            row["p50_us"], row["p99_us"] = lat.get("p50_us"), lat.get("p99_us")
            if out is None:
                row["stopped"] = "the active client failed"
        row["still_echo"] = still_echo(socks)
        for s in socks:
            s.close()
        return row
    finally:
        rung.stop()


def main():
    ap = argparse.ArgumentParser(description="What each rung of the ladder holds.")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--max", type=int, default=None, help="the largest N (default: what the machine allows)")
    ap.add_argument("--seconds", type=float, default=2.0, help="the active client's load, each time")
    ap.add_argument("--rungs", default=None,
                    help="only the rungs whose name contains one of these words, comma-separated")
    args = ap.parse_args()
    hard = raise_nofile()
    # Both ends of each connection are on this machine: this script holds N, the server N.
    most = min(hard, ephemeral_ports()) - 500
    top = min(args.max or most, most)
    sizes = [n for n in (1, 100, 1000, 10000) if n < top] + [top]
    print(f"open-file limit {hard}, ephemeral ports {ephemeral_ports()}: up to {top} connections",
          file=sys.stderr)
    rows = []
    wanted = args.rungs.split(",") if args.rungs else None
    for name, argv in RUNGS:
        if wanted and not any(w in name for w in wanted):
            continue
        stopped = False
        for n in sizes:
            if stopped:
                break
            runs = []
            for _ in range(args.runs):
                print(f"{name}: {n} idle connections", file=sys.stderr)
                runs.append(measure(name, argv, n, args.seconds))
            row = dict(runs[0])
            for key in ("open_s", "rss_kib_per_conn", "kernel_kib_per_conn", "p50_us", "p99_us"):
                values = [r[key] for r in runs if r.get(key) is not None]
                row[key] = statistics.median(values) if values else None
            rows.append(row)
            stopped = row["stopped"] is not None
    lines = ["| rung | idle conns asked | held | open s | threads | RSS KiB/conn | kernel KiB/conn, both ends "
             "| active p50 µs | active p99 µs | still echo | stopped because |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    fmt = lambda v, f: "–" if v is None else format(v, f)  # noqa: E731
    for r in rows:
        lines.append(f"| {r['rung']} | {r['n']} | {r['held']} | {fmt(r['open_s'], '.2f')} | "
                     f"{r['threads']} | {fmt(r['rss_kib_per_conn'], '.2f')} | "
                     f"{fmt(r['kernel_kib_per_conn'], '.1f')} | {fmt(r.get('p50_us'), '.1f')} | "
                     f"{fmt(r.get('p99_us'), '.1f')} | {r['still_echo']} | {r['stopped'] or ''} |")
    table = "\n".join(lines)
    print(table)
    stamp = time.strftime("%Y-%m-%dT%H%M")
    os.makedirs(os.path.join("bench", "results"), exist_ok=True)
    base = os.path.join("bench", "results", f"ladder-{stamp}")
    with open(base + ".md", "w") as f:
        f.write(f"`bash bench/ladder.sh --runs {args.runs}` on {socket.gethostname()}, "
                f"{os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d %H:%M')}\n\n{table}\n")
    with open(base + ".json", "w") as f:
        json.dump(rows, f, indent=1)
    print(f"written to {base}.md and .json", file=sys.stderr)


if __name__ == "__main__":
    main()
