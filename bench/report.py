#!/usr/bin/env python3
"""Print the medians and ratios of the hyperfine JSON exports written by bench/run.

Usage: report.py RESULTS.json...

The runs of a command are pooled over all the files, one file per round. Each ratio
divides the median wall-clock time of one command by another's. Exits with status 1 when
a ratio exceeds its 1.5x target, else 0.
"""

import json
import statistics
import sys

MAX_RATIO = 1.5

# The commands that bench/run measures, in the order of its table.
COMMAND_ORDER = [
    "show --raw, small", "show --raw, large", "show, small", "show, large", "set, small", "set, large",
    "git add+commit, small", "git add+commit, large", "git+fsync, large",
]

# (what is compared, measured command, baseline command, whether the 1.5x target applies).
# The command names are the ones bench/run gives hyperfine.
RATIOS = [
    ("show --raw: 100,000 vs 100 documents", "show --raw, large", "show --raw, small", True),
    ("show: 100,000 vs 100 documents", "show, large", "show, small", True),
    ("set: 100,000 vs 100 documents", "set, large", "set, small", True),
    ("set vs git add+commit, 100,000 documents", "set, large", "git add+commit, large", True),
    ("git add+commit: 100,000 vs 100 documents", "git add+commit, large", "git add+commit, small", False),
    ("set vs git+fsync, 100,000 documents", "set, large", "git+fsync, large", False),
]


def pool_rounds(paths):
    """Pool the runs of each command: {command: (wall-clock times, mean CPU time)}, in seconds."""
    times, cpu_means = {}, {}
    for path in paths:
        with open(path, encoding="utf-8") as file:
            for result in json.load(file)["results"]:
                times.setdefault(result["command"], []).extend(result["times"])
                cpu_means.setdefault(result["command"], []).append(result["user"] + result["system"])
    return {command: (times[command], statistics.mean(cpu_means[command])) for command in times}


def print_medians(pooled):
    print(f"{'command':<24} {'median':>10} {'min':>10} {'max':>10} {'CPU mean':>10} {'runs':>5}")
    for command in sorted(pooled, key=table_position):
        times, cpu = pooled[command]
        print(f"{command:<24} {format_milliseconds(statistics.median(times))} {format_milliseconds(min(times))} "
              f"{format_milliseconds(max(times))} {format_milliseconds(cpu)} {len(times):>5}")


def print_ratios(medians):
    print(f"{'ratio of medians (target: at most ' + str(MAX_RATIO) + 'x)':<44} {'ratio':>6}  result")
    missed = 0
    for label, measured, baseline, has_target in RATIOS:
        if measured not in medians or baseline not in medians:
            print(f"{label:<44} {'-':>6}  not measured")
            missed += has_target
            continue
        ratio = medians[measured] / medians[baseline]
        if has_target:
            passed = ratio <= MAX_RATIO
            missed += not passed
            verdict = "PASS" if passed else "FAIL"
        else:
            verdict = "(information, no target)"
        print(f"{label:<44} {ratio:>5.2f}x  {verdict}")
    return missed


def table_position(command):
    return COMMAND_ORDER.index(command) if command in COMMAND_ORDER else len(COMMAND_ORDER)


def format_milliseconds(seconds):
    return f"{seconds * 1000:>7.1f} ms"


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: report.py RESULTS.json...")
    pooled = pool_rounds(sys.argv[1:])

    print_medians(pooled)
    print()
    medians = {command: statistics.median(times) for command, (times, _) in pooled.items()}
    missed = print_ratios(medians)
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
