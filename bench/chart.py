"""Draws a PNG chart from bench/compare.py's results, or from one tcp-client --json load run.

    python3 bench/chart.py bench/results/2026-11-28T0343.json -o bench/results/2026-11-28T0343.png
    tcp-client --port 8888 -c 4 --duration 10 --json > load.json
    python3 bench/chart.py load.json -o load.png

Without -o the PNG goes beside the JSON, with .png for .json. What the chart shows depends on
the file:

- compare.py's results (bench/results/DATE-TIME.json): (a) the latency of a round trip on one
  connection, p50 and p99 per server, with the server and the client sharing one CPU and each on
  its own CPU; (b) ours ÷ each peer (tokio, Python, socat) for every column the table has a ratio
  for, as a bar from the 1× line, on a log scale so that 2× and ½× are as long. Every column says
  whether higher or lower is better, and the side of the line where ours is better is shaded
  green. A pale bar is a column where the two servers' ranges over the runs overlap (≈ in the
  table); the whisker is the lowest and highest of the runs' ratios.
- a tcp-client --json load run (its "latency" object): (a) the histogram of round-trip times,
  with the percentiles marked; (b) the percentile curve, latency against 50%, 90%, 99%, 99.9%,
  99.99% on a scale of nines; (c) when the run has interval records (-i), each interval's p50,
  p99 and max over the run.

Needs matplotlib, a plotting library for Python (https://matplotlib.org):
    pip install matplotlib      (3.6 or later)
"""

import argparse
import json
import math
import os
import sys

try:
    import matplotlib

    matplotlib.use("Agg")  # a file, no window: works over ssh and in CI
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import FuncFormatter, NullFormatter
except ImportError:
    sys.exit("bench/chart.py needs matplotlib, a plotting library for Python:\n"
             "    pip install matplotlib\n"
             "then run this again.")

OURS_COLOUR = "#1f77b4"
# Not green nor red: green marks the side where ours is better.
PEER_COLOURS = ["#4c72b0", "#dd8452", "#8172b3", "#937860", "#da8bc3"]
BETTER_SHADE = "#d9f2d9"


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("json", help="bench/results/DATE-TIME.json, or a tcp-client --json file")
    parser.add_argument("-o", "--output", help="the PNG to write (default: beside the JSON)")
    args = parser.parse_args()
    try:
        with open(args.json) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        sys.exit(f"bench/chart.py: cannot read {args.json}: {e}")
    output = args.output or os.path.splitext(args.json)[0] + ".png"
    if isinstance(doc, dict) and "runs" in doc and "columns" in doc:
        fig = compare_chart(doc, args.json)
    elif isinstance(doc, dict) and isinstance(doc.get("latency"), dict):
        fig = load_chart(doc, args.json)
    else:
        sys.exit(f"bench/chart.py: {args.json} is neither bench/compare.py's results (with "
                 "\"runs\" and \"columns\") nor a tcp-client --json run (with \"latency\")")
    fig.savefig(output, dpi=100)
    print(f"chart: {output}")


# --- compare.py's results ----------------------------------------------------------------------

def compare_chart(doc, source):
    ours = doc.get("ours", "ours")
    # The peers are the other programs; ours at RUST_LOG=warn is ours, its ratio in the table.
    peers = [s for s in doc["servers"] if s != ours and not s.startswith(ours + ",")]
    columns = [c for c in doc["columns"] if c["ratio"] and c["better"]]
    fig = plt.figure(figsize=(13, 16), layout="constrained")
    top, bottom = fig.subfigures(2, 1, height_ratios=[1, 2.6])
    latency_panel(top.subplots(), doc)
    ratio_panel(bottom.subplots(), doc, ours, peers, columns)
    runs = len(doc["runs"])
    other = doc.get("other_work") or {}
    quiet = (f"; other work on the machine meanwhile: {other['other_cpu_s']:.0f} CPU s "
             f"in {other['seconds'] / 60:.0f} min" if "other_cpu_s" in other else "")
    fig.suptitle(f"Echo servers: ours against the ones people use — {doc.get('host', '?')}, "
                 f"{doc.get('cpus', '?')} CPUs, {doc.get('date', '?')[:16].replace('T', ' ')}, "
                 f"{f'median of {runs} runs' if runs > 1 else 'one run'}"
                 f"{' (--quick)' if doc.get('quick') else ''}\n"
                 f"{os.path.basename(source)}{quiet}", fontsize=12)
    return fig


