"""Runs the loads of bench/compare.sh against each server, prints the table and writes the results.

    python3 bench/compare.py [--quick] [--runs N]   (compare.sh builds everything, then runs this)

--runs N  the whole measurement N times over (every server started afresh each time); each
          figure is the median of the N, with its range (lowest–highest) in a second table.
          Default 3 (about 13 minutes on a 2-core machine); 1 with --quick.
--quick   a quick look, not figures to quote: every timed load lasts 1 s instead of 3, the UDP
          ping sends 50,000 instead of 200,000, the 128 MiB stream is timed once instead of five
          times, and the whole measurement is made once unless --runs says otherwise (about 2
          minutes). The connect cycles (6,000), the 500 idle connections and the 10 s idle stay
          the same.

Results: bench/results/DATE-TIME.md (the table, the ranges, the ratios) and beside it
bench/results/DATE-TIME.json, every figure of every run (with each latency load's percentiles),
from which `python3 bench/chart.py bench/results/DATE-TIME.json` draws the chart
(DATE-TIME.png; it needs matplotlib: `pip install matplotlib`). compare.py draws it itself at the
end when matplotlib is there. bench/results/ is ignored by git but for the run the README quotes,
committed with `git add -f`.

The machine should be quiet meanwhile: any other work on its CPUs (a build, a browser) moves the
figures. The results say how much CPU time other processes used while it ran.

Servers: ours (as a user starts it, no RUST_LOG, and again at RUST_LOG=warn to show what its
log costs), tokio's echo and uppercase servers from bench/peers, a threaded Python server and
socat. Servers run on CPU 0 and loads on CPU 1 (taskset). Columns (↑ higher is better, ↓ lower):

- p50 µs and p99 µs, 1 conn, 1 CPU: tcp-client, one connection, server and client both on
  CPU 0: the latency of a round trip, the median and the 99th percentile.
- 1-conn rt/s, 1 CPU: tcp-client's rate over that same load, server and client on CPU 0: a
  server that spins holds the CPU its client needs.
- 1-conn rt/s, 1 CPU, threaded load: bench/peers' threaded-load, one connection, on CPU 0 too.
- 1-conn rt/s: tcp-client, one connection, closed loop, server and client on their own CPUs.
- 1-conn rt/s, threaded load: bench/peers' threaded-load, one connection, on the load's CPU.
- server CPU s per M rt, 1 conn: the server's CPU time over that load, per million round trips:
  where a server that spins instead of sleeping pays for its speed.
- server CPU µs/req and p99 µs, 2k/s and 10k/s: tcp-client --rate 2000 (10000), one connection,
  open loop (request k sent at k/rate s, whatever the replies), on CPU 1: the server's CPU time
  over the load per request (warm-up included), and the p99 of a round trip counted from its
  scheduled send. When tcp-client says it did not keep the schedule, the cells stay empty.
- rt/s, 100 conns: tcp-client (one thread, epoll), 100 connections, one round trip in flight each.
- rt/s, 100 conns, threaded load: bench/peers' threaded-load, a blocking thread per connection.
- load CPU %, 100 conns: how busy tcp-client kept its CPU over that load. Near 100%, the load
  generator, not only the server, sets the pace: no mark, it is not the server's figure.
- server CPU s per M rt, 100 conns: the server's user+system CPU time (all its threads and
  child processes, from /proc/PID/stat) over the tcp-client 100-connection load, per million
  round trips.
- MiB/s, 1 stream: one 128 MiB round trip (median of five).
- connects/s, 4 at once: tcp-client --reconnect -c 4 -s 16: connect, a 16-byte round trip, close;
  6,000 in all. The same with 8 at once and 64 bytes: there both CPUs are busy with the kernel's
  TCP work (the side that sends does the receiver's part too, on loopback).
- PSS MiB, 500 idle and KiB/conn: the server's memory with 500 idle connections, and per one.
- UDP req/s and loss %, 1 client: udp-client's ping mode, one datagram in flight.
- UDP req/s, 1 client, udp-load: bench/peers' udp-load with one socket, the same from another
  load generator.
- UDP req/s and loss %, 64 clients: bench/peers' udp-load, 64 sockets with one request each.
- UDP server CPU s per M req, 64 clients: the server's CPU time over that load, per million.
- UDP server CPU µs/req and UDP p99 µs, 2k/s and 10k/s: bench/peers' udp-load --rate, one socket,
  open loop: the server's CPU time per request asked (rate × duration, answered or not), and the
  p99 from the scheduled send. Empty when udp-load says `schedule not kept`.
- idle CPU ms / 10 s: after the TCP loads and one more round trip each, every server's CPU time
  over one shared 10 s in which no load runs (all servers are up side by side).

Every server is started on a free loopback port, stopped by its own pid (and its children's, for
socat's forks), and every load is bounded in count and in time.
"""

