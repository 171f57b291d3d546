#!/usr/bin/env python3
"""Report the results of bench/import/run as Markdown: medians, peak memory and targets.

Reads RESULTS_DIR/plan.tsv (group, name, command), RESULTS_DIR/context.tsv (the machine and
the versions), hyperfine's JSON export of every group in every round (GROUP-roundN.json) and
the peak resident set sizes that /usr/bin/time appended for every timed run (rss-first.txt,
rss-again.txt, rss-peer.txt, in KiB). Pools the timed runs of all the rounds and takes the
median. With --json, also writes the figures as JSON; with --readme FILE, replaces the text
between the markers <!-- results:begin --> and <!-- results:end --> of FILE with the report.
Exits with status 0 when every target is met, 1 when one is missed and 2 when the results
cannot be read.
"""

import argparse
import csv
import json
import os
import re
import statistics
import sys

FIRST = ("first", "dossier import csv")
PEER = ("first", "git fast-import")
AGAIN = ("again", "dossier import csv, again")
RSS_FILES = {FIRST: "rss-first.txt", PEER: "rss-peer.txt", AGAIN: "rss-again.txt"}

# The targets.
MAX_PEER_RATIO = 3.0           # first import / git fast-import, median wall-clock time
MAX_RSS_BYTES = 500 * 10 ** 6  # peak RSS of an import: 500 MB
MAX_AGAIN_RATIO = 1.0          # re-import / first import, median wall-clock time

RESULT_FILE = re.compile(r"^(?P<group>[a-z]+)-round(?P<round>\d+)\.json$")
BEGIN_MARKER = "<!-- results:begin -->"
END_MARKER = "<!-- results:end -->"


class MissingResult(Exception):
    """A command of the plan has no timed run in the results."""


def read_plan(results_dir):
    plan = {}
    with open(os.path.join(results_dir, "plan.tsv"), encoding="utf-8", newline="") as file:
        for group, name, command in csv.reader(file, delimiter="\t", quoting=csv.QUOTE_NONE):
            plan[(group, name)] = command
    return plan


def read_context(results_dir):
    context = {}
    with open(os.path.join(results_dir, "context.tsv"), encoding="utf-8") as file:
        for line in file:
            key, _, value = line.rstrip("\n").partition("\t")
            context[key] = value
    return context


def pool_rounds(results_dir):
    """Return {(group, name): (wall-clock times, CPU times)}, in seconds, over every round."""
    pooled = {}
    for file_name in sorted(os.listdir(results_dir)):
        match = RESULT_FILE.match(file_name)
        if not match:
            continue
        with open(os.path.join(results_dir, file_name), encoding="utf-8") as file:
            for result in json.load(file)["results"]:
                times, cpu = pooled.setdefault((match["group"], result["command"]), ([], []))
                times.extend(result["times"])
                # hyperfine 1.15 gives user and system time per run only as means.
                cpu.extend([result["user"] + result["system"]] * len(result["times"]))
    return pooled


def read_rss(results_dir, key):
    """Return the peak RSS of every timed run of a command, in bytes."""
    path = os.path.join(results_dir, RSS_FILES[key])
    values = []
    with open(path, encoding="utf-8") as file:
        for line in file:
            line = line.strip()
            # /usr/bin/time writes "Command exited with non-zero status N" before the figure
            # of a failed run; hyperfine stops at such a run, so it is not in the times.
            if line.isdigit():
                values.append(int(line) * 1024)
    if not values:
        raise MissingResult(f"no peak RSS in {path}")
    return values


def summarize(plan, pooled, results_dir):
    summaries = {}
    for key, command in plan.items():
        if key not in pooled or not pooled[key][0]:
            raise MissingResult(f"no timed run of {key[1]!r} in group {key[0]}")
        times, cpu = pooled[key]
        rss = read_rss(results_dir, key)
        summaries[key] = {
            "command": command,
            "runs": len(times),
            "times_s": times,
            "median_s": statistics.median(times),
            "min_s": min(times),
            "max_s": max(times),
            "cpu_mean_s": statistics.mean(cpu),
            "rss_bytes": rss,
            "rss_max_bytes": max(rss),
        }
    return summaries


def evaluate(summaries):
    first = summaries[FIRST]
    peer = summaries[PEER]
    again = summaries[AGAIN]
    peer_ratio = first["median_s"] / peer["median_s"]
    again_ratio = again["median_s"] / first["median_s"]
    return [
        {"key": "peer", "label": "first import / `git fast-import`, median wall-clock time", "value": peer_ratio,
         "unit": "x", "limit": f"at most {MAX_PEER_RATIO:.1f}x", "met": peer_ratio <= MAX_PEER_RATIO},
        {"key": "rss_first", "label": "first import, peak RSS (largest run)", "value": first["rss_max_bytes"],
         "unit": "bytes", "limit": f"under {MAX_RSS_BYTES / 1e6:.0f} MB",
         "met": first["rss_max_bytes"] < MAX_RSS_BYTES},
        {"key": "rss_again", "label": "re-import, peak RSS (largest run)", "value": again["rss_max_bytes"],
         "unit": "bytes", "limit": f"under {MAX_RSS_BYTES / 1e6:.0f} MB",
         "met": again["rss_max_bytes"] < MAX_RSS_BYTES},
        {"key": "again", "label": "re-import / first import, median wall-clock time", "value": again_ratio,
         "unit": "x", "limit": f"at most {MAX_AGAIN_RATIO:.1f}x", "met": again_ratio <= MAX_AGAIN_RATIO},
    ]