def per_run(doc, server, get):
    """get(run) for each run where server has it."""
    out = []
    for run in doc["runs"]:
        try:
            v = get(run, server)
        except (KeyError, TypeError):
            continue
        if v is not None:
            out.append(v)
    return out


def median(values):
    s = sorted(values)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def latency_panel(ax, doc):
    """p50 and p99 of one connection's round trips, per server: medians over the runs, with
    the runs' range as a whisker."""
    servers = doc["servers"]
    series = [("1 conn, 1 CPU", "p50_us", "p50, server and client\nsharing one CPU", "#9ecae1"),
              ("1 conn, 1 CPU", "p99_us", "p99, server and client\nsharing one CPU", "#3182bd"),
              ("1 conn, 2 CPUs", "p50_us", "p50, each on\nits own CPU", "#fdae6b"),
              ("1 conn, 2 CPUs", "p99_us", "p99, each on\nits own CPU", "#e6550d")]
    width = 0.8 / len(series)
    # The axis ends a little above the highest median: a whisker that goes higher (one disturbed
    # run) is cut there, its top written beside it, so that it cannot flatten every bar.
    medians = [median(v) for load, p, _, _ in series for server in servers
               for v in [per_run(doc, server, lambda r, s: r["latency_us"][s][load][p])] if v]
    top = max(medians) * 1.3 if medians else 1
    for i, (load, p, label, colour) in enumerate(series):
        xs, ys, lows, highs = [], [], [], []
        for k, server in enumerate(servers):
            got = per_run(doc, server, lambda r, s: r["latency_us"][s][load][p])
            if not got:
                continue
            m = median(got)
            xs.append(k - 0.4 + width * (i + 0.5))
            ys.append(m)
            lows.append(m - min(got))
            highs.append(min(max(got), top) - m)
            if max(got) > top:
                ax.annotate(f"↑{max(got):.0f}", (xs[-1], top), xytext=(3, -3),
                            textcoords="offset points", fontsize=7.5, color="#444",
                            va="top", ha="left")
        ax.bar(xs, ys, width * 0.92, color=colour, label=label,
               yerr=[lows, highs] if len(doc["runs"]) > 1 else None,
               error_kw={"elinewidth": 1, "capsize": 2, "ecolor": "#444"})
        # The median just above its bar, over the whisker if one runs through it.
        for x, y in zip(xs, ys):
            ax.annotate(f"{y:.0f}" if y >= 10 else f"{y:.1f}", (x, y), xytext=(0, 3),
                        textcoords="offset points", ha="center", va="bottom", fontsize=8,
                        bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "lw": 0,
                              "alpha": 0.8})
    ax.set_xticks(range(len(servers)), servers, fontsize=10)
    ax.set_ylabel("µs per round trip (lower is better ↓)")
    ax.set_ylim(0, top)
    ax.set_title("(a) Latency of a round trip on one connection (tcp-client, 64 bytes): "
                 "p50 and p99, lower is better", loc="left", fontsize=11)
    ax.legend(fontsize=9, loc="upper left", bbox_to_anchor=(1.005, 1), frameon=False,
              labelspacing=1.0)
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)


