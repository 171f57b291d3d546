#!/usr/bin/env python3
"""Print the medians and targets of a bench/search/run run as Markdown, and write them as JSON.

Usage: report.py RESULTS_DIR [--json FILE]

RESULTS_DIR, written by bench/search/run, contains:
- plan.tsv: one line per command, with the workspace, the group, the command's name, the
  number of documents or files it lists ("-" when that does not apply) and its command line;
- context.tsv: the machine and the software versions, one "key<TAB>value" a line;
- WORKSPACE-GROUP-roundN.json: hyperfine's export of one group in one round.

The runs of a command are pooled over all the rounds and their median is taken. Exits with
status 0 when every target is met, 1 when one is missed and 2 when a result is missing.
"""

import argparse
import csv
import json
import os
import re
import statistics
import sys

# Workspaces in the order of the table's columns, with their column headings.
WORKSPACES = {
    "synthetic": "synthetic, 100,000 documents",
    "corpus": "PowerShell reference, 14,143 documents",
}

# Groups in the order of the table, with their headings. Every search group has the same four commands.
GROUPS = {
    "refresh": "refresh, nothing changed",
    "refresh-changed": "refresh, one document changed",
    "search-word": "word",
    "search-phrase": "phrase",
    "search-filtered": "filtered query",
    "search-common": "very common word",
    "build": "full build",
    "watched-refresh": "with the watcher, refresh, nothing changed",
    "watched-refresh-changed": "with the watcher, refresh, one document changed",
    "watched-search-word": "with the watcher, word",
    "watched-search-phrase": "with the watcher, phrase",
    "watched-search-filtered": "with the watcher, filtered query",
    "watched-search-common": "with the watcher, very common word",
}
SEARCH_GROUPS = ["search-word", "search-phrase", "search-filtered", "search-common"]
# The groups measured without and with `dossier index --watch` running: prefixes of their names.
CONFIGURATIONS = ["", "watched-"]
# The search groups with targets. The very common word is reported without one.
TARGET_SEARCH_GROUPS = ["search-word", "search-phrase", "search-filtered"]

# The targets.
MAX_UNCHANGED_REFRESH_RATIO = 1.0      # dossier index / git status, nothing changed
MAX_CHANGED_REFRESH_EXTRA_MS = 50.0    # dossier index after one change minus git status
MIN_SEARCH_SPEEDUP = 3.0               # peer / dossier search, refresh included
MAX_CACHED_SEARCH_MS = 20.0            # dossier search --cached, on the synthetic workspace only
CACHED_TARGET_WORKSPACE = "synthetic"
MAX_BUILD_RATIO = 2.0                  # dossier index --rebuild / sqlite3

RESULT_FILE = re.compile(r"^(?P<workspace>[a-z]+)-(?P<group>[a-z-]+)-round(?P<round>\d+)\.json$")


class MissingResult(Exception):
    """A command of the plan has no timed run in the results."""


def read_plan(results_dir):
    """Return {(workspace, group, name): {"command": ..., "matches": int or None}} in plan order."""
    plan = {}
    with open(os.path.join(results_dir, "plan.tsv"), encoding="utf-8", newline="") as file:
        for workspace, group, name, matches, command in csv.reader(file, delimiter="\t", quoting=csv.QUOTE_NONE):
            plan[(workspace, group, name)] = {"command": command, "matches": None if matches == "-" else int(matches)}
    return plan


def read_context(results_dir):
    context = {}
    with open(os.path.join(results_dir, "context.tsv"), encoding="utf-8") as file:
        for line in file:
            key, _, value = line.rstrip("\n").partition("\t")
            context[key] = value
    return context


def pool_rounds(results_dir):
    """Return {(workspace, group, name): (wall-clock times, CPU means per round)}, in seconds."""
    pooled = {}
    for file_name in sorted(os.listdir(results_dir)):
        match = RESULT_FILE.match(file_name)
        if not match:
            continue
        with open(os.path.join(results_dir, file_name), encoding="utf-8") as file:
            for result in json.load(file)["results"]:
                key = (match["workspace"], match["group"], result["command"])
                times, cpu_means = pooled.setdefault(key, ([], []))
                times.extend(result["times"])
                cpu_means.append(result["user"] + result["system"])
    return pooled


