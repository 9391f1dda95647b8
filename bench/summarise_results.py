#!/usr/bin/env python3
"""Turns run-harness.sh's JSON lines into bench/RESULTS.md and a ratio chart.

One record per run (starling-bench --json plus harness_scenario, broker,
repeat, bench_exit). Cells are medians over repeats; ratios are
Starling (1 thread) / peer.
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess

BROKERS = ["starling-t1", "starling-t2", "mosquitto", "nats"]
TITLES = {"starling-t1": "Starling 1 thr", "starling-t2": "Starling 2 thr",
          "mosquitto": "Mosquitto", "nats": "NATS"}

# scenario -> [(metric title, unit, higher_is_better, extractor)]
def _lat(key):
    return lambda r: r.get("latency_us", {}).get(key)

METRICS = {
    "fanout-1to100-q0": [("delivered", "msg/s", True, lambda r: r.get("throughput"))],
    "fanin-100to1-q0": [("delivered", "msg/s", True, lambda r: r.get("throughput"))],
    "fanin-100to1-q1": [("delivered", "msg/s", True, lambda r: r.get("throughput"))],
    "pairs-50-q1": [("delivered", "msg/s", True, lambda r: r.get("throughput"))],
    "pairs-50-q2": [("delivered", "msg/s", True, lambda r: r.get("throughput"))],
    "latency-10x1000-q1": [("latency p50", "us", False, _lat("p50")),
                           ("latency p99", "us", False, _lat("p99")),
                           ("latency p99.9", "us", False, _lat("p99_9"))],
    "conn-idle": [("connect rate", "conn/s", True, lambda r: r.get("connect_rate")),
                  ("broker RSS per conn", "KiB", False,
                   lambda r: None if r.get("rss_per_connection") is None
                   else r["rss_per_connection"] / 1024)],
}

SCENARIO_TEXT = {
    "fanout-1to100-q0": "1 publisher -> 100 subscribers, one topic, QoS 0, as fast as possible",
    "fanin-100to1-q0": "100 publishers -> 1 subscriber on a `+` wildcard, QoS 0, as fast as possible",
    "fanin-100to1-q1": "as above at QoS 1 (window 64 per publisher)",
    "pairs-50-q1": "50 publisher/subscriber pairs, a topic each, QoS 1 (window 64)",
    "pairs-50-q2": "as above at QoS 2 (NATS skipped: no QoS 2)",
    "latency-10x1000-q1": "10 pairs at 1,000 msg/s each (10,000 msg/s in all), QoS 1: end-to-end latency",
    "conn-idle": "idle connections from 4 source addresses: connect rate, broker VmRSS growth per connection",
}


def fmt(value, unit):
    if value is None:
        return "–"
    if unit in ("msg/s", "conn/s"):
        return f"{value:,.0f}"
    if unit == "KiB":
        return f"{value:.1f}"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def machine():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kib = int(f.readline().split()[1])
            mem = f"{kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} CPUs (nproc), {cpu}, {mem}, {platform.system()} {platform.release()}"


def problems(record):
    """Why a run deserves a footnote, or an empty list."""
    notes = []
    if record.get("start_failed"):
        return ["broker did not start"]
    if record.get("bench_exit", 0) != 0:
        notes.append(f"exit {record.get('bench_exit')}")
    for key in ("lost", "duplicated", "reordered", "unconfirmed", "rejected", "errors", "dropped"):
        if record.get(key):
            notes.append(f"{key} {record[key]}")
    if record.get("stalled"):
        notes.append("stalled")
    if record.get("setup_failed"):
        notes.append("setup failed")
    if record.get("scenario") == "conn" and record.get("connected") != record.get("clients"):
        notes.append(f"connected {record.get('connected')}/{record.get('clients')}")
    if record.get("granted_qos") is not None and record.get("granted_qos") < record.get("qos", 0):
        notes.append(f"granted QoS {record['granted_qos']}")
    return notes


def main():
    parser = argparse.ArgumentParser()
    for flag in ("--results", "--versions", "--out", "--command", "--started", "--repeats",
                 "--quick", "--idle-connections", "--gnuplot", "--mosquitto-conf", "--nats-conf"):
        parser.add_argument(flag, default="")
    args = parser.parse_args()

    records = []
    with open(args.results) as f:
        for line in f:
            if line.strip():
                records.append(json.loads(line))
    present = [b for b in BROKERS if any(r.get("broker") == b for r in records)]

    rows = []  # (scenario, metric, unit, higher, {broker: median}, {broker: n})
    for scenario, metrics in METRICS.items():
        for title, unit, higher, extract in metrics:
            medians, counts = {}, {}
            for broker in present:
                values = [extract(r) for r in records
                          if r.get("harness_scenario") == scenario and r.get("broker") == broker]
                values = [v for v in values if v is not None and v > 0]
                if values:
                    medians[broker] = statistics.median(values)
                    counts[broker] = len(values)
            rows.append((scenario, title, unit, higher, medians, counts))

    peers = [b for b in ("mosquitto", "nats") if b in present]
    ratio_rows = []
    header = ["Scenario", "Metric"] + [TITLES[b] for b in present] + \
             [f"S1/{TITLES[p]}" for p in peers] + ["Better"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for scenario, title, unit, higher, medians, _ in rows:
        cells = [f"`{scenario}`", f"{title} ({unit})"]
        cells += [fmt(medians.get(b), unit) for b in present]
        ratios = []
        for peer in peers:
            s, p = medians.get("starling-t1"), medians.get(peer)
            ratio = s / p if s and p else None
            ratios.append(ratio)
            cells.append("–" if ratio is None else f"{ratio:.2f}")
        cells.append("higher" if higher else "lower")
        lines.append("| " + " | ".join(cells) + " |")
        ratio_rows.append((f"{scenario} {title}", ratios))

    anomalies = []
    for r in records:
        notes = problems(r)
        if notes:
            anomalies.append(f"- `{r.get('harness_scenario')}` on {TITLES.get(r.get('broker'), r.get('broker'))}, "
                             f"repeat {r.get('repeat')}: " + ", ".join(notes))

    chart = None
    if args.gnuplot and peers:
        chart = render_chart(args.gnuplot, args.out, ratio_rows, peers)

    versions = open(args.versions).read().strip() if args.versions else ""
    mosquitto_conf = open(args.mosquitto_conf).read().strip() if args.mosquitto_conf else ""
    nats_conf = ""
    if args.nats_conf and os.path.exists(args.nats_conf):
        nats_conf = open(args.nats_conf).read().strip()
    mode = "quick (1 repeat, smaller counts)" if args.quick == "1" else f"{args.repeats} repeats"

    md = []
    md.append("# Starling benchmark results\n")
    md.append("Written by `bench/run-harness.sh` (see `bench/README.md`); do not edit by hand — rerun it.\n")
    md.append("**Noise warning.** These figures come from a small shared machine (2 CPUs, other jobs "
              "building and testing at the same time). The broker was pinned to CPU 1 and the load "
              "generator to CPU 0, but differences under ~20 % are within the noise, "
              + ("and this was a `--quick` run: one sample per cell, no medians worth the name. "
                 if args.quick == "1" else "")
              + "Treat them as a smoke signal, not a verdict.\n")
    md.append("## Setup\n")
    md.append(f"- Date: {args.started} (UTC start); finished {datetime.datetime.utcnow():%Y-%m-%dT%H:%M:%SZ}")
    md.append(f"- Machine: {machine()}")
    md.append(f"- Command: `{args.command}` ({mode})")
    for v in versions.splitlines():
        md.append(f"- {v}")
    md.append("- Pinning: broker `taskset -c 1`, starling-bench `taskset -c 0` (one I/O thread)")
    md.append("- Each run starts the broker fresh; order is repeat → scenario → broker, with the broker "
              "order rotated per repeat.")
    md.append("- Starling `--threads 2` is still pinned to one CPU: with 2 cores in all there is no "
              "free core for it, so that column shows the cost of sharding, not its scaling.")
    md.append(f"- Idle connections: {args.idle_connections}, open-file limit raised with `ulimit -n`.\n")

    md.append("## Results (medians)\n")
    md.append("S1 = Starling with 1 worker thread. Ratios are S1 / peer: above 1 is better for "
              "\"higher\" metrics, below 1 for \"lower\" ones. Throughput is distinct messages "
              "delivered to subscribers per second, from the first publish to the last delivery.\n")
    md.extend(lines)
    md.append("")
    if chart:
        md.append(f"![Starling / peer ratios]({os.path.basename(chart)})\n")
    md.append("### Durable (QoS 1, `storage.durability = \"sync\"`)\n")
    md.append("<!-- DURABLE-ROW: to be added by whoever measures persistence; run "
              "`starling-bench durable` against Starling with storage.durability = \"sync\" "
              "and put the row here. -->")
    md.append("_Not measured yet: placeholder for the persistence figures. Nothing here is an estimate._\n")

    md.append("## Scenarios\n")
    for scenario, text in SCENARIO_TEXT.items():
        md.append(f"- `{scenario}`: {text}")
    md.append("")
    md.append("## Anomalies (lost, duplicated, reordered, errors, non-zero exits)\n")
    md.extend(anomalies if anomalies else ["None."])
    md.append("")
    md.append("## Broker configuration\n")
    md.append("Starling: defaults (`--listen 127.0.0.1:PORT --threads 1|2 --log-level warn`; 256 "
              "outbound in flight, 100,000 queued messages / 64 MiB per session).\n")
    md.append("Mosquitto (limits raised to Starling's defaults; its own are 20 in flight and 1,000 queued):\n")
    md.append("```\n" + mosquitto_conf + "\n```\n")
    if nats_conf:
        md.append("nats-server (MQTT needs JetStream; state in a fresh temporary directory per run):\n")
        md.append("```\n" + nats_conf + "\n```\n")
    md.append("Raw per-run JSON lines: `results.jsonl` next to this file.\n")
    md.append("## Reading the numbers\n")
    md.append("- starling-bench pipelines: each write carries up to 64 KiB of PUBLISH packets. Brokers that "
              "handle a connection's input a packet at a time pay for that; Mosquitto's much lower "
              "throughput here may partly be that, and has not been cross-checked with another client.")
    md.append("- Unbounded runs (no `--rate`) measure queueing, not latency; only the latency scenario's "
              "percentiles are reported.")
    md.append("- A ratio from a single `--quick` sample can swing by 2x between runs on this machine.\n")
    with open(os.path.join(args.out, "RESULTS.md"), "w") as f:
        f.write("\n".join(md))


def render_chart(gnuplot, out_dir, ratio_rows, peers):
    data = os.path.join(out_dir, ".ratios.dat")
    png = os.path.join(out_dir, "results-ratios.png")
    with open(data, "w") as f:
        for label, ratios in ratio_rows:
            if all(r is None for r in ratios):
                continue
            values = " ".join("NaN" if r is None else f"{r:.4f}" for r in ratios)
            f.write(f"\"{label}\" {values}\n")
    plot = ", ".join(
        f"'{data}' using {i + 2}:xtic(1) title 'Starling / {TITLES[p]}'" for i, p in enumerate(peers))
    script = f"""
set terminal pngcairo size 1200,640 font ",10"
set output '{png}'
set title "Starling (1 thread) / peer, medians (log scale)\\nthroughput, connect rate: >1 is better; latency, RSS: <1 is better"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y 2
set yrange [0.03125:128]
set ytics ("1/32" 0.03125, "1/16" 0.0625, "1/8" 0.125, "1/4" 0.25, "1/2" 0.5, "1" 1, "2" 2, "4" 4, "8" 8, "16" 16, "32" 32, "64" 64, "128" 128)
set grid ytics
set xtics rotate by -30 left
set key outside right top vertical
set bmargin 9
set arrow from graph 0, first 1 to graph 1, first 1 nohead lw 2 lc rgb "black"
plot {plot}
"""
    try:
        subprocess.run([gnuplot], input=script, text=True, check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"summarise_results: gnuplot failed: {getattr(e, 'stderr', e)}")
        return None
    finally:
        os.remove(data)
    return png


if __name__ == "__main__":
    main()