def ratio_panel(ax, doc, ours, peers, columns):
    """ours ÷ each peer, a bar per column and peer from the 1× line, log scale."""
    n = len(peers)
    height = 0.8 / max(n, 1)
    lo, hi = 1.0, 1.0
    labels = []
    for row, col in enumerate(columns):
        name, better = col["name"], col["better"]
        labels.append(f"{name}  {'↑' if better == 'higher' else '↓'}")
        # The side of 1× where ours is better: right when higher is better, left when lower.
        ax.axhspan(row - 0.5, row + 0.5, xmin=0.5 if better == "higher" else 0,
                   xmax=1 if better == "higher" else 0.5, color=BETTER_SHADE, lw=0, zorder=0)
        for i, peer in enumerate(peers):
            info = doc.get("ratios", {}).get(peer, {}).get(name)
            m_ours, m_peer = doc["median"].get(ours, {}).get(name), doc["median"].get(peer, {}).get(name)
            if not m_ours or not m_peer or m_ours <= 0 or m_peer <= 0:
                continue
            r = info["ratio"] if info else m_ours / m_peer
            # Each run's own ratio: the two were measured in the same run, in the same state
            # of the machine.
            each = [run["figures"][ours][name] / run["figures"][peer][name]
                    for run in doc["runs"]
                    if (run["figures"].get(ours, {}).get(name) or 0) > 0
                    and (run["figures"].get(peer, {}).get(name) or 0) > 0]
            y = row - 0.4 + height * (i + 0.5)
            level = info and info.get("verdict") == "≈"
            colour = PEER_COLOURS[i % len(PEER_COLOURS)]
            if level:  # pale and hatched, in the peer's colour still
                ax.barh(y, r - 1, height * 0.9, left=1, facecolor="white", edgecolor=colour,
                        hatch="////", lw=0.8, zorder=2)
            else:
                ax.barh(y, r - 1, height * 0.9, left=1, color=colour, zorder=2)
            if len(each) > 1:
                ax.plot([min(each), max(each)], [y, y], color="#333", lw=0.9, zorder=3)
            # The figure beyond the bar and its whisker, on the side the bar grows.
            end = max(each + [r]) * 1.08 if r >= 1 else min(each + [r]) / 1.08
            ax.text(end, y, ratio_label(r), va="center", ha="left" if r >= 1 else "right",
                    fontsize=7.5, zorder=4)
            lo, hi = min(lo, r, *each), max(hi, r, *each)
    # Symmetric about 1× so that the shading's halves are the two sides of the line.
    reach = max(1 / lo, hi) * 2.2
    ax.set_xscale("log")
    ax.set_xlim(1 / reach, reach)
    ax.axvline(1, color="black", lw=1.2, zorder=3)
    ax.set_yticks(range(len(columns)), labels, fontsize=10)
    ax.set_ylim(len(columns) - 0.5, -0.5)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: ratio_label(x)))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("ours ÷ peer (log scale): right of 1×, ours is higher; left, lower")
    ax.grid(axis="x", alpha=0.3, which="major")
    ax.set_title("(b) Ours ÷ each peer, per column of the table. Green: the side where ours is "
                 "better (↑ higher is better, ↓ lower is better)", loc="left", fontsize=11)
    handles = [Patch(color=PEER_COLOURS[i % len(PEER_COLOURS)], label=f"ours ÷ {p}")
               for i, p in enumerate(peers)]
    handles.append(Patch(facecolor="white", edgecolor="#555", hatch="////",
                         label="hatched: ranges over the runs overlap (≈ in the table)"))
    handles.append(Line2D([], [], color="#333", lw=0.9,
                          label="whisker: lowest to highest of the runs' own ratios"))
    handles.append(Patch(color=BETTER_SHADE, label="ours better on this side"))
    ax.legend(handles=handles, fontsize=9, loc="upper center", bbox_to_anchor=(0.4, -0.045),
              ncols=3, frameon=False)


def ratio_label(r):
    if r >= 10:
        return f"{r:.0f}×"
    if r >= 0.1:
        return f"{r:.2f}×".replace(".00×", "×")
    return f"{r:.2g}×"


