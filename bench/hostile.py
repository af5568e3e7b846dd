#!/usr/bin/env python3
"""Kernel and process memory under clients that send without reading (issue 10).

Starts target/release/tcp-server on 127.0.0.1 port 0 (extra arguments are passed on), opens
N connections that each try to send MIB MiB and never read, then reports the largest kernel
memory one of the server's sockets holds (ss -tm skmem: r, the receive queue, plus w, the send
queue; t, the part of the send queue in flight, is inside w), the server's RSS
per connection, whether a normal client is answered meanwhile, and the RSS once the hostile
clients have read everything and sit idle. Loopback only; bounded in time.

    cargo build --release -p tcp-server && python3 bench/hostile.py --clients 500 --mib 4
"""
import argparse, os, re, select, socket, subprocess, sys, time

p = argparse.ArgumentParser()
p.add_argument("--clients", type=int, default=500)
p.add_argument("--mib", type=int, default=4)
p.add_argument("server_args", nargs="*")
a = p.parse_args()

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
env = dict(os.environ, RUST_LOG=os.environ.get("RUST_LOG", "warn"))
srv = subprocess.Popen([os.path.join(root, "target/release/tcp-server"), "--port", "0",
                        "--max-connections", str(a.clients + 10)] + a.server_args,
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)
try:
    line = srv.stdout.readline()
    port = int(line.rsplit(":", 1)[1])

    def rss_kib():
        with open(f"/proc/{srv.pid}/status") as f:
            return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))

    def skmem_max():
        out = subprocess.run(["ss", "-tmnH", "state", "established", f"( sport = :{port} )"],
                             capture_output=True, text=True).stdout
        worst = 0
        for m in re.finditer(r"skmem:\(r(\d+),rb\d+,t(\d+),tb\d+,f\d+,w(\d+),o\d+", out):
            worst = max(worst, int(m.group(1)) + int(m.group(3)))
        return worst, out.count("skmem")

    def normal_round_trip():
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            t = time.perf_counter(); s.sendall(b"x" * 64); got = b""
            while len(got) < 64:
                got += s.recv(64)
            return (time.perf_counter() - t) * 1e3

    idle = rss_kib()
    block = b"h" * 65536
    socks = []
    for _ in range(a.clients):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.setblocking(False)
        socks.append([s, 0])
    goal = a.mib << 20
    deadline = time.time() + 60
    # Until every socket has refused more twice, half a second apart: the buffers are full.
    stalled = 0
    while time.time() < deadline and stalled < 2:
        moved = False
        for c in socks:
            if c[1] >= goal:
                continue
            try:
                c[1] += c[0].send(block[: goal - c[1]])
                moved = True
            except BlockingIOError:
                pass
        stalled = 0 if moved else stalled + 1
        if not moved:
            time.sleep(0.5)
    worst, n = skmem_max()
    loaded = rss_kib()
    rtt = normal_round_trip()
    print(f"{a.clients} clients sent {sum(c[1] for c in socks) / 2**20:.0f} MiB without reading")
    print(f"largest kernel memory of one server socket: {worst / 1024:.0f} KiB ({n} sockets seen)")
    print(f"server RSS: idle {idle} KiB, loaded {loaded} KiB, "
          f"{(loaded - idle) / a.clients:.1f} KiB per connection")
    print(f"a normal client's 64-byte round trip meanwhile: {rtt:.2f} ms")
    # Now they read everything they were owed, and sit idle.
    got = [0] * len(socks)
    end = time.time() + 60
    while time.time() < end and any(g < c[1] for g, c in zip(got, socks)):
        moved = False
        for i, c in enumerate(socks):
            try:
                while got[i] < c[1]:
                    n = len(c[0].recv(1 << 20))
                    if n == 0:
                        break
                    got[i] += n
                    moved = True
            except BlockingIOError:
                pass
        if not moved:
            time.sleep(0.05)
    print(f"they read back {sum(got) / 2**20:.0f} MiB")
    time.sleep(1)
    print(f"server RSS after they read and sit idle: {rss_kib()} KiB (idle baseline {idle} KiB)")
finally:
    srv.kill()
    srv.wait()