import argparse
import datetime
import json
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import time

BIN = os.path.join("target", "release")
# bench/peers is a cargo project of its own (tokio's servers, two more load generators): its
# own target directory, built by compare.sh.
PEERS = os.path.join("bench", "peers", "target", "release")
SERVER_CPU, LOAD_CPU = "0", "1"

PYTHON_ECHO = r"""
import socketserver
class Echo(socketserver.BaseRequestHandler):
    def handle(self):
        s = self.request
        while True:
            data = s.recv(65536)
            if not data:
                break
            s.sendall(data)
class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
    request_queue_size = 128
server = Server(("127.0.0.1", 0), Echo)
print("listening on 127.0.0.1:%d" % server.server_address[1], flush=True)
server.serve_forever()
"""


def pinned(cpu, argv):
    if shutil.which("taskset") and os.cpu_count() and os.cpu_count() > 1:
        return ["taskset", "-c", cpu] + argv
    return argv


def free_port(kind):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A server process: started pinned, stopped by pid (with its children)."""

    def __init__(self, name, argv, port=None, udp=False, env=None):
        self.name = name
        self.proc = subprocess.Popen(
            pinned(SERVER_CPU, argv),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            text=True,
        )
        if port is None:
            line = self.proc.stdout.readline()
            m = re.match(r"listening on .*:(\d+)$", line.strip())
            if not m:
                self.stop()
                raise RuntimeError(f"{name}: no `listening on` line, got {line!r}")
            port = int(m.group(1))
        elif not udp:
            self._wait_tcp(port)
        else:
            time.sleep(0.3)  # socat prints nothing when ready; its UDP socket binds at once
        self.port = port

    def _wait_tcp(self, port):
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"{self.name}: not accepting on port {port}")

    def pids(self):
        """The server's pid and its descendants' (socat forks a child per connection)."""
        todo, seen = [self.proc.pid], []
        while todo:
            pid = todo.pop()
            seen.append(pid)
            try:
                for task in os.listdir(f"/proc/{pid}/task"):
                    with open(f"/proc/{pid}/task/{task}/children") as f:
                        todo.extend(int(c) for c in f.read().split())
            except OSError:
                pass
        return seen

    def pss_kib(self):
        total = 0
        for pid in self.pids():
            try:
                with open(f"/proc/{pid}/smaps_rollup") as f:
                    for line in f:
                        if line.startswith("Pss:"):
                            total += int(line.split()[1])
            except OSError:
                pass
        return total

    def stop(self):
        for pid in reversed(self.pids()):
            try:
                os.kill(pid, 15)
            except OSError:
                pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def load(argv, who, cpu=LOAD_CPU):
    """Runs one load against the server named who; its output, or None (said) if it failed."""
    global LAST_LOAD_BUSY
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.monotonic()
    out = subprocess.run(
        pinned(cpu, argv), capture_output=True, text=True, timeout=120
    )
    wall = time.monotonic() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # How busy the load generator kept its CPU: near 100%, it, not the server, may set the pace.
    cpu_s = (after.ru_utime - used.ru_utime) + (after.ru_stime - used.ru_stime)
    LAST_LOAD_BUSY = 100 * cpu_s / wall if wall > 0 else None
    if out.returncode != 0:
        print(f"  load against {who} failed: {' '.join(argv)}\n  {out.stderr.strip()}", file=sys.stderr)
        return None
    return out.stdout


LAST_LOAD_BUSY = None


def cpu_seconds(server):
    """CPU time the server has used so far, user and system, all threads and child processes.

    Fields 14 and 15 of /proc/PID/stat (utime, stime) cover every thread of a process, those
    that ended too; 16 and 17 (cutime, cstime) the children it has reaped. Summed over the
    server and its live descendants (socat's forks), at one moment, each tick counts once.
    """
    ticks = 0
    for pid in server.pids():
        try:
            with open(f"/proc/{pid}/stat") as f:
                # The name in parentheses may hold spaces: fields count from after it, at 3.
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += sum(int(x) for x in fields[14 - 3:17 - 3 + 1])
    return ticks / os.sysconf("SC_CLK_TCK")


def found(pattern, out, what):
    """The first group of pattern in a load's output as a number, or None (and a note) when the
    output does not hold it: a client that changed what it prints costs a column, not the run."""
    m = re.search(pattern, out)
    if not m:
        print(f"  not found in the load's output: {what}", file=sys.stderr)
        return None
    return float(m.group(1))


def rate(out):
    return found(r"rate: +(\d+) (round|requests)", out, "rate")


def latency_us(out):
    """tcp-client's `latency µs:` line as {"min_us": .., "p50_us": .., "p99_9_us": .., ...},
    the names of its --json; or udp-client's `rtt min/avg/p99/max = a/b/c/d ms`, in µs."""
    m = re.search(r"^latency µs: +(.*)$", out, re.M)
    if m:
        return {f"{name.replace('.', '_')}_us": float(v)
                for name, v in re.findall(r"([a-z][\w.]*) ([\d.]+)", m.group(1))}
    m = re.search(r"^rtt ([\w./]+) = ([\d./]+) ms", out, re.M)
    if m:
        return {f"{name.replace('.', '_')}_us": float(v) * 1000
                for name, v in zip(m.group(1).split("/"), m.group(2).split("/"))}
    return {}


def threaded_rate(server, connections, dur, cpu=LOAD_CPU):
    """bench/peers' threaded-load (a blocking thread a connection): its round trips a second, or
    None when it is not built or failed."""
    threaded = os.path.join(PEERS, "threaded-load")
    if not os.path.exists(threaded):
        return None
    out = load([threaded, "--port", str(server.port), "--connections", str(connections),
                "--duration", dur], server.name, cpu=cpu)
    return rate(out) if out else None


def tcp_figures(server, quick, lat):
    """The TCP loads' figures; each load's latency percentiles go into lat, by load."""
    client = [os.path.join(BIN, "tcp-client"), "--port", str(server.port)]
    dur = "1" if quick else "3"
    fig = {}
    # One connection, server and client on one CPU: the latency of a round trip. Timed, like
    # every load here: a count of 20,000 ended it in a tenth of a second, short enough for a
    # neighbour's moment of work (the Python server's threads ending) to halve its rate.
    out = load(client + ["-n", "5000000", "--duration", dur], server.name, cpu=SERVER_CPU)
    if out:
        lat["1 conn, 1 CPU"] = latency_us(out)
        for p in ("p50", "p99"):
            if f"{p}_us" in lat["1 conn, 1 CPU"]:
                fig[f"{p} µs, 1 conn, 1 CPU"] = lat["1 conn, 1 CPU"][f"{p}_us"]
        fig["1-conn rt/s, 1 CPU"] = rate(out)
    # The same from a load generator of another design (a blocking thread), on that one CPU too.
    fig["1-conn rt/s, 1 CPU, threaded load"] = threaded_rate(server, 1, dur, cpu=SERVER_CPU)
    # One connection again, closed loop, now server and client on their own CPUs; and what the
    # server's CPU did meanwhile, where a spinning server pays for its speed.
    time.sleep(0.3)
    before = cpu_seconds(server)
    out = load(client + ["-n", "5000000", "--duration", dur], server.name)
    if out:
        lat["1 conn, 2 CPUs"] = latency_us(out)
        fig["1-conn rt/s"] = rate(out)
        trips = found(r"round trips: +(\d+)", out, "round trips")
        if trips:
            fig["server CPU s per M rt, 1 conn"] = (cpu_seconds(server) - before) / (trips / 1e6)
    # Its second witness: the threaded load generator, one connection, on the load's CPU.
    fig["1-conn rt/s, threaded load"] = threaded_rate(server, 1, dur)
    # The server's CPU time over the 100-connection load, per million round trips. Read once
    # the last load's connections are gone (and socat's forks for them reaped), and again after.
    time.sleep(0.3)
    before = cpu_seconds(server)
    out = load(client + ["-c", "100", "-n", "50000000", "--duration", dur], server.name)
    if out:
        lat["100 conns"] = latency_us(out)
        fig["rt/s, 100 conns"] = rate(out)
        fig["load CPU %, 100 conns"] = LAST_LOAD_BUSY
        time.sleep(0.3)
        trips = found(r"round trips: +(\d+)", out, "round trips")
        if trips:
            fig["server CPU s per M rt, 100 conns"] = (cpu_seconds(server) - before) / (trips / 1e6)
    # The same 100 connections from a load generator of another design: a blocking thread each.
    fig["rt/s, 100 conns, threaded load"] = threaded_rate(server, 100, dur)
    # Open loop, one connection, server and load on their own CPUs: what the server's CPU costs
    # a request at a moderate rate, where a spin rarely catches the next one.
    for per_s, label in OPEN_LOOP_RATES:
        time.sleep(0.3)
        fig.update(tcp_open_loop(server, client, per_s, label, dur, lat))
    # Connect cycles, 6,000 a load and 12,000 in all: past about 14,000 to one port (connect()
    # takes the even ports of 32768-60999), connect() searches for a port whose TIME_WAIT is old
    # enough to reuse, and measures the kernel, not the server. Four at once with 16 bytes, as
    # issue 11 defines a cycle; then eight at once, where both CPUs are busy with the kernel's
    # TCP work and the server's own part is small.
    out = load(client + ["-c", "4", "-s", "16", "--reconnect", "-n", "6000", "--duration", dur],
               server.name)
    if out:
        lat["connects, 4 at once"] = latency_us(out)
        fig["connects/s, 4 at once"] = rate(out)
    out = load(client + ["-c", "8", "--reconnect", "-n", "6000", "--duration", dur],
               server.name)
    if out:
        lat["connects, 8 at once"] = latency_us(out)
        fig["connects/s, 8 at once"] = rate(out)
    return {c: v for c, v in fig.items() if v is not None}


OPEN_LOOP_RATES = [(2000, "2k/s"), (10000, "10k/s")]


def tcp_open_loop(server, client, per_s, label, dur, lat):
    """tcp-client --rate per_s on one connection: the server's CPU µs per request and the p99
    from each request's scheduled send; nothing (and a note) when the schedule was not kept."""
    before = cpu_seconds(server)
    out = load(client + ["--rate", str(per_s), "--duration", dur, "--json"], server.name)
    if not out:
        return {}
    used = cpu_seconds(server) - before
    try:
        doc = json.loads(out)
        totals = doc["totals"]
        # The warm-up's requests (if any) cost the server too.
        trips = totals["round_trips"] + totals.get("warmup_round_trips", 0)
        kept, p99 = totals.get("schedule_kept"), doc["latency"]["p99_us"]
    except (ValueError, KeyError, TypeError) as e:
        print(f"  tcp-client --rate {per_s} --json: unexpected output ({e})", file=sys.stderr)
        return {}
    lat[f"open loop {label}"] = {k: v for k, v in doc["latency"].items()
                                 if isinstance(v, (int, float))}
    if kept is False or not trips:
        print(f"  {server.name}: tcp-client did not keep its schedule at {per_s}/s: "
              "those cells stay empty", file=sys.stderr)
        return {}
    return {f"server CPU µs/req, {label}": used * 1e6 / trips, f"p99 µs, {label}": p99}


def stream_rate(server):
    out = load([os.path.join(BIN, "tcp-client"), "--port", str(server.port),
                "-n", "1", "-s", str(128 << 20), "--timeout", "30"], server.name)
    return found(r"([\d.]+) MiB/s", out, "MiB/s") if out else None


def idle_figures(server, n=500):
    """Server PSS before and with n idle connections, each used for one round trip."""
    before = server.pss_kib()
    socks = []
    try:
        for _ in range(n):
            s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            s.sendall(b"x")
            if s.recv(1) != b"x":
                raise RuntimeError("no echo")
            socks.append(s)
        time.sleep(0.5)  # let forked or threaded servers settle
        during = server.pss_kib()
    finally:
        for s in socks:
            s.close()
    return {
        "PSS MiB, 500 idle": during / 1024,
        "KiB/conn": (during - before) / n,
    }


def udp_figures(server, quick, lat):
    port = server.port
    fig = {}
    # One request in flight: udp-client's ping mode, each datagram sent when the last is answered.
    out = load(
        [os.path.join(BIN, "udp-client"), "--port", str(port), "-n",
         "50000" if quick else "200000", "-i", "0", "-q", "--timeout", "1"], server.name
    )
    if out:
        lat["UDP, 1 client"] = latency_us(out)
        # ping's counts line: `N packets transmitted, R received, …, L% packet loss, time Tms`.
        received = found(r"(\d+) received", out, "received")
        ms = found(r", time (\d+)ms", out, "time")
        fig["UDP req/s, 1 client"] = received / (ms / 1000) if received and ms else None
        fig["UDP loss %, 1 client"] = found(r"([\d.]+)% packet loss", out, "% packet loss")
    udp_load = os.path.join(PEERS, "udp-load")
    if os.path.exists(udp_load):
        # The same from a load generator of another design: udp-load with one socket.
        out = load([udp_load, "--port", str(port), "--clients", "1",
                    "--duration", "1" if quick else "3"], server.name)
        if out:
            fig["UDP req/s, 1 client, udp-load"] = rate(out)
        # 64 in flight: udp-load's 64 sockets, each with one request waiting for its reply.
        before = cpu_seconds(server)
        out = load([udp_load, "--port", str(port), "--clients", "64",
                    "--duration", "1" if quick else "3"], server.name)
        if out:
            fig["UDP req/s, 64 clients"] = rate(out)
            requests = (fig["UDP req/s, 64 clients"] or 0) * (1 if quick else 3)
            if requests:
                fig["UDP server CPU s per M req, 64 clients"] = (
                    (cpu_seconds(server) - before) / (requests / 1e6))
            fig["UDP loss %, 64 clients"] = found(r"loss: ([\d.]+)%", out, "loss")
        # Open loop, one socket: the server's CPU per request and the p99 at a moderate rate.
        dur = 1 if quick else 3
        for per_s, label in OPEN_LOOP_RATES:
            time.sleep(0.3)
            before = cpu_seconds(server)
            out = load([udp_load, "--port", str(port), "--clients", "1", "--rate", str(per_s),
                        "--duration", str(dur)], server.name)
            if not out:
                continue
            used = cpu_seconds(server) - before
            if "schedule kept" not in out:
                print(f"  {server.name}: udp-load did not keep its schedule at {per_s}/s "
                      "(or said nothing of it): those cells stay empty", file=sys.stderr)
                continue
            # Every request sent costs the server, answered or not: the asked rate × duration.
            requests = per_s * dur
            fig[f"UDP server CPU µs/req, {label}"] = used * 1e6 / requests
            fig[f"UDP p99 µs, {label}"] = found(r"p99 ([\d.]+) µs", out, "p99")
    return {c: v for c, v in fig.items() if v is not None}


WARN = "ours, RUST_LOG=warn"

HIGHER, LOWER = "↑", "↓"
COLUMNS = [
    ("p50 µs, 1 conn, 1 CPU", "{:.1f}", LOWER),
    ("p99 µs, 1 conn, 1 CPU", "{:.1f}", LOWER),
    ("1-conn rt/s, 1 CPU", "{:.0f}", HIGHER),
    ("1-conn rt/s, 1 CPU, threaded load", "{:.0f}", HIGHER),
    ("1-conn rt/s", "{:.0f}", HIGHER),
    ("1-conn rt/s, threaded load", "{:.0f}", HIGHER),
    ("server CPU s per M rt, 1 conn", "{:.2f}", LOWER),
    ("server CPU µs/req, 2k/s", "{:.1f}", LOWER),
    ("p99 µs, 2k/s", "{:.1f}", LOWER),
    ("server CPU µs/req, 10k/s", "{:.1f}", LOWER),
    ("p99 µs, 10k/s", "{:.1f}", LOWER),
    ("rt/s, 100 conns", "{:.0f}", HIGHER),
    ("rt/s, 100 conns, threaded load", "{:.0f}", HIGHER),
    ("server CPU s per M rt, 100 conns", "{:.2f}", LOWER),
    ("load CPU %, 100 conns", "{:.0f}", None),
    ("MiB/s, 1 stream", "{:.0f}", HIGHER),
    ("connects/s, 4 at once", "{:.0f}", HIGHER),
    ("connects/s, 8 at once", "{:.0f}", HIGHER),
    ("PSS MiB, 500 idle", "{:.1f}", LOWER),
    ("KiB/conn", "{:.2f}", LOWER),
    ("UDP req/s, 1 client", "{:.0f}", HIGHER),
    ("UDP loss %, 1 client", "{:.1f}", LOWER),
    ("UDP req/s, 1 client, udp-load", "{:.0f}", HIGHER),
    ("UDP req/s, 64 clients", "{:.0f}", HIGHER),
    ("UDP loss %, 64 clients", "{:.2f}", LOWER),
    ("UDP server CPU s per M req, 64 clients", "{:.2f}", LOWER),
    ("UDP server CPU µs/req, 2k/s", "{:.1f}", LOWER),
    ("UDP p99 µs, 2k/s", "{:.1f}", LOWER),
    ("UDP server CPU µs/req, 10k/s", "{:.1f}", LOWER),
    ("UDP p99 µs, 10k/s", "{:.1f}", LOWER),
    ("idle CPU ms / 10 s", "{:.1f}", LOWER),
]
# Loss is near zero for every server: a ratio of two such figures says nothing. The load's CPU
# is the load generator's, not the server's.
NO_RATIO = {"UDP loss %, 1 client", "UDP loss %, 64 clients", "load CPU %, 100 conns"}
LEGEND = ("↑ higher is better, ↓ lower is better. A ratio row divides ours by that row's server "
          "(above 1×, ours is higher) and says what that is for ours in that column: better, worse, "
          "or ≈ where the two servers' ranges over the runs overlap, so that the runs cannot tell "
          "them apart (with one run, where the two are within 5%).")


def verdict(better, ours, peer):
    """better, worse or ≈ for ours against a peer in a column: ours and peer are each server's
    figures over the runs; ≈ when their ranges overlap, or with one run each, within 5%."""
    if len(ours) == 1 and len(peer) == 1:
        if abs(ours[0] - peer[0]) <= 0.05 * max(abs(ours[0]), abs(peer[0])):
            return "≈"
    elif max(ours) >= min(peer) and max(peer) >= min(ours):
        return "≈"
    higher = statistics.median(ours) > statistics.median(peer)
    return "better" if higher == (better == HIGHER) else "worse"


def ratio_text(r):
    """A ratio with two decimals, or two significant digits below 0.1 (0.0043×, not 0.00×)."""
    return f"{r:.2g}×" if r < 0.1 else f"{r:.2f}×"


def candidates_and_notes():
    """(name, start TCP server, start UDP server or None) for each server, and notes on those
    skipped."""
    # Ours as a user starts it: no RUST_LOG, so the default level (info). The row below it, with
    # RUST_LOG=warn, shows what the log costs.
    default = {k: v for k, v in os.environ.items() if k != "RUST_LOG"}
    quiet = dict(default, RUST_LOG="warn")
    notes = []

    def ours(env):
        return (lambda: Server("tcp-server", [os.path.join(BIN, "tcp-server"), "--port", "0"], env=env),
                lambda: Server("udp-server", [os.path.join(BIN, "udp-server"), "--port", "0"], env=env))

    candidates = [("ours", *ours(default)), (WARN, *ours(quiet))]
    tokio_echo, tokio_udp = os.path.join(PEERS, "tokio-echo"), os.path.join(PEERS, "tokio-udp")
    if os.path.exists(tokio_echo) and os.path.exists(tokio_udp):
        candidates.append(("tokio", lambda: Server("tokio-echo", [tokio_echo, "--port", "0"]),
                           lambda: Server("tokio-udp", [tokio_udp, "--port", "0"])))
    else:
        notes.append("tokio: bench/peers is not built, skipped "
                     "(cargo build --release --manifest-path bench/peers/Cargo.toml)")
    candidates.append(
        ("python threaded", (lambda: Server("python", [sys.executable, "-c", PYTHON_ECHO])), None))
    if shutil.which("socat"):
        def socat_tcp():
            port = free_port(socket.SOCK_STREAM)
            return Server("socat", ["socat", f"TCP-LISTEN:{port},bind=127.0.0.1,fork,reuseaddr", "PIPE"], port=port)

        def socat_udp():
            port = free_port(socket.SOCK_DGRAM)
            return Server("socat-udp", ["socat", f"UDP-LISTEN:{port},bind=127.0.0.1,fork,reuseaddr", "PIPE"], port=port, udp=True)

        candidates.append(("socat", socat_tcp, socat_udp))
    else:
        notes.append("socat is not installed: skipped (apt-get install socat)")
    return candidates, notes


IDLE_S = 10


def idle_round_trip(server):
    """One round trip on a fresh connection, closed at once; a failure is said, not raised."""
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
            s.sendall(b"x")
            s.recv(1)
    except OSError as e:
        print(f"  {server.name}: round trip before idling failed: {e}", file=sys.stderr)


def measure(candidates, quick):
    """One whole measurement: every server started afresh, every load once. ({server: {column:
    figure}}, {server: {load: {percentile: µs}}})."""
    rows, lat = {}, {}
    # All servers run side by side, idle but for the one under load, so that each kind of load
    # meets every server in the same state of the machine; streams alternate between servers.
    servers = {}
    try:
        for name, tcp, _ in candidates:
            servers[name] = tcp()
            rows[name], lat[name] = {}, {}
        # Memory first, while every server is fresh: memory that a heavier load made the
        # allocator keep would hide what an idle connection costs.
        for name, server in servers.items():
            rows[name].update(idle_figures(server))
        # The threaded server's 500 threads end on the servers' CPU after their sockets close:
        # wait for it to be quiet before the first load, which would otherwise share it.
        wait_quiet(SERVER_CPU)
        for name, server in servers.items():
            print(f"{name}: TCP loads", file=sys.stderr)
            rows[name].update(tcp_figures(server, quick, lat[name]))
        rates = {name: [] for name in servers}
        for _ in range(1 if quick else 5):
            for name, server in servers.items():
                rate = stream_rate(server)
                if rate is not None:
                    rates[name].append(rate)
        for name, got in rates.items():
            if got:
                rows[name]["MiB/s, 1 stream"] = sorted(got)[len(got) // 2]
        # Idle: one round trip each (a server may wait for its first request to settle), then
        # every server's CPU time over one shared 10 s in which nothing asks anything.
        print("all: 10 s idle", file=sys.stderr)
        for name, server in servers.items():
            idle_round_trip(server)
        time.sleep(0.5)
        before = {name: cpu_seconds(server) for name, server in servers.items()}
        time.sleep(IDLE_S)
        for name, server in servers.items():
            rows[name]["idle CPU ms / 10 s"] = (cpu_seconds(server) - before[name]) * 1000 * 10 / IDLE_S
    finally:
        for server in servers.values():
            server.stop()
    for name, _, udp in candidates:
        if udp:
            print(f"{name}: UDP load", file=sys.stderr)
            server = udp()
            try:
                rows[name].update(udp_figures(server, quick, lat[name]))
            finally:
                server.stop()
    return rows, lat


def markdown(rows, cell):
    """A table, a row per server: cell(name, column, format) is the text of each cell."""
    head = "| server | " + " | ".join(f"{c} {better}" if better else c for c, _, better in COLUMNS) + " |"
    lines = [head, "|" + " --- |" * (len(COLUMNS) + 1)]
    for name in rows:
        cells = [cell(name, c, fmt) for c, fmt, _ in COLUMNS]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def cpu_ticks(name="cpu"):
    """The busy and steal ticks so far of one line of /proc/stat: "cpu" (all CPUs) or "cpu0".
    Busy is user, nice, system and interrupts; steal, the hypervisor's, is apart."""
    with open("/proc/stat") as f:
        for line in f:
            if line.startswith(f"{name} "):
                user, nice, system, _idle, _iowait, irq, softirq, steal = (
                    int(x) for x in line.split()[1:9])
                return user + nice + system + irq + softirq, steal
    return 0, 0


def wait_quiet(cpu, window=0.3, most=5.0):
    """Waits until CPU cpu has been idle over a whole window (at most most seconds): what a
    process on it was still doing would be measured as part of the next load."""
    deadline = time.monotonic() + most
    while time.monotonic() < deadline:
        before, _ = cpu_ticks(f"cpu{cpu}")
        time.sleep(window)
        # One tick in the window is the kernel's own housekeeping, not a neighbour's work.
        if cpu_ticks(f"cpu{cpu}")[0] - before <= 1:
            return
    print(f"  CPU {cpu} was still busy after {most:.0f} s: the next load shares it", file=sys.stderr)


def load_average():
    """The 1-minute load average: near 0 on a quiet machine, near the CPU count on a busy one."""
    try:
        with open("/proc/loadavg") as f:
            return float(f.read().split()[0])
    except OSError:
        return None


def machine_cpu():
    """CPU seconds so far: the whole machine's busy time (user, system and interrupts, all CPUs,
    from /proc/stat), the part the hypervisor took (steal), and ours: this script and every process
    it started and waited for (the servers with their threads and forks, the loads)."""
    tick = os.sysconf("SC_CLK_TCK")
    busy, steal = cpu_ticks()
    mine = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        r = resource.getrusage(who)
        mine += r.ru_utime + r.ru_stime
    # The kernel's network work (softirq) for our loads is in our processes' system time too.
    return {"machine": busy / tick, "steal": steal / tick, "ours": mine}


def other_work(before, after, seconds):
    """What else ran meanwhile: CPU seconds of user and system time that no process of the
    benchmark used, and the steal, as {..} for the JSON and a sentence for the results."""
    other = (after["machine"] - before["machine"]) - (after["ours"] - before["ours"])
    steal = after["steal"] - before["steal"]
    figures = {"other_cpu_s": round(other, 1), "steal_s": round(steal, 1), "seconds": round(seconds, 1)}
    sentence = (f"Other work on the machine meanwhile: {other:.1f} CPU s in {seconds / 60:.1f} minutes "
                f"({100 * other / seconds:.1f}% of one CPU; the hypervisor took {steal:.1f} s more): "
                "on a quiet machine, near 0.")
    return figures, sentence


def results_path(now):
    """bench/results/2026-11-28T0343 (no extension), another name if that minute has one."""
    os.makedirs(RESULTS, exist_ok=True)
    base = os.path.join(RESULTS, now.strftime("%Y-%m-%dT%H%M"))
    path, n = base, 1
    while os.path.exists(path + ".md") or os.path.exists(path + ".json"):
        n += 1
        path = f"{base}-{n}"
    return path


RESULTS = os.path.join("bench", "results")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="shorter loads and one run (unless --runs): a quick look")
    parser.add_argument("--runs", type=int, default=None, metavar="N",
                        help="repeat the whole measurement N times; each figure is the median, "
                             "with its range in a second table (default 3; 1 with --quick)")
    args = parser.parse_args()
    if args.runs is None:
        args.runs = 1 if args.quick else 3
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    candidates, notes = candidates_and_notes()

    began = datetime.datetime.now()
    load_before, cpu_before = load_average(), machine_cpu()
    runs, others = [], []
    for run in range(args.runs):
        if args.runs > 1:
            print(f"== run {run + 1} of {args.runs}", file=sys.stderr)
        run_began, run_cpu = time.monotonic(), machine_cpu()
        runs.append(measure(candidates, args.quick))
        others.append(other_work(run_cpu, machine_cpu(), time.monotonic() - run_began)[0])
        if args.runs > 1:
            print(f"   other work meanwhile: {others[-1]['other_cpu_s']:.1f} CPU s", file=sys.stderr)
    took = (datetime.datetime.now() - began).total_seconds()
    other, quiet = other_work(cpu_before, machine_cpu(), took)
    if args.runs > 1:
        quiet += (" Run by run: " + ", ".join(f"{o['other_cpu_s']:.0f}" for o in others)
                  + " CPU s.")
    names = list(runs[0][0])
    # Every figure a cell got, one a run (fewer where a load failed).
    got = {name: {c: [r[name][c] for r, _ in runs if c in r[name]] for c, _, _ in COLUMNS}
           for name in names}
    rows = {name: {c: statistics.median(v) for c, v in fig.items() if v} for name, fig in got.items()}

    lines = markdown(rows, lambda name, c, fmt: fmt.format(rows[name][c]) if c in rows[name] else "–")
    ratios = {}
    for name in names:
        if name == "ours":
            continue
        label = "ours ÷ ours at RUST_LOG=warn (the log's cost)" if name == WARN else f"ours ÷ {name}"
        cells, ratios[name] = [], {}
        for c, _, better in COLUMNS:
            ours, peer = got["ours"][c], got[name][c]
            # Both above zero: a ratio to or of nothing (or of a negative KiB/conn) says nothing.
            if ours and peer and rows["ours"][c] > 0 and rows[name][c] > 0 and c not in NO_RATIO:
                r = rows["ours"][c] / rows[name][c]
                v = verdict(better, ours, peer)
                ratios[name][c] = {"ratio": r, "verdict": v}
                cells.append(f"{ratio_text(r)} {v}")
            else:
                cells.append("–")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    cpu = "server on CPU 0, load on CPU 1" if shutil.which("taskset") else "not pinned (no taskset)"
    table = "\n".join(lines)
    of_runs = f", the median of {args.runs} runs" if args.runs > 1 else ", one run"
    quick = " (--quick: shorter loads)" if args.quick else ""
    if load_before is not None:
        quiet += f" The load average (1 min) was {load_before:.2f} when it began."
    report = (f"Echo servers on {os.uname().nodename}, {began:%Y-%m-%d %H:%M}, {os.cpu_count()} CPUs, "
              f"{cpu}{of_runs}{quick}.\n\n{table}\n\n{LEGEND}\n")
    if notes:
        report += "\n" + "\n".join(f"- {n}" for n in notes) + "\n"
    print(report)

    path = results_path(began)
    with open(path + ".md", "w") as f:
        f.write(report)
        if args.runs > 1:
            def spread(name, c, fmt):
                v = got[name][c]
                return f"{fmt.format(min(v))}–{fmt.format(max(v))}" if v else "–"
            f.write(f"\nThe range of each figure over the {args.runs} runs (lowest–highest):\n\n")
            f.write("\n".join(markdown(rows, spread)) + "\n")
        f.write(f"\n{quiet}\n\nEvery figure of every run: "
                f"[{os.path.basename(path)}.json]({os.path.basename(path)}.json).\n")
    document = {
        "what": "bench/compare.py: echo servers under the same loads; every figure of every run",
        "date": began.isoformat(timespec="seconds"),
        "host": os.uname().nodename,
        "cpus": os.cpu_count(),
        "pinning": cpu,
        "quick": args.quick,
        "runs_asked": args.runs,
        "seconds": round(took, 1),
        "load_average_before": load_before,
        # CPU seconds that no process of the benchmark used while it ran, and the steal.
        "other_work": other,
        "notes": notes,
        "ours": "ours",
        "servers": names,
        # better: "higher", "lower" or null (not the server's figure); ratio: whether the
        # ratio rows (and the chart) divide ours by the others in this column.
        "columns": [{"name": c, "better": {HIGHER: "higher", LOWER: "lower"}.get(b),
                     "ratio": c not in NO_RATIO} for c, _, b in COLUMNS],
        "median": rows,
        "range": {name: {c: [min(v), max(v)] for c, v in fig.items() if v} for name, fig in got.items()},
        # ours ÷ each other server, of the medians, with better, worse or ≈ (ranges overlap).
        "ratios": ratios,
        # Each run: every column's figure for each server, and the percentiles (µs) of each
        # load that measures latency: "1 conn, 1 CPU" (the p50 and p99 columns), "1 conn, 2 CPUs"
        # (the 1-conn rt/s load), "100 conns", "connects, 4 at once", "connects, 8 at once",
        # "UDP, 1 client".
        # other_work: what other processes used during that run, as the whole one's above.
        "runs": [{"figures": figures, "latency_us": lat, "other_work": o}
                 for (figures, lat), o in zip(runs, others)],
    }
    with open(path + ".json", "w") as f:
        json.dump(document, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"written to {path}.md (with each figure's range over the runs)" if args.runs > 1
          else f"written to {path}.md", file=sys.stderr)
    print(f"every figure of every run: {path}.json", file=sys.stderr)
    print(quiet, file=sys.stderr)
    chart(path)


def chart(path):
    """Draws path.png from path.json with bench/chart.py, or says how once matplotlib is there."""
    command = [sys.executable, os.path.join("bench", "chart.py"), path + ".json", "-o", path + ".png"]
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        print("no chart: bench/chart.py needs matplotlib (`pip install matplotlib`), then run\n"
              f"  python3 {' '.join(command[1:])}", file=sys.stderr)
        return
    subprocess.run(command)  # it says where the chart is, or why there is none


if __name__ == "__main__":
    main()
