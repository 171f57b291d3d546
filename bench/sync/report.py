#!/usr/bin/env python3
"""Print the medians and ratios of the hyperfine JSON exports written by bench/sync/run.

Usage: report.py CLIENTS RESULTS.json...

The runs of each command are pooled over the rounds. Each ratio divides the peer loop's
median wall-clock time by dossier's; the target is at least 3. Exits with status 1 when a
ratio misses it, else 0.
"""

import json
import os
import statistics
import sys

MIN_RATIO = 3.0
SCENARIOS = ["nothing to do", "one new commit"]


def pool(paths):
    times = {}
    for path in paths:
        with open(path, encoding="utf-8") as file:
            for result in json.load(file)["results"]:
                times.setdefault(result["command"], []).extend(result["times"])
    return times


def machine():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as file:
            for line in file:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    load = os.getloadavg()[0]
    return f"{os.cpu_count()} cores, {model}, load average {load:.2f} at the end"


def main():
    clients = int(sys.argv[1])
    times = pool(sys.argv[2:])
    print(f"`dossier sync` of {clients} client repositories and the workspace repository, "
          f"served by git daemon on loopback. Machine: {machine()}.\n")
    print("| scenario | dossier sync (median) | git pull && git push loop (median) | runs | ratio | target |")
    print("|---|---:|---:|---:|---:|---|")
    missed = False
    for scenario in SCENARIOS:
        ours = times[f"dossier sync, {scenario}"]
        peer = times[f"git pull && git push loop, {scenario}"]
        ratio = statistics.median(peer) / statistics.median(ours)
        verdict = "PASS" if ratio >= MIN_RATIO else "FAIL"
        missed = missed or ratio < MIN_RATIO
        print(f"| {scenario} | {statistics.median(ours):.3f} s | {statistics.median(peer):.3f} s | "
              f"{len(ours)} | {ratio:.1f}x faster | at least {MIN_RATIO:.0f}x: {verdict} |")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