def summarize(plan, pooled):
    """Return {(workspace, group, name): summary in milliseconds}.

    Raises MissingResult when a command of the plan has no timed run.
    """
    summaries = {}
    for key, planned in plan.items():
        if key not in pooled or not pooled[key][0]:
            raise MissingResult(f"no timed run of {key[2]!r} in group {key[1]} of workspace {key[0]}")
        times, cpu_means = pooled[key]
        summaries[key] = {
            "command": planned["command"],
            "matches": planned["matches"],
            "runs": len(times),
            "median_ms": statistics.median(times) * 1000,
            "min_ms": min(times) * 1000,
            "max_ms": max(times) * 1000,
            "cpu_mean_ms": statistics.mean(cpu_means) * 1000,
        }
    return summaries


def evaluate_targets(workspaces, summaries):
    """Return the list of targets, each a dict with the measured value, the limit and whether it is met."""
    def median(workspace, group, name):
        return summaries[(workspace, group, name)]["median_ms"]

    targets = []

    def add(workspace, key, label, value, unit, limit, met):
        targets.append({"workspace": workspace, "key": key, "label": label, "value": value, "unit": unit,
                        "limit": limit, "met": met})

    for workspace in workspaces:
        for prefix in CONFIGURATIONS:
            if (workspace, prefix + "refresh", "git status") not in summaries:
                continue
            git_status = median(workspace, prefix + "refresh", "git status")
            ratio = median(workspace, prefix + "refresh", "dossier index") / git_status
            add(workspace, prefix + "refresh", f"{GROUPS[prefix + 'refresh']}: dossier index / git status", ratio, "x",
                f"at most {MAX_UNCHANGED_REFRESH_RATIO:.2f}x", ratio <= MAX_UNCHANGED_REFRESH_RATIO)

            extra = median(workspace, prefix + "refresh-changed", "dossier index, one document changed") - git_status
            add(workspace, prefix + "refresh-changed",
                f"{GROUPS[prefix + 'refresh-changed']}: dossier index minus git status", extra, "ms",
                f"at most +{MAX_CHANGED_REFRESH_EXTRA_MS:.0f} ms", extra <= MAX_CHANGED_REFRESH_EXTRA_MS)

            for group in SEARCH_GROUPS:
                has_target = group in TARGET_SEARCH_GROUPS
                dossier = median(workspace, prefix + group, "dossier search")
                for peer in ("rg", "git grep"):
                    speedup = median(workspace, prefix + group, peer) / dossier
                    add(workspace, f"{prefix}{group}/{peer}", f"{GROUPS[prefix + group]}: {peer} / dossier search",
                        speedup, "x", f"at least {MIN_SEARCH_SPEEDUP:.0f}x" if has_target else None,
                        speedup >= MIN_SEARCH_SPEEDUP if has_target else None)

            for group in SEARCH_GROUPS:
                has_target = group in TARGET_SEARCH_GROUPS and workspace == CACHED_TARGET_WORKSPACE
                cached = median(workspace, prefix + group, "dossier search --cached")
                add(workspace, f"{prefix}{group}/cached", f"{GROUPS[prefix + group]}: dossier search --cached", cached,
                    "ms", f"at most {MAX_CACHED_SEARCH_MS:.0f} ms" if has_target else None,
                    cached <= MAX_CACHED_SEARCH_MS if has_target else None)

        ratio = median(workspace, "build", "dossier index --rebuild") / median(workspace, "build", "sqlite3")
        add(workspace, "build", "full build: dossier index --rebuild / sqlite3", ratio, "x",
            f"at most {MAX_BUILD_RATIO:.0f}x", ratio <= MAX_BUILD_RATIO)
    return targets


def format_value(value, unit):
    return f"{value:.2f}x" if unit == "x" else f"{value:.1f} ms"


def format_target(target, signed):
    value = target["value"]
    text = f"{value:+.1f} ms" if signed else format_value(value, target["unit"])
    if target["met"] is None:
        return text
    return f"{text} PASS" if target["met"] else f"**{text} FAIL**"


def command_label(group, name):
    labels = {
        "dossier index": "`dossier index`",
        "git status": "`git status` in each repository",
        "dossier index, one document changed": "`dossier index`",
        "dossier search": "`dossier search`",
        "dossier search --cached": "`dossier search --cached`",
        "rg": "`rg -i -l`",
        "git grep": "`git grep -i -l` in each repository",
        "dossier index --rebuild": "`dossier index --rebuild`",
        "sqlite3": "`sqlite3`, the same FTS5 table",
    }
    return f"{GROUPS[group]}: {labels.get(name, name)}"


