"""Runs the loads of bench/compare.sh against each server and prints the table.

    python3 bench/compare.py [--quick] [--runs N]   (compare.sh builds everything, then runs this)

--quick   loads of 1 s instead of 3 (fewer UDP pings, one stream instead of five): a quick look.
--runs N  the whole measurement N times over (every server started afresh each time); each
          cell is the median of the N, and the results file (bench/results-DATE.md) adds a
          second table with each cell's range, lowest–highest. Default 1.

Servers: ours (as a user starts it, no RUST_LOG, and again at RUST_LOG=warn to show what its
log costs), tokio's echo and uppercase servers from bench/peers, a threaded Python server and
socat. Servers run on CPU 0 and loads on CPU 1 (taskset). Columns (↑ higher is better, ↓ lower):

- p50 µs, 1 conn, 1 CPU: tcp-client, one connection, server and client both on CPU 0.
- 1-conn rt/s: tcp-client, one connection, closed loop, server and client on their own CPUs.
- server CPU s per M rt, 1 conn: the server's CPU time over that load, per million round trips:
  where a server that spins instead of sleeping pays for its speed.
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
- UDP req/s and loss %, 64 clients: bench/peers' udp-load, 64 sockets with one request each.
- UDP server CPU s per M req, 64 clients: the server's CPU time over that load, per million.

Every server is started on a free loopback port, stopped by its own pid (and its children's, for
socat's forks), and every load is bounded in count and in time.
"""

import argparse
import datetime
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


def load(argv, cpu=LOAD_CPU):
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
        print(f"  load failed: {' '.join(argv)}\n  {out.stderr.strip()}", file=sys.stderr)
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


def rate(out):
    return float(re.search(r"rate: +(\d+) (round|requests)", out).group(1))


def tcp_figures(server, quick):
    client = [os.path.join(BIN, "tcp-client"), "--port", str(server.port)]
    dur = "1" if quick else "3"
    fig = {}
    # One connection, server and client on one CPU: the latency of a round trip.
    out = load(client + ["-n", "20000", "--duration", dur], cpu=SERVER_CPU)
    if out:
        fig["p50 µs, 1 conn, 1 CPU"] = float(re.search(r"p50 ([\d.]+)", out).group(1))
    # One connection again, closed loop, now server and client on their own CPUs; and what the
    # server's CPU did meanwhile, where a spinning server pays for its speed.
    time.sleep(0.3)
    before = cpu_seconds(server)
    out = load(client + ["-n", "5000000", "--duration", dur])
    if out:
        fig["1-conn rt/s"] = rate(out)
        trips = int(re.search(r"round trips: +(\d+)", out).group(1))
        if trips:
            fig["server CPU s per M rt, 1 conn"] = (cpu_seconds(server) - before) / (trips / 1e6)
    # The server's CPU time over the 100-connection load, per million round trips. Read once
    # the last load's connections are gone (and socat's forks for them reaped), and again after.
    time.sleep(0.3)
    before = cpu_seconds(server)
    out = load(client + ["-c", "100", "-n", "50000000", "--duration", dur])
    if out:
        fig["rt/s, 100 conns"] = rate(out)
        fig["load CPU %, 100 conns"] = LAST_LOAD_BUSY
        time.sleep(0.3)
        trips = int(re.search(r"round trips: +(\d+)", out).group(1))
        if trips:
            fig["server CPU s per M rt, 100 conns"] = (cpu_seconds(server) - before) / (trips / 1e6)
    # The same 100 connections from a load generator of another design: a blocking thread each.
    threaded = os.path.join(PEERS, "threaded-load")
    if os.path.exists(threaded):
        out = load([threaded, "--port", str(server.port), "--connections", "100", "--duration", dur])
        if out:
            fig["rt/s, 100 conns, threaded load"] = rate(out)
    # Connect cycles, 6,000 a load and 12,000 in all: past about 14,000 to one port (connect()
    # takes the even ports of 32768-60999), connect() searches for a port whose TIME_WAIT is old
    # enough to reuse, and measures the kernel, not the server. Four at once with 16 bytes, as
    # issue 11 defines a cycle; then eight at once, where both CPUs are busy with the kernel's
    # TCP work and the server's own part is small.
    out = load(client + ["-c", "4", "-s", "16", "--reconnect", "-n", "6000", "--duration", dur])
    if out:
        fig["connects/s, 4 at once"] = rate(out)
    out = load(client + ["-c", "8", "--reconnect", "-n", "6000", "--duration", dur])
    if out:
        fig["connects/s, 8 at once"] = rate(out)
    return fig