def verdict(target):
    value = target["value"]
    text = f"{value:.2f}x" if target["unit"] == "x" else f"{value / 1e6:.0f} MB"
    return f"{text} PASS" if target["met"] else f"**{text} FAIL**"


def render(context, summaries, targets):
    lines = []
    add = lines.append
    rows = int(context.get("rows", "0"))
    clients = int(context.get("clients", "1"))
    add(f"Machine: {context.get('cores')} cores of {context.get('cpu')}, {context.get('memory')} of memory, "
        f"{context.get('kernel')}, {context.get('file system')} file system. A shared virtual machine: other "
        f"sessions may run at the same time, and the load averages show how busy it was.")
    add("")
    add(f"Software: {context.get('dossier')} (commit {context.get('commit')}), release build (RelWithDebInfo, "
        f"`-O2 -g`), {context.get('libgit2')}; git {context.get('git')}; hyperfine {context.get('hyperfine')}; "
        f"Python {context.get('python')}.")
    add("")
    csv_mb = int(context.get("csv bytes", "0")) / 1e6
    stream_mb = int(context.get("stream bytes", "0")) / 1e6
    workspace = context.get("imported workspace", "?")
    if workspace.isdigit():  # KiB, from du -sk
        workspace = f"{int(workspace) * 1024 / 1e6:.0f} MB"
    elif re.fullmatch(r"[0-9.]+[KMG]", workspace):  # du -sh, which earlier runs recorded
        workspace = f"{workspace[:-1]} {workspace[-1]}iB"
    add(f"Input: {rows:,} rows over {clients} clients ({rows // clients:,} per client), a CSV of {csv_mb:.1f} MB; "
        f"the fast-import streams of the same documents take {stream_mb:.1f} MB, and the imported workspace "
        f"{workspace} on disk.")
    add("")
    runs = context.get("runs")
    add(f"Run of {context.get('date')}: {context.get('rounds')} rounds of {runs} timed "
        f"run{'' if runs == '1' else 's'} of each command. 1-, 5- and 15-minute load averages: "
        f"{context.get('load before')} before, "
        f"{context.get('load after')} after. Medians of all the timed runs, with the fastest and slowest run, the "
        f"mean CPU time and the largest peak RSS:")
    add("")
    add("| command | runs | median | range | mean CPU time (user + system) | peak RSS |")
    add("|---|---:|---:|---:|---:|---:|")

    def row(label, key):
        s = summaries[key]
        add(f"| {label} | {s['runs']} | {s['median_s']:.2f} s | {s['min_s']:.2f} to {s['max_s']:.2f} | "
            f"{s['cpu_mean_s']:.2f} s | {s['rss_max_bytes'] / 1e6:.0f} MB |")

    row(f"`dossier import csv`, {rows:,} rows into empty clients", FIRST)
    row(f"`git fast-import` of the same documents, {clients} repositories one after the other", PEER)
    row("`dossier import csv` of the same file again, nothing changes", AGAIN)
    add("")
    add("| target | limit | value |")
    add("|---|---|---:|")
    for target in targets:
        add(f"| {target['label']} | {target['limit']} | {verdict(target)} |")
    missed = [t for t in targets if not t["met"]]
    add("")
    add(f"{len(missed)} of {len(targets)} targets missed." if missed else f"All {len(targets)} targets met.")
    return "\n".join(lines) + "\n"


def replace_readme(path, text):
    with open(path, encoding="utf-8") as file:
        content = file.read()
    begin = content.index(BEGIN_MARKER) + len(BEGIN_MARKER)
    end = content.index(END_MARKER)
    content = content[:begin] + "\n" + text + content[end:]
    with open(path, "w", encoding="utf-8") as file:
        file.write(content)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results_dir")
    parser.add_argument("--json", help="write the medians, the targets and the context to this file")
    parser.add_argument("--readme", help="replace the results section of this README with the report")
    arguments = parser.parse_args()

    plan = read_plan(arguments.results_dir)
    context = read_context(arguments.results_dir)
    summaries = summarize(plan, pool_rounds(arguments.results_dir), arguments.results_dir)
    targets = evaluate(summaries)
    text = render(context, summaries, targets)
    print(text, end="")

    if arguments.json:
        document = {
            "context": context,
            "commands": {f"{group}/{name}": summary for (group, name), summary in summaries.items()},
            "targets": targets,
        }
        with open(arguments.json, "w", encoding="utf-8") as file:
            json.dump(document, file, indent=2, ensure_ascii=False)
            file.write("\n")
    if arguments.readme:
        replace_readme(arguments.readme, text)
    return 1 if any(not t["met"] for t in targets) else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (OSError, ValueError, KeyError, MissingResult) as error:
        print(f"report.py: error: cannot read the results: {error}", file=sys.stderr)
        sys.exit(2)