# --- one tcp-client --json load run -------------------------------------------------------------

PERCENTILES = [("p50", "p50_us", 0.5), ("p90", "p90_us", 0.9), ("p99", "p99_us", 0.99),
               ("p99.9", "p99_9_us", 0.999), ("p99.99", "p99_99_us", 0.9999), ("max", "max_us", None)]


def load_chart(doc, source):
    lat = doc["latency"]
    buckets = [b for b in lat.get("histogram", []) if b.get("count")]
    if not buckets:
        sys.exit(f"bench/chart.py: {source} has no latency histogram (no round trip measured?)")
    intervals = [i for i in doc.get("intervals") or [] if (i.get("latency") or {}).get("p50_us")]
    panels = 3 if intervals else 2
    fig = plt.figure(figsize=(12, 4.6 * panels), layout="constrained")
    axes = fig.subplots(panels, 1)
    histogram_panel(axes[0], lat, buckets)
    percentile_panel(axes[1], lat, buckets)
    if intervals:
        interval_panel(axes[2], intervals)
    fig.suptitle(f"tcp-client load run ({os.path.basename(source)})\n{describe(doc)}", fontsize=12)
    return fig


def describe(doc):
    """The run's parameters and totals in a line: those that are there."""
    p, t = doc.get("parameters") or {}, doc.get("totals") or {}
    parts = []
    if doc.get("server"):
        parts.append(str(doc["server"]))
    if p.get("connections") is not None:
        parts.append(f"{p['connections']} connection{'s' if p['connections'] != 1 else ''}")
    if p.get("size_bytes") is not None:
        parts.append(f"{p['size_bytes']} bytes")
    if p.get("rate_per_s"):
        parts.append(f"open loop at {p['rate_per_s']:g}/s")
    elif p:
        parts.append("closed loop")
    if p.get("reconnect"):
        parts.append("a new connection each")
    if t.get("round_trips") is not None:
        parts.append(f"{t['round_trips']:,} round trips")
    if t.get("elapsed_s") is not None:
        parts.append(f"{t['elapsed_s']:.1f} s")
    if t.get("rate_per_s") is not None:
        parts.append(f"{t['rate_per_s']:,.0f}/s")
    if doc["latency"].get("measured_from") == "scheduled_send":
        parts.append("latency from the scheduled send")
    return ", ".join(parts) or "(no parameters in the file)"


# One colour a percentile, dark enough to read on white.
PERCENTILE_COLOURS = ["#2b8cbe", "#31a354", "#e6550d", "#d62728", "#7b3294", "#252525"]


def us_text(v):
    """A time as people read it: 74.1 µs, 1.25 ms, 199.5 ms, 2.10 s."""
    if v < 1000:
        return f"{v:.1f} µs"
    if v < 1e6:
        return f"{v / 1000:.3g} ms" if v < 1e4 else f"{v / 1000:.1f} ms"
    return f"{v / 1e6:.2f} s"


def mark_percentiles(ax, lat):
    """A dashed line at each percentile tcp-client reported, named in the legend."""
    for k, (name, key, _) in enumerate(PERCENTILES):
        v = lat.get(key)
        if v is not None:
            ax.axvline(v, color=PERCENTILE_COLOURS[k], lw=1.2, ls="--", label=f"{name} {us_text(v)}")
    ax.legend(fontsize=9, loc="upper right", framealpha=0.95)


