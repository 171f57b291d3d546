#!/usr/bin/env python3
"""Report the results of bench/secrets/run as Markdown: medians, throughput and targets.

Reads RESULTS_DIR/plan.tsv (group, name, command), RESULTS_DIR/context.tsv (the machine and the
versions) and hyperfine's JSON export of every group in every round (GROUP-roundN.json). Pools
the timed runs of all the rounds and takes the median. With --json, also writes the figures as
JSON; with --readme FILE, replaces the text between the markers
<!-- results:begin --> and <!-- results:end --> of FILE with the report.
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

GROUPS = {
    "one": "decrypt one credential",
    "encrypt": "encrypt",
    "decrypt": "decrypt",
    "grant": "access grant",
    "revoke": "access revoke",
    "reseal": "the same re-encryption with age",
}

# The targets.
MIN_THROUGHPUT_RATIO = 1.0  # dossier's MiB/s / age's, encrypting and decrypting
MAX_GRANT_SECONDS = 10.0    # dossier access grant, 1,000 secrets, 10 recipients

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
                cpu.append(result["user"] + result["system"])
    return pooled


def summarize(plan, pooled):
    summaries = {}
    for key, command in plan.items():
        if key not in pooled or not pooled[key][0]:
            raise MissingResult(f"no timed run of {key[1]!r} in group {key[0]}")
        times, cpu = pooled[key]
        summaries[key] = {
            "command": command,
            "runs": len(times),
            "median_s": statistics.median(times),
            "min_s": min(times),
            "max_s": max(times),
            "cpu_mean_s": statistics.mean(cpu),
        }
    return summaries


def evaluate(summaries, context):
    mib = float(context.get("stream MiB", "1024"))
    targets = []
    for group in ("encrypt", "decrypt"):
        dossier = mib / summaries[(group, "dossier")]["median_s"]
        age = mib / summaries[(group, "age")]["median_s"]
        ratio = dossier / age
        targets.append({"key": group, "label": f"{group}: dossier / age throughput", "value": ratio, "unit": "x",
                        "limit": f"at least {MIN_THROUGHPUT_RATIO:.1f}x", "met": ratio >= MIN_THROUGHPUT_RATIO,
                        "dossier_mib_s": dossier, "age_mib_s": age})
    grant = summaries[("grant", "dossier access grant")]["median_s"]
    targets.append({"key": "grant", "label": "`dossier access grant`, median", "value": grant, "unit": "s",
                    "limit": f"at most {MAX_GRANT_SECONDS:.0f} s", "met": grant <= MAX_GRANT_SECONDS})
    one = summaries[("one", "dossier secret get")]["median_s"] / summaries[("one", "age -d")]["median_s"]
    targets.append({"key": "one", "label": "decrypt one credential: dossier / age wall-clock time", "value": one,
                    "unit": "x", "limit": None, "met": None})
    return targets


def verdict(target):
    value = target["value"]
    text = f"{value:.2f}x" if target["unit"] == "x" else f"{value:.2f} s"
    if target["met"] is None:
        return text
    return f"{text} PASS" if target["met"] else f"**{text} FAIL**"


def render(context, summaries, targets):
    lines = []
    add = lines.append
    secrets = int(context.get("secrets", "1000"))
    add(f"Machine: {context.get('cores')} cores of {context.get('cpu')}, {context.get('memory')} of memory, "
        f"{context.get('kernel')}. A shared virtual machine: other sessions may run at the same time, and the "
        f"load averages show how busy it was.")
    add("")
    add(f"Software: {context.get('dossier')} (commit {context.get('commit')}), release build (RelWithDebInfo, "
        f"`-O2 -g`); age {context.get('age')}; libsodium {context.get('libsodium')} (Debian package, the "
        f"library dossier links); hyperfine {context.get('hyperfine')}.")
    add("")
    add(f"Run of {context.get('date')}: {context.get('rounds')} rounds; in each, {context.get('runs')} timed runs "
        f"of each one-credential command after {context.get('warmup')} warmup runs, "
        f"{context.get('stream runs')} timed runs of each {context.get('stream MiB')} MiB command after 1 warmup "
        f"run, and {context.get('grant runs')} timed runs of grant, revoke and the age loop. "
        f"1-, 5- and 15-minute load averages: {context.get('load before')} before, {context.get('load after')} "
        f"after. Medians of all the timed runs, with the fastest and slowest run:")
    add("")

    def row(label, key, scale, unit, extra=""):
        s = summaries[key]
        add(f"| {label} | {s['runs']} | {s['median_s'] * scale:.{2 if unit == 's' else 1}f} {unit} | "
            f"{s['min_s'] * scale:.{2 if unit == 's' else 1}f} to {s['max_s'] * scale:.{2 if unit == 's' else 1}f} | "
            f"{s['cpu_mean_s'] * scale:.{2 if unit == 's' else 1}f} {unit} |{extra}")

    add("| command | runs | median | range | mean CPU time (user + system) |")
    add("|---|---:|---:|---:|---:|")
    row("`dossier secret get`, one credential", ("one", "dossier secret get"), 1000, "ms")
    row("`age -d -i`, the same block", ("one", "age -d"), 1000, "ms")
    row(f"encrypt {context.get('stream MiB')} MiB: dossier (`age_throughput encrypt`)", ("encrypt", "dossier"), 1, "s")
    row(f"encrypt {context.get('stream MiB')} MiB: `age -r`", ("encrypt", "age"), 1, "s")
    row(f"decrypt {context.get('stream MiB')} MiB: dossier (`age_throughput decrypt`)", ("decrypt", "dossier"), 1, "s")
    row(f"decrypt {context.get('stream MiB')} MiB: `age -d -i`", ("decrypt", "age"), 1, "s")
    row(f"`dossier access grant`, {secrets:,} secrets, 9 to 10 recipients", ("grant", "dossier access grant"), 1, "s")
    row(f"`dossier access revoke`, {secrets:,} secrets, 10 to 9 recipients", ("revoke", "dossier access revoke"), 1, "s")
    row(f"age loop: `age -d` then `age -a -R` on each of the {secrets:,} blocks, no Git",
        ("reseal", "age loop"), 1, "s")
    add("")
    add("| target | limit | value |")
    add("|---|---|---:|")
    for target in targets:
        if target["key"] in ("encrypt", "decrypt"):
            label = (f"{target['key']}: dossier {target['dossier_mib_s']:.0f} MiB/s / age "
                     f"{target['age_mib_s']:.0f} MiB/s")
        else:
            label = target["label"]
        add(f"| {label} | {target['limit'] or 'none'} | {verdict(target)} |")
    missed = [t for t in targets if t["met"] is False]
    counted = sum(t["met"] is not None for t in targets)
    add("")
    add(f"{len(missed)} of {counted} targets missed." if missed else f"All {counted} targets met.")
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
    summaries = summarize(plan, pool_rounds(arguments.results_dir))
    targets = evaluate(summaries, context)
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
    return 1 if any(t["met"] is False for t in targets) else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (OSError, ValueError, KeyError, MissingResult) as error:
        print(f"report.py: error: cannot read the results: {error}", file=sys.stderr)
        sys.exit(2)
