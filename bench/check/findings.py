"""Read the findings of `dossier check --json` and of remark-lint-frontmatter-schema, and compare them.

Both tools validate front matter against the same JSON Schema. A finding is reduced to the
pair (file, field): the file relative to the checked folder, and the top-level front-matter
field that failed, or "" for a finding about the whole file (a YAML syntax error).

remark-lint-frontmatter-schema 3.15 never reports YAML syntax errors: it validates whatever
the `yaml` package recovered from the broken text, and ignores duplicate keys. So the files
where dossier reports a syntax error are kept apart from the comparison and listed.

Used by bench/check/run (through report.py) and by compare_findings.py.
"""

import json
import os
import urllib.parse
from dataclasses import dataclass, field

# Formats that ajv-formats 2.1 defines. A schema format outside this list, such as dossier's
# "period" or "cidr", is given to ajv as a format that accepts every value, because JSON
# Schema lets validators accept unknown formats. Otherwise ajv logs a warning for each file.
AJV_FORMATS = {
    "date", "time", "date-time", "duration", "uri", "uri-reference", "uri-template", "url", "email",
    "hostname", "ipv4", "ipv6", "regex", "uuid", "json-pointer", "json-pointer-uri-fragment",
    "relative-json-pointer", "byte", "int32", "int64", "float", "double", "password", "binary",
}

# Reasons of the messages that remark-lint-frontmatter-schema writes when it could not load
# or compile the schema: the run then validated nothing.
PEER_TOOL_ERRORS = ("JSON schema malformed", "YAML schema file load/parse")


def formats_unknown_to_ajv(schema):
    """Return the sorted format names used anywhere in `schema` that ajv-formats does not define."""
    found = set()

    def walk(node):
        if isinstance(node, dict):
            value = node.get("format")
            if isinstance(value, str) and value not in AJV_FORMATS:
                found.add(value)
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(schema)
    return sorted(found)


def write_peer_config(config_dir, schema_path, document_glob, schema):
    """Write `.remarkrc.json` in `config_dir`: remark-frontmatter, then the schema rule for the glob.

    `schema_path` and `document_glob` are relative to `config_dir`, which must contain the
    documents, because the rule matches the glob against paths relative to the folder of the
    nearest .remarkrc file.
    """
    settings = {"schemas": {schema_path: [document_glob]}}
    unknown = formats_unknown_to_ajv(schema)
    if unknown:
        settings["ajvOptions"] = {"formats": {name: True for name in unknown}}
    config = {"plugins": ["remark-frontmatter", ["remark-lint-frontmatter-schema", settings]]}
    path = os.path.join(config_dir, ".remarkrc.json")
    with open(path, "w", encoding="utf-8") as file:
        json.dump(config, file, indent=2)
        file.write("\n")
    return path


@dataclass
class Findings:
    """The findings of one tool on one folder."""

    # {file relative to the folder: set of failing fields, "" for the whole file}
    fields: dict = field(default_factory=dict)
    # files with a YAML syntax finding (dossier only)
    syntax_files: set = field(default_factory=set)
    # findings of other rules, such as unknown-type: (file, rule, message)
    other: list = field(default_factory=list)
    # messages that show the tool did not run as configured
    tool_errors: list = field(default_factory=list)
    count: int = 0

    def add(self, path, failing_field):
        self.fields.setdefault(path, set()).add(failing_field)
        self.count += 1

    def pairs(self, excluded=frozenset()):
        return {(path, name) for path, names in self.fields.items() if path not in excluded for name in names}


def relative_to(path, cwd, folder):
    """Return `path`, which is relative to `cwd` or absolute, relative to `folder`, or None when outside it."""
    absolute = os.path.normpath(os.path.join(cwd, path))
    relative = os.path.relpath(absolute, os.path.normpath(folder))
    return None if relative.startswith("..") else relative


def read_dossier_findings(json_text, cwd, folder):
    """Parse the output of `dossier check --json` run in `cwd`, keeping the files under `folder`."""
    result = Findings()
    for finding in json.loads(json_text)["findings"]:
        path = relative_to(finding["path"], cwd, folder)
        if path is None:
            result.other.append((finding["path"], finding["rule"], finding["message"]))
        elif finding["rule"] == "schema":
            result.add(path, top_level_field(finding["field"]))
        elif finding["rule"] == "syntax":
            result.add(path, "")
            result.syntax_files.add(path)
        else:
            result.other.append((path, finding["rule"], finding["message"]))
    return result