def histogram_panel(ax, lat, buckets):
    """The histogram's buckets as bars, on log µs: the buckets widen with the value (64 to each
    power of two), so on a log axis they have one width."""
    lows = [b["low_ns"] / 1000 for b in buckets]
    widths = [(b["high_ns"] - b["low_ns"]) / 1000 for b in buckets]
    counts = [b["count"] for b in buckets]
    ax.bar(lows, counts, widths, align="edge", color=OURS_COLOUR, lw=0)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(0.5, max(counts) * 3)
    ax.set_xlim(min(lows) / 1.3, max(b["high_ns"] for b in buckets) / 1000 * 1.3)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:g}"))
    ax.set_xlabel("round-trip time, µs (log scale)")
    ax.set_ylabel("round trips in the bucket (log scale)")
    n = lat.get("count") or sum(counts)
    ax.set_title(f"(a) Histogram of the {n:,} round-trip times; dashed: the percentiles",
                 loc="left", fontsize=11)
    ax.grid(alpha=0.3)
    mark_percentiles(ax, lat)


def nines(q):
    """A fraction on a scale of nines: 0.9 → 1, 0.99 → 2, 0.999 → 3."""
    return -math.log10(1 - q)


def percentile_panel(ax, lat, buckets):
    """The percentile curve from the histogram: the fraction of round trips at or under each
    bucket's upper bound, with tcp-client's own percentiles as dots."""
    total = sum(b["count"] for b in buckets)
    # The last round trip is at 1 - 1/total: as many nines as the run can tell.
    last = nines(1 - 1 / total) if total > 1 else 1
    xs, ys, seen = [0], [buckets[0]["low_ns"] / 1000], 0
    for b in buckets:
        seen += b["count"]
        xs.append(min(nines(seen / total), last) if seen < total else last)
        ys.append(b["high_ns"] / 1000)
    ax.step(xs, ys, where="pre", color=OURS_COLOUR, lw=1.5, label="from the histogram")
    right = max(last, 2) + 0.35
    for k, (name, key, q) in enumerate(PERCENTILES):
        v = lat.get(key)
        if v is None:
            continue
        x = nines(q) if q else last
        ax.plot([x], [v], "o", color=PERCENTILE_COLOURS[k], zorder=3,
                label=f"{name} {us_text(v)}")
        ax.annotate(name, (x, v), textcoords="offset points", xytext=(-5, 6),
                    ha="right", fontsize=9, color=PERCENTILE_COLOURS[k])
    ax.legend(fontsize=9, loc="upper left", framealpha=0.95)
    low, high = min(ys), max(max(ys), lat.get("max_us") or 0)
    ax.set_ylim(low / 1.5, high * 3)
    ticks = [t for t in range(0, int(right) + 1)]
    ax.set_xticks(ticks, [f"{100 * (1 - 10 ** -t):.{max(t - 2, 0)}f}%" if t else "0%" for t in ticks])
    ax.set_xlim(0, right)
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: f"{y:g}"))
    ax.set_xlabel("percentile (a scale of nines: each step a tenth of the round trips left)")
    ax.set_ylabel("round-trip time, µs (log scale)")
    ax.set_title("(b) Percentile curve: that share of the round trips took at most this long "
                 "(dots: tcp-client's own figures)", loc="left", fontsize=11)
    ax.grid(alpha=0.3)


def interval_panel(ax, intervals):
    for key, name, colour in (("p50_us", "p50", "#3182bd"), ("p99_us", "p99", "#e6550d"),
                              ("max_us", "max", "#999999")):
        xs = [i["end_s"] for i in intervals if key in i["latency"]]
        ys = [i["latency"][key] for i in intervals if key in i["latency"]]
        ax.plot(xs, ys, "o-", ms=3, color=colour, label=name)
    warm = [i for i in intervals if i.get("warmup")]
    if warm:
        ax.axvspan(0, max(i["end_s"] for i in warm), color="#eeeeee", label="warm-up, not counted")
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: f"{y:g}"))
    ax.set_xlabel("seconds into the run (each point the end of an interval)")
    ax.set_ylabel("round-trip time, µs (log scale)")
    ax.set_title("(c) Each interval's p50, p99 and max", loc="left", fontsize=11)
    ax.legend(fontsize=9)
    ax.grid(alpha=0.3)


if __name__ == "__main__":
    main()