def stream_rate(port):
    out = load([os.path.join(BIN, "tcp-client"), "--port", str(port),
                "-n", "1", "-s", str(128 << 20), "--timeout", "30"])
    return float(re.search(r"([\d.]+) MiB/s", out).group(1)) if out else None


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


def udp_figures(server, quick):
    port = server.port
    fig = {}
    # One request in flight: udp-client's ping mode, each datagram sent when the last is answered.
    out = load(
        [os.path.join(BIN, "udp-client"), "--port", str(port), "-n",
         "50000" if quick else "200000", "-i", "0", "-q", "--timeout", "1"]
    )
    if out:
        m = re.search(r"(\d+) sent, (\d+) received, ([\d.]+)% loss, [\d.]+ s, (\d+) requests/s", out)
        fig.update({"UDP req/s, 1 client": float(m.group(4)), "UDP loss %, 1 client": float(m.group(3))})
    # 64 in flight: udp-load's 64 sockets, each with one request waiting for its reply.
    udp_load = os.path.join(PEERS, "udp-load")
    if os.path.exists(udp_load):
        before = cpu_seconds(server)
        out = load([udp_load, "--port", str(port), "--clients", "64",
                    "--duration", "1" if quick else "3"])
        if out:
            fig["UDP req/s, 64 clients"] = rate(out)
            requests = fig["UDP req/s, 64 clients"] * (1 if quick else 3)
            if requests:
                fig["UDP server CPU s per M req, 64 clients"] = (
                    (cpu_seconds(server) - before) / (requests / 1e6))
            fig["UDP loss %, 64 clients"] = float(re.search(r"loss: ([\d.]+)%", out).group(1))
    return fig


WARN = "ours, RUST_LOG=warn"

HIGHER, LOWER = "↑", "↓"
COLUMNS = [
    ("p50 µs, 1 conn, 1 CPU", "{:.1f}", LOWER),
    ("1-conn rt/s", "{:.0f}", HIGHER),
    ("server CPU s per M rt, 1 conn", "{:.2f}", LOWER),
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
    ("UDP req/s, 64 clients", "{:.0f}", HIGHER),
    ("UDP loss %, 64 clients", "{:.2f}", LOWER),
    ("UDP server CPU s per M req, 64 clients", "{:.2f}", LOWER),
]
# Loss is near zero for every server: a ratio of two such figures says nothing. The load's CPU
# is the load generator's, not the server's.
NO_RATIO = {"UDP loss %, 1 client", "UDP loss %, 64 clients", "load CPU %, 100 conns"}
LEGEND = ("↑ higher is better, ↓ lower is better. A ratio row divides ours by that row's server: "
          "above 1× means ours is higher (better in a ↑ column, worse in a ↓ column).")


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