def top_level_field(name):
    """Return the top-level key of a dossier field path such as "tags[1]"."""
    return name.split("[", 1)[0] if not name.startswith("[") else name


def read_peer_findings(report_text, cwd, folder):
    """Parse the JSON report of remark (`--report json`) run in `cwd`, keeping the files under `folder`.

    The report is one line that starts with "["; other lines of standard error, such as
    Node.js warnings, are skipped.
    """
    report = None
    for line in report_text.splitlines():
        if line.startswith("["):
            report = json.loads(line)
    if report is None:
        raise ValueError("the peer printed no JSON report")

    result = Findings()
    for file in report:
        path = relative_to(file["path"], file.get("cwd", cwd), folder)
        for message in file["messages"]:
            reason = message.get("reason", "")
            if path is None or message.get("ruleId") != "frontmatter-schema":
                result.other.append((file["path"], message.get("ruleId"), reason))
            elif reason.startswith(PEER_TOOL_ERRORS):
                result.tool_errors.append(f"{file['path']}: {reason}")
            else:
                result.add(path, peer_field(message))
    return result


def peer_field(message):
    """Return the field of a remark-lint-frontmatter-schema message, from the note that the rule writes.

    The note has "Missing property: NAME" for `required`, and otherwise the ajv schema path,
    "#/properties/NAME/KEYWORD", with NAME encoded as a URI fragment and a JSON pointer.
    A message about the whole front matter gives "".
    """
    note = message.get("note") or ""
    for line in note.splitlines():
        if line.startswith("Missing property: "):
            return line.removeprefix("Missing property: ")
    marker = "#/properties/"
    for line in note.splitlines():
        if line.startswith("Schema path: ") and marker in line:
            encoded = line.split(marker, 1)[1].split("/", 1)[0]
            return urllib.parse.unquote(encoded).replace("~1", "/").replace("~0", "~")
    return ""


@dataclass
class Comparison:
    """The differences between dossier's and the peer's findings."""

    dossier_files: set
    peer_files: set
    syntax_files: set
    only_dossier: set  # (file, field) pairs that only dossier reports
    only_peer: set  # (file, field) pairs that only the peer reports
    peer_on_syntax_files: dict  # {file: fields the peer reported} for dossier's syntax files

    @property
    def same(self):
        return not self.only_dossier and not self.only_peer


def compare(dossier, peer):
    """Compare the (file, field) pairs of both tools outside the files with a YAML syntax error."""
    excluded = frozenset(dossier.syntax_files)
    dossier_pairs = dossier.pairs(excluded)
    peer_pairs = peer.pairs(excluded)
    return Comparison(
        dossier_files=set(dossier.fields),
        peer_files=set(peer.fields),
        syntax_files=set(excluded),
        only_dossier=dossier_pairs - peer_pairs,
        only_peer=peer_pairs - dossier_pairs,
        peer_on_syntax_files={path: sorted(peer.fields.get(path, ())) for path in sorted(excluded)},
    )


def describe(comparison, limit=20):
    """Return the lines that describe a comparison, listing at most `limit` differences of each kind."""
    lines = [
        f"files with findings: dossier {len(comparison.dossier_files)}, peer {len(comparison.peer_files)}",
        f"(file, field) pairs only dossier reports: {len(comparison.only_dossier)}",
    ]
    lines += [f"  {path}: {name or '(whole file)'}" for path, name in sorted(comparison.only_dossier)[:limit]]
    lines.append(f"(file, field) pairs only the peer reports: {len(comparison.only_peer)}")
    lines += [f"  {path}: {name or '(whole file)'}" for path, name in sorted(comparison.only_peer)[:limit]]
    lines.append(f"files where dossier reports a YAML syntax error, left out of the pairs: {len(comparison.syntax_files)}")
    for path, names in comparison.peer_on_syntax_files.items():
        seen = ", ".join(names) if names else "nothing"
        lines.append(f"  {path}: the peer reports {seen}")
    return lines
