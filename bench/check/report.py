#!/usr/bin/env python3
"""Print the medians, the goals and the findings comparison of a bench/check/run run.

Usage: report.py RESULTS.jsonl --cwd DIR --documents DIR

RESULTS.jsonl, written by bench/check/run, has one line per timed run. Each line gives the
tool, the round, the wall-clock time and CPU times in seconds, and the peak resident set
size in KiB. It also gives the prefix of the files that contain the run's standard output
and error. Both tools ran in the folder --cwd and checked the documents under --documents.

Exits with status 0 when every goal is met, 1 when one is missed, and 2 when a run's output
cannot be read or shows that a tool did not validate anything.
"""

import argparse
import collections
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import findings  # noqa: E402

# The goals: dossier is at least 100 times faster than the peer in wall-clock time and uses
# at most a tenth of the peer's peak memory. On a machine with two cores or more, its CPU
# time over its wall-clock time shows that more than one core was busy on average.
MIN_SPEEDUP = 100.0
MAX_MEMORY_SHARE = 0.10
MIN_CORES_USED = 1.5


def fail(message):
    """Print an error and exit with status 2: the benchmark failed, rather than missed a goal."""
    print(f"report.py: error: {message}", file=sys.stderr)
    sys.exit(2)


def read_runs(path):
    runs = collections.defaultdict(list)
    with open(path, encoding="utf-8") as file:
        for line in file:
            run = json.loads(line)
            runs[run["tool"]].append(run)
    for tool in ("dossier", "peer"):
        if not runs[tool]:
            fail(f"no run of {tool} in {path}")
    return runs


def summarize(runs):
    """Return the medians of one tool's runs: wall (s), CPU (s), CPU over wall, peak RSS (KiB)."""
    walls = [run["wall"] for run in runs]
    cpus = [run["user"] + run["system"] for run in runs]
    return {
        "runs": len(runs),
        "wall": statistics.median(walls),
        "wall_min": min(walls),
        "wall_max": max(walls),
        "cpu": statistics.median(cpus),
        "cores": statistics.median(cpu / wall for cpu, wall in zip(cpus, walls) if wall > 0),
        "rss": statistics.median(run["max_rss_kib"] for run in runs),
        "rss_max": max(run["max_rss_kib"] for run in runs),
    }


def print_table(summaries):
    print(f"{'tool':<8} {'runs':>4} {'wall median':>12} {'min':>9} {'max':>9} {'CPU median':>11} "
          f"{'CPU/wall':>9} {'peak RSS median':>16}")
    for tool, summary in summaries.items():
        print(f"{tool:<8} {summary['runs']:>4} {summary['wall']:>10.2f} s {summary['wall_min']:>7.2f} s "
              f"{summary['wall_max']:>7.2f} s {summary['cpu']:>9.2f} s {summary['cores']:>9.2f} "
              f"{summary['rss'] / 1024:>12.1f} MiB")


def read_all_findings(runs, cwd, documents):
    """Read every run's findings; return the first run's and whether all runs found the same pairs."""
    first = None
    stable = True
    for run in runs:
        prefix = run["output"]
        if run["tool"] == "dossier":
            with open(prefix + ".out", encoding="utf-8") as file:
                result = findings.read_dossier_findings(file.read(), cwd, documents)
        else:
            with open(prefix + ".err", encoding="utf-8") as file:
                result = findings.read_peer_findings(file.read(), cwd, documents)
        if result.tool_errors:
            fail(f"the peer could not use the schema: {result.tool_errors[0]}")
        if first is None:
            first = result
        elif result.pairs() != first.pairs():
            stable = False
    return first, stable


def files_per_field(result):
    counts = collections.Counter()
    for names in result.fields.values():
        for name in names:
            counts[name] += 1
    return counts


def print_findings(dossier, peer, comparison):
    print()
    print(f"findings: dossier {dossier.count} in {len(dossier.fields)} files, "
          f"peer {peer.count} in {len(peer.fields)} files")
    dossier_counts, peer_counts = files_per_field(dossier), files_per_field(peer)
    print(f"{'field':<24} {'files (dossier)':>16} {'files (peer)':>13}")
    for name in sorted(set(dossier_counts) | set(peer_counts)):
        print(f"{name or '(YAML syntax)':<24} {dossier_counts[name]:>16} {peer_counts[name]:>13}")
    for path, rule, message in dossier.other[:10]:
        print(f"dossier, other rule: {path}: {message} [{rule}]")
    for path, rule, message in peer.other[:10]:
        print(f"peer, other message: {path}: {message} [{rule}]")
    print()
    for line in findings.describe(comparison):
        print(line)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results")
    parser.add_argument("--cwd", required=True, help="the folder where both tools ran")
    parser.add_argument("--documents", required=True, help="the folder of the checked documents")
    arguments = parser.parse_args()

    runs = read_runs(arguments.results)
    summaries = {tool: summarize(runs[tool]) for tool in ("dossier", "peer")}
    print_table(summaries)

    dossier, dossier_stable = read_all_findings(runs["dossier"], arguments.cwd, arguments.documents)
    peer, peer_stable = read_all_findings(runs["peer"], arguments.cwd, arguments.documents)
    if not dossier.fields and not peer.fields:
        fail("neither tool found anything: the schema rejects no file")
    comparison = findings.compare(dossier, peer)
    print_findings(dossier, peer, comparison)

    speedup = summaries["peer"]["wall"] / summaries["dossier"]["wall"]
    memory_share = summaries["dossier"]["rss"] / summaries["peer"]["rss"]
    cores = summaries["dossier"]["cores"]
    goals = [
        (f"speed: peer / dossier wall-clock time = {speedup:.0f}x (goal: at least {MIN_SPEEDUP:.0f}x)",
         speedup >= MIN_SPEEDUP),
        (f"memory: dossier / peer peak RSS = {memory_share:.3f} (goal: at most {MAX_MEMORY_SHARE:.2f})",
         memory_share <= MAX_MEMORY_SHARE),
    ]
    if (os.cpu_count() or 1) >= 2:
        goals.append((f"cores: dossier CPU / wall-clock time = {cores:.2f} (goal: at least {MIN_CORES_USED})",
                      cores >= MIN_CORES_USED))
    goals.append(("findings: same (file, field) pairs outside YAML syntax errors", comparison.same))
    goals.append(("findings: every run of a tool found the same pairs", dossier_stable and peer_stable))

    print()
    for text, met in goals:
        print(f"{'PASS' if met else 'FAIL'}  {text}")
    return 0 if all(met for _, met in goals) else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (OSError, ValueError, KeyError) as error:
        fail(f"cannot read the results: {error!r}")
