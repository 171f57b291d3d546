#!/usr/bin/env python3
"""Check that `dossier check` and remark-validate-links find the same broken links.

Usage: compare_links.py --dossier BIN --shared-dir DIR [--keep]

The script extracts the whole Windows Server PowerShell reference (14,142 pages) into a
temporary folder, outside any workspace, and runs on the same files:

- remark-cli with remark-frontmatter and remark-validate-links (bench/check/peer), with
  `repository: false` because the folder is no Git clone: links with a scheme and
  site-absolute paths (/powershell/...) are then skipped, as dossier skips them;
- `dossier check --format json` (or `--json` for a dossier without --format).

Each broken link becomes (file, line, column, kind, path, fragment): kind is "file" for a
missing file and "heading" for a missing heading, path is the link's path, percent-decoded
and normalised, and fragment is the heading part in lower case. The two lists must be equal,
except for the differences of the known classes listed in DIFFERENCES, which the script
counts and prints.

Prints the wall-clock time and peak memory of both tools. Exits with status 0 when every
difference is explained, 1 otherwise, also when the peer is not installed.
"""

import argparse
import collections
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

CHECK_DIR = os.path.dirname(os.path.abspath(__file__))
ARCHIVE = "corpora/large-windows-powershell-docs.tar.zst"
DOCUMENTS = "large/docset"
PAGES = 14142

# The classes of differences that the two tools are known to have, and why.
DIFFERENCES = {
    "heading-in-missing-file": (
        "remark-validate-links reports a link to file.md#heading whose file is missing twice, once for the "
        "file and once for the heading; dossier reports the missing file only"),
}


def fail(message, hint=None):
    print(f"compare_links.py: error: {message}", file=sys.stderr)
    if hint:
        print(f"hint: {hint}", file=sys.stderr)
    sys.exit(1)


def run_measured(command, cwd, env, stdout_path, stderr_path):
    """Run `command` with its output in files; return (exit status, seconds, peak resident MiB)."""
    with open(stdout_path, "wb") as stdout, open(stderr_path, "wb") as stderr:
        start = time.monotonic()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=stdout, stderr=stderr)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.monotonic() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, seconds, usage.ru_maxrss / 1024


def normalize_target(path, fragment):
    """Return the key of a link target: decoded normalised path, fragment decoded in lower case."""
    path = posixpath.normpath(urllib.parse.unquote(path)) if path else ""
    fragment = urllib.parse.unquote(fragment).lower() if fragment else ""
    return path, fragment


def split_destination(destination):
    """Split a link destination as written into (path, fragment), without any ?query."""
    path, _, fragment = destination.partition("#")
    return path.partition("?")[0], fragment


def read_dossier(stdout, base):
    """Return a Counter of the broken links that dossier reports, and the number of them whose
    file exists with other letter case."""
    report = json.loads(stdout)
    found = collections.Counter()
    other_case = 0
    for finding in report["findings"]:
        if finding["rule"] not in ("broken-link", "broken-anchor"):
            continue
        message = finding["message"]
        match = re.match(r"(?:link target not found|heading not found|link target leaves the client "
                         r"repository): (.*?)(?:: did you mean .*\?)?$", message)
        if not match:
            fail(f"unexpected message of dossier: {message}")
        path, fragment = split_destination(match.group(1))
        kind = "file" if finding["rule"] == "broken-link" else "heading"
        file = os.path.relpath(os.path.join(base, finding["path"]), base)
        found[(file, finding["line"], finding["column"], kind) +
              normalize_target(path, fragment if kind == "heading" else "")] += 1
        suggestion = re.search(r": did you mean (.*)\?$", message)
        if suggestion and suggestion.group(1).lower() == posixpath.normpath(urllib.parse.unquote(path)).lower():
            other_case += 1
    return found, other_case


def read_peer(stderr, base):
    """Return a Counter of the broken links that remark-validate-links reports."""
    start = stderr.find("[")
    if start < 0:
        fail(f"remark printed no JSON report:\n{stderr[-2000:]}")
    report, _ = json.JSONDecoder().raw_decode(stderr[start:])
    found = collections.Counter()
    for file_report in report:
        file = os.path.relpath(os.path.join(base, file_report["path"]), base)
        for message in file_report["messages"]:
            if not str(message.get("source", "")).startswith("remark-validate-links"):
                fail(f"{file}: unexpected message of remark: {message.get('reason')}")
            reason = message["reason"]
            missing_file = re.match(r"Cannot find file `(.*?)`", reason)
            missing_heading = re.match(r"Cannot find heading for `#(.*?)`(?: in `(.*?)`)?", reason)
            position = (file, message["line"], message["column"])
            if missing_file:
                found[position + ("file",) + normalize_target(missing_file.group(1), "")] += 1
            elif missing_heading:
                found[position + ("heading",) + normalize_target(missing_heading.group(2) or "",
                                                                 missing_heading.group(1))] += 1
            else:
                fail(f"{file}: unexpected message of remark: {reason}")
    return found