def measure(candidates, quick):
    """One whole measurement: every server started afresh, every load once. {server: {column: figure}}."""
    rows = {}
    # All servers run side by side, idle but for the one under load, so that each kind of load
    # meets every server in the same state of the machine; streams alternate between servers.
    servers = {}
    try:
        for name, tcp, _ in candidates:
            servers[name] = tcp()
            rows[name] = {}
        # Memory first, while every server is fresh: memory that a heavier load made the
        # allocator keep would hide what an idle connection costs.
        for name, server in servers.items():
            rows[name].update(idle_figures(server))
        for name, server in servers.items():
            print(f"{name}: TCP loads", file=sys.stderr)
            rows[name].update(tcp_figures(server, quick))
        rates = {name: [] for name in servers}
        for _ in range(1 if quick else 5):
            for name, server in servers.items():
                rate = stream_rate(server.port)
                if rate is not None:
                    rates[name].append(rate)
        for name, got in rates.items():
            if got:
                rows[name]["MiB/s, 1 stream"] = sorted(got)[len(got) // 2]
    finally:
        for server in servers.values():
            server.stop()
    for name, _, udp in candidates:
        if udp:
            print(f"{name}: UDP load", file=sys.stderr)
            server = udp()
            try:
                rows[name].update(udp_figures(server, quick))
            finally:
                server.stop()
    return rows


def markdown(rows, cell):
    """A table, a row per server: cell(name, column, format) is the text of each cell."""
    head = "| server | " + " | ".join(f"{c} {better}" if better else c for c, _, better in COLUMNS) + " |"
    lines = [head, "|" + " --- |" * (len(COLUMNS) + 1)]
    for name in rows:
        cells = [cell(name, c, fmt) for c, fmt, _ in COLUMNS]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="shorter loads, for a quick look")
    parser.add_argument("--runs", type=int, default=1, metavar="N",
                        help="repeat the whole measurement N times; each cell is the median, "
                             "and the results file adds a table of ranges (default 1)")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    candidates, notes = candidates_and_notes()

    runs = []
    for run in range(args.runs):
        if args.runs > 1:
            print(f"== run {run + 1} of {args.runs}", file=sys.stderr)
        runs.append(measure(candidates, args.quick))
    # Every figure a cell got, one a run (fewer where a load failed).
    got = {name: {c: [r[name][c] for r in runs if c in r[name]] for c, _, _ in COLUMNS}
           for name in runs[0]}
    rows = {name: {c: statistics.median(v) for c, v in fig.items() if v} for name, fig in got.items()}

    lines = markdown(rows, lambda name, c, fmt: fmt.format(rows[name][c]) if c in rows[name] else "–")
    ours = rows.get("ours", {})
    for name, fig in rows.items():
        if name == "ours":
            continue
        label = "ours ÷ ours at RUST_LOG=warn (the log's cost)" if name == WARN else f"ours ÷ {name}"
        cells = []
        for c, _, _ in COLUMNS:
            if c in ours and c in fig and fig[c] and c not in NO_RATIO:
                cells.append(f"{ours[c] / fig[c]:.2f}×")
            else:
                cells.append("–")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    cpu = "server on CPU 0, load on CPU 1" if shutil.which("taskset") else "not pinned (no taskset)"
    table = "\n".join(lines)
    stamp = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    of_runs = f", the median of {args.runs} runs" if args.runs > 1 else ""
    report = (f"Echo servers on {os.uname().nodename}, {stamp}, {os.cpu_count()} CPUs, {cpu}"
              f"{of_runs}.\n\n{table}\n\n{LEGEND}\n")
    if notes:
        report += "\n" + "\n".join(f"- {n}" for n in notes) + "\n"
    print(report)

    path = os.path.join("bench", f"results-{datetime.date.today()}.md")
    with open(path, "w") as f:
        f.write(report)
        if args.runs > 1:
            def spread(name, c, fmt):
                v = got[name][c]
                return f"{fmt.format(min(v))}–{fmt.format(max(v))}" if v else "–"
            f.write(f"\nThe range of each cell over the {args.runs} runs (lowest–highest):\n\n")
            f.write("\n".join(markdown(rows, spread)) + "\n")
    print(f"written to {path}" + (" (with each cell's range over the runs)" if args.runs > 1 else ""),
          file=sys.stderr)


if __name__ == "__main__":
    main()
