#!/usr/bin/env python3
"""Check that `dossier check` and remark-lint-frontmatter-schema find the same problems.

Usage: compare_findings.py --dossier BIN --shared-dir DIR

The sample of the Windows Server PowerShell reference is fixed: every 47th page in sorted
path order (about 300 pages), the page whose front matter is invalid YAML, and the base
page of the broken copies. The script imports it into a new workspace with
`dossier import markdown --type psdoc` and writes beside it copies of the base page, each
broken on purpose in one field. Then it runs `dossier check --json` and the peer from
bench/check/peer/node_modules on the same files with the same effective schema. It fails
when:

- the two tools report different (file, failing field) pairs outside the files where
  dossier reports a YAML syntax error (the peer never reports those; see findings.py);
- a page broken on purpose is not reported, on its field, by dossier;
- a page with broken YAML is not reported by dossier as a syntax error.

Exits with status 0 when the lists match, 1 otherwise, also when the peer is not installed.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

CHECK_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, CHECK_DIR)
import findings  # noqa: E402

ARCHIVE = "corpora/large-windows-powershell-docs.tar.zst"
SAMPLE_STEP = 47
# The corpus's only page whose front matter is not valid YAML: its description has no key.
INVALID_YAML_PAGE = "large/docset/winserver2025-ps/DnsServer/Set-DnsServerEncryptionProtocol.md"
# The page that the broken copies start from: a cmdlet page that has every field a cmdlet
# page has and passes the schema.
BASE_PAGE = "large/docset/winserver2025-ps/DnsServer/Get-DnsServer.md"

CLIENT = "sample"
FOLDER = "reference"

# (file name, edit, field that must fail). An edit is (key, raw YAML value) to set the key,
# (key, None) to remove it, or ("+", line) to add a line at the end of the front matter.
BROKEN_PAGES = [
    ("ms-date-iso.md", ("ms.date", "2016-12-20"), "ms.date"),
    ("ms-date-one-digit-month.md", ("ms.date", "9/12/2023"), "ms.date"),
    ("ms-date-month-13.md", ("ms.date", "13/01/2020"), "ms.date"),
    ("ms-date-empty.md", ("ms.date", ""), "ms.date"),
    ("no-description.md", ("description", None), "description"),
    ("description-empty-string.md", ("description", '""'), "description"),
    ("schema-version.md", ("schema", "3.0.0"), "schema"),
    ("schema-number.md", ("schema", "2.0"), "schema"),
    ("online-version-relative.md", ("online version", "/powershell/module/dnsserver/get-dnsserver"), "online version"),
    ("external-help-file.md", ("external help file", "DnsServer.dll"), "external help file"),
    ("module-name-list.md", ("Module Name", "[DnsServer, DnsClient]"), "Module Name"),
    ("help-version-number.md", ("Help Version", "5.0"), "Help Version"),
    ("help-version-three-parts.md", ("Help Version", "5.0.1"), "Help Version"),
    ("module-guid.md", ("Module Guid", "not-a-guid"), "Module Guid"),
    ("locale.md", ("Locale", "fr-FR"), "Locale"),
    ("download-help-link.md", ("Download Help Link", "aka.ms/winsvr-2025-pshelp"), "Download Help Link"),
    ("title-empty-string.md", ("title", '""'), "title"),
    ("title-number.md", ("title", "2025"), "title"),
]

# (file name, edit): pages whose front matter is no longer valid YAML.
BROKEN_YAML_PAGES = [
    ("duplicate-title.md", ("+", "title: Get-DnsServer again")),
    ("unclosed-flow-sequence.md", ("description", "[unclosed")),
]


def fail(message, hint=None):
    print(f"compare_findings.py: error: {message}", file=sys.stderr)
    if hint:
        print(f"hint: {hint}", file=sys.stderr)
    sys.exit(1)


def run(command, cwd, env, allowed=(0,)):
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode not in allowed:
        fail(f"{' '.join(command)} exited with status {result.returncode}:\n{result.stderr[-2000:]}")
    return result


def sample_members(archive):
    listing = subprocess.run(["tar", "--zstd", "-tf", archive], capture_output=True, text=True, check=True)
    pages = sorted(name for name in listing.stdout.splitlines() if name.endswith(".md"))
    if len(pages) < 1000:
        fail(f"{archive} lists {len(pages)} Markdown files, expected 14,142")
    sample = pages[::SAMPLE_STEP]
    for extra in (INVALID_YAML_PAGE, BASE_PAGE):
        if extra not in pages:
            fail(f"{extra} is not in {archive}")
        if extra not in sample:
            sample.append(extra)
    return sample


def edit_front_matter(text, edit):
    """Return `text` with one front-matter edit applied; the text starts with a `---` line."""
    lines = text.split("\n")
    end = lines.index("---", 1)
    key, value = edit
    if key == "+":
        lines.insert(end, value)
        return "\n".join(lines)
    for index in range(1, end):
        if lines[index].startswith(key + ":"):
            if value is None:
                del lines[index]
            else:
                lines[index] = f"{key}: {value}".rstrip()
            return "\n".join(lines)
    if value is not None:
        lines.insert(end, f"{key}: {value}".rstrip())
    return "\n".join(lines)


def build_workspace(temp, dossier, archive, schema, env):
    """Import the sample into a new workspace and add the broken pages; return the documents folder."""
    members = sample_members(archive)
    corpus = os.path.join(temp, "corpus")
    os.makedirs(corpus)
    list_file = os.path.join(temp, "members.txt")
    with open(list_file, "w", encoding="utf-8") as file:
        file.write("\n".join(members) + "\n")
    subprocess.run(["tar", "--zstd", "-xf", archive, "-C", corpus, "--files-from", list_file], check=True)

    workspace = os.path.join(temp, "workspace")
    run([dossier, "init", workspace], temp, env)
    shutil.copy(schema, os.path.join(workspace, "types", "psdoc.schema.json"))
    run([dossier, "-C", workspace, "client", "add", "Sample", "--slug", CLIENT], temp, env)
    run([dossier, "-C", workspace, "import", "markdown", os.path.join(corpus, "large", "docset"),
         "--client", CLIENT, "--type", "psdoc", "--to", FOLDER], temp, env)

    documents = os.path.join(workspace, "clients", CLIENT, FOLDER)
    imported = sum(len([name for name in names if name.endswith(".md")]) for _, _, names in os.walk(documents))
    if imported != len(members):
        fail(f"the import wrote {imported} Markdown files, expected {len(members)}")

    # The broken pages start from the imported base page, which already has `type: psdoc`.
    base = os.path.join(documents, os.path.relpath(BASE_PAGE, "large/docset"))
    with open(base, encoding="utf-8", newline="") as file:
        base_text = file.read()
    broken_dir = os.path.join(documents, "broken")
    os.makedirs(broken_dir)
    for name, edit, *_ in BROKEN_PAGES + BROKEN_YAML_PAGES:
        with open(os.path.join(broken_dir, name), "w", encoding="utf-8", newline="") as file:
            file.write(edit_front_matter(base_text, edit))
    return workspace, documents


def run_dossier(dossier, workspace, temp, env, documents):
    result = run([dossier, "-C", workspace, "check", "--client", CLIENT, "--json"], temp, env, allowed=(0, 1))
    return findings.read_dossier_findings(result.stdout, temp, documents)


def run_peer(remark, peer_modules, dossier, workspace, temp, env, documents):
    schema_text = run([dossier, "-C", workspace, "type", "show", "psdoc", "--schema"], temp, env).stdout
    schema_path = os.path.join(temp, "psdoc.effective.schema.json")
    with open(schema_path, "w", encoding="utf-8") as file:
        file.write(schema_text)
    os.symlink(peer_modules, os.path.join(temp, "node_modules"))
    glob = os.path.relpath(documents, temp) + "/**/*.md"
    findings.write_peer_config(temp, "psdoc.effective.schema.json", glob, json.loads(schema_text))

    command = [remark, "--no-stdout", "--quiet", "--frail", "--report", "json", os.path.relpath(documents, temp)]
    result = run(command, temp, env, allowed=(0, 1))
    peer = findings.read_peer_findings(result.stderr, temp, documents)
    if peer.tool_errors:
        fail(f"the peer could not use the schema: {peer.tool_errors[0]}")
    return peer


def check_broken_pages(dossier_findings):
    """Return the errors about pages broken on purpose that dossier did not report as expected."""
    errors = []
    for name, _, expected in BROKEN_PAGES:
        path = os.path.join("broken", name)
        reported = dossier_findings.fields.get(path, set())
        if reported != {expected}:
            errors.append(f"{path}: dossier reports {sorted(reported) or 'nothing'}, expected [{expected!r}]")
    for name, _ in BROKEN_YAML_PAGES:
        path = os.path.join("broken", name)
        if path not in dossier_findings.syntax_files:
            errors.append(f"{path}: dossier reports no YAML syntax error")
    invalid = os.path.relpath(INVALID_YAML_PAGE, "large/docset")
    if invalid not in dossier_findings.syntax_files:
        errors.append(f"{invalid}: dossier reports no YAML syntax error")
    return errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossier", required=True, help="the dossier binary")
    parser.add_argument("--shared-dir", required=True, help="the folder that contains corpora/")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and print its path")
    arguments = parser.parse_args()

    remark = os.path.join(CHECK_DIR, "peer", "node_modules", ".bin", "remark")
    if not os.access(remark, os.X_OK):
        fail(f"the peer is not installed: {remark} is missing",
             "run: npm ci --prefix bench/check/peer (scripts/install-deps does it when npm is installed)")
    if shutil.which("node") is None:
        fail("node not found", "install Node.js 16 or later")
    archive = os.path.join(arguments.shared_dir, ARCHIVE)
    if not os.path.isfile(archive):
        fail(f"corpus not found: {archive}")

    temp = tempfile.mkdtemp(prefix="dossier-compare-findings-")
    env = dict(os.environ, HOME=os.path.join(temp, "home"), XDG_CONFIG_HOME=os.path.join(temp, "home", ".config"),
               GIT_CONFIG_NOSYSTEM="1", NO_COLOR="1", LC_ALL="C.UTF-8",
               GIT_AUTHOR_NAME="Test Harness", GIT_AUTHOR_EMAIL="harness@example.com",
               GIT_COMMITTER_NAME="Test Harness", GIT_COMMITTER_EMAIL="harness@example.com")
    for name in ("DOSSIER_WORKSPACE", "DOSSIER_TECHNICIAN", "DOSSIER_TODAY"):
        env.pop(name, None)
    os.makedirs(env["HOME"])
    try:
        workspace, documents = build_workspace(temp, arguments.dossier, archive,
                                               os.path.join(CHECK_DIR, "psdoc.schema.json"), env)
        dossier_findings = run_dossier(arguments.dossier, workspace, temp, env, documents)
        peer_findings = run_peer(remark, os.path.join(CHECK_DIR, "peer", "node_modules"), arguments.dossier,
                                 workspace, temp, env, documents)
    finally:
        if arguments.keep:
            print(f"kept: {temp}")
        else:
            shutil.rmtree(temp, ignore_errors=True)

    comparison = findings.compare(dossier_findings, peer_findings)
    for line in findings.describe(comparison, limit=50):
        print(line)
    errors = check_broken_pages(dossier_findings)
    if not comparison.same:
        errors.append("dossier and the peer report different (file, field) pairs (listed above)")
    for error in errors:
        print(f"FAIL: {error}")
    if errors:
        return 1
    print(f"PASS: the same {len(dossier_findings.pairs(frozenset(comparison.syntax_files)))} (file, field) pairs "
          f"in {len(comparison.dossier_files)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