def classify(dossier, peer):
    """Return ({class: [keys]}, [(tool, key)]) for the links that only one tool reports: the
    differences that a class of DIFFERENCES explains, and the others."""
    explained = collections.defaultdict(list)
    unexplained = []
    for key in sorted((peer - dossier).elements()):
        file, line, column, kind, path, _ = key
        if kind == "heading" and dossier[(file, line, column, "file", path, "")] > 0:
            explained["heading-in-missing-file"].append(key)
        else:
            unexplained.append(("remark-validate-links only", key))
    for key in sorted((dossier - peer).elements()):
        unexplained.append(("dossier only", key))
    return explained, unexplained


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossier", required=True, help="the dossier binary")
    parser.add_argument("--shared-dir", required=True, help="the folder that contains corpora/")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and print its path")
    arguments = parser.parse_args()

    remark = os.path.join(CHECK_DIR, "peer", "node_modules", ".bin", "remark")
    validate_links = os.path.join(CHECK_DIR, "peer", "node_modules", "remark-validate-links")
    if not os.access(remark, os.X_OK) or not os.path.isdir(validate_links):
        fail("the peer is not installed: remark-cli or remark-validate-links is missing in bench/check/peer",
             "run: npm ci --prefix bench/check/peer (scripts/install-deps does it when npm is installed)")
    if shutil.which("node") is None:
        fail("node not found", "install Node.js 16 or later")
    archive = os.path.join(arguments.shared_dir, ARCHIVE)
    if not os.path.isfile(archive):
        fail(f"corpus not found: {archive}")

    temp = tempfile.mkdtemp(prefix="dossier-compare-links-")
    env = dict(os.environ, HOME=os.path.join(temp, "home"), NO_COLOR="1", LC_ALL="C.UTF-8")
    for name in ("DOSSIER_WORKSPACE", "DOSSIER_TECHNICIAN", "DOSSIER_TODAY"):
        env.pop(name, None)
    os.makedirs(env["HOME"])
    try:
        subprocess.run(["tar", "--zstd", "-xf", archive, "-C", temp], check=True)
        pages = sum(len([name for name in names if name.endswith(".md")])
                    for _, _, names in os.walk(os.path.join(temp, DOCUMENTS)))
        if pages != PAGES:
            fail(f"{archive} holds {pages} Markdown pages, expected {PAGES}")

        help_text = subprocess.run([arguments.dossier, "check", "--help"], capture_output=True, text=True).stdout
        json_option = ["--format", "json"] if "--format" in help_text else ["--json"]
        status, dossier_seconds, dossier_memory = run_measured(
            [arguments.dossier, "check", *json_option, DOCUMENTS], temp, env,
            os.path.join(temp, "dossier.out"), os.path.join(temp, "dossier.err"))
        if status not in (0, 1):
            fail(f"dossier check exited with status {status}:\n{open(os.path.join(temp, 'dossier.err')).read()[-2000:]}")

        os.symlink(os.path.join(CHECK_DIR, "peer", "node_modules"), os.path.join(temp, "node_modules"))
        with open(os.path.join(temp, ".remarkrc.json"), "w", encoding="utf-8") as file:
            json.dump({"plugins": ["remark-frontmatter", ["remark-validate-links", {"repository": False}]]}, file)
        status, peer_seconds, peer_memory = run_measured(
            [remark, "--no-stdout", "--quiet", "--report", "json", DOCUMENTS], temp, env,
            os.path.join(temp, "remark.out"), os.path.join(temp, "remark.err"))
        if status not in (0, 1):
            fail(f"remark exited with status {status}:\n{open(os.path.join(temp, 'remark.err')).read()[-2000:]}")

        with open(os.path.join(temp, "dossier.out"), encoding="utf-8") as file:
            dossier, other_case = read_dossier(file.read(), temp)
        with open(os.path.join(temp, "remark.err"), encoding="utf-8") as file:
            peer = read_peer(file.read(), temp)
    finally:
        if arguments.keep:
            print(f"kept: {temp}")
        else:
            shutil.rmtree(temp, ignore_errors=True)

    print(f"dossier check (every rule): {dossier_seconds:7.1f} s, {dossier_memory:6.0f} MiB peak, "
          f"{dossier.total()} broken links and headings")
    print(f"remark-validate-links:      {peer_seconds:7.1f} s, {peer_memory:6.0f} MiB peak, "
          f"{peer.total()} broken links and headings")
    kinds = collections.Counter()
    for key, count in dossier.items():
        kinds[key[3]] += count
    same = (dossier & peer).total()
    print(f"both: {same}; dossier reports {kinds['file']} missing files ({other_case} of them exist with other "
          f"letter case) and {kinds['heading']} missing headings")

    explained, unexplained = classify(dossier, peer)
    for name, keys in sorted(explained.items()):
        print(f"explained: {len(keys)} {name}: {DIFFERENCES[name]}")
    for tool, key in unexplained[:50]:
        print(f"difference: {tool}: {key}")
    if unexplained:
        print(f"FAIL: {len(unexplained)} differences that no known class explains (first 50 listed above)")
        return 1
    print(f"PASS: the same {same} broken links, and {sum(len(keys) for keys in explained.values())} explained "
          f"differences")
    return 0


if __name__ == "__main__":
    sys.exit(main())