def print_context(context):
    print(f"Machine: {context.get('cores')} cores of {context.get('cpu')}, {context.get('memory')} of memory, "
          f"{context.get('kernel')}, disk {context.get('disk')}.")
    print(f"Software: {context.get('dossier')}, git {context.get('git')}, ripgrep {context.get('ripgrep')}, "
          f"sqlite3 {context.get('sqlite3')}, hyperfine {context.get('hyperfine')}.")
    print(f"Run of {context.get('date')}: {context.get('rounds')} rounds; in each, {context.get('runs')} timed runs "
          f"after {context.get('warmup')} warmup runs of each command, and {context.get('build runs')} timed runs "
          f"of each full build. 1-minute, 5-minute and 15-minute load averages: {context.get('load before')} before, "
          f"{context.get('load after')} after.")


def print_medians(workspaces, plan, summaries):
    print("| command | " + " | ".join(WORKSPACES[w] for w in workspaces) + " |")
    print("|---|" + "---:|" * len(workspaces))
    rows = []
    for workspace, group, name in plan:
        if (group, name) not in rows:
            rows.append((group, name))
    rows.sort(key=lambda row: list(GROUPS).index(row[0]))
    for group, name in rows:
        cells = []
        for workspace in workspaces:
            summary = summaries.get((workspace, group, name))
            cells.append("" if summary is None else f"{summary['median_ms']:.1f}")
        print(f"| {command_label(group, name)} | " + " | ".join(cells) + " |")


def print_targets(workspaces, targets):
    print("| comparison of medians | target | " + " | ".join(WORKSPACES[w] for w in workspaces) + " |")
    print("|---|---|" + "---:|" * len(workspaces))
    keys = []
    for target in targets:
        if target["key"] not in keys:
            keys.append(target["key"])
    for key in keys:
        row = {t["workspace"]: t for t in targets if t["key"] == key}
        first = next(iter(row.values()))
        limits = {t["limit"] for t in row.values() if t["limit"]}
        limit = " / ".join(sorted(limits)) if limits else "none"
        if key.endswith("/cached") and limits:
            limit += f" ({WORKSPACES[CACHED_TARGET_WORKSPACE].split(',')[0]} only)"
        cells = [format_target(row[w], key.endswith("refresh-changed")) if w in row else "" for w in workspaces]
        print(f"| {first['label']} | {limit} | " + " | ".join(cells) + " |")


def print_matches(workspaces, plan):
    print("| query | " + " | ".join(WORKSPACES[w] for w in workspaces) + " |")
    print("|---|" + "---|" * len(workspaces))
    for group in SEARCH_GROUPS + ["watched-" + group for group in SEARCH_GROUPS]:
        for name, description in (("dossier search", "documents dossier finds"), ("rg", "files rg lists"),
                                  ("git grep", "files git grep lists")):
            cells = []
            for workspace in workspaces:
                planned = plan.get((workspace, group, name))
                cells.append("" if planned is None else str(planned["matches"]))
            print(f"| {GROUPS[group]}: {description} | " + " | ".join(cells) + " |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results_dir")
    parser.add_argument("--json", help="write the medians, the targets and the context to this file")
    arguments = parser.parse_args()

    plan = read_plan(arguments.results_dir)
    context = read_context(arguments.results_dir)
    workspaces = [w for w in WORKSPACES if any(key[0] == w for key in plan)]
    if not workspaces:
        raise MissingResult(f"the plan in {arguments.results_dir} names no known workspace")
    summaries = summarize(plan, pool_rounds(arguments.results_dir))
    targets = evaluate_targets(workspaces, summaries)

    print_context(context)
    print()
    print("Medians in milliseconds, whole process each, refresh included unless --cached:")
    print()
    print_medians(workspaces, plan, summaries)
    print()
    print_targets(workspaces, targets)
    print()
    print_matches(workspaces, plan)

    if arguments.json:
        document = {
            "context": context,
            "workspaces": {
                workspace: {
                    group: {name: summary for (w, g, name), summary in summaries.items() if w == workspace and g == group}
                    for group in GROUPS
                }
                for workspace in workspaces
            },
            "targets": targets,
        }
        with open(arguments.json, "w", encoding="utf-8") as file:
            json.dump(document, file, indent=2, ensure_ascii=False)
            file.write("\n")

    missed = [t for t in targets if t["met"] is False]
    print()
    if missed:
        print(f"{len(missed)} of {sum(t['met'] is not None for t in targets)} targets missed.")
    else:
        print(f"All {sum(t['met'] is not None for t in targets)} targets met.")
    return 1 if missed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (OSError, ValueError, KeyError, MissingResult) as error:
        print(f"report.py: error: cannot read the results: {error}", file=sys.stderr)
        sys.exit(2)
