#!/usr/bin/env python3
"""Write one `git fast-import` stream per client from a folder of extracted documents.

DOCS_DIR contains one folder per client with the files of that client's last commit, as
`git archive` extracts them. For each client, the stream contains every file as a blob with
a mark, then one commit on refs/heads/main whose tree has those blobs at the same paths, all
with mode 100644. The commit's author, committer and date are fixed, so the streams are
the same for the same documents. Writes OUT_DIR/SLUG.fi for each client folder.
"""

import argparse
import os
import sys

AUTHOR = b"Bench Technician <bench@example.org> 1764547200 +0000"


def client_files(root):
    """Return the paths of the regular files under root, relative and with '/', sorted."""
    paths = []
    for folder, folders, files in os.walk(root):
        folders.sort()
        for name in files:
            full = os.path.join(folder, name)
            if os.path.islink(full) or not os.path.isfile(full):
                raise ValueError(f"not a regular file: {full}")
            paths.append(os.path.relpath(full, root).replace(os.sep, "/"))
    return sorted(paths)


def write_stream(root, out_path, message):
    paths = client_files(root)
    for path in paths:
        if any(c in path for c in '"\n') or path.startswith(" "):
            raise ValueError(f"a path that the stream would need to quote: {path!r}")
    with open(out_path, "wb") as out:
        for mark, path in enumerate(paths, start=1):
            with open(os.path.join(root, path), "rb") as file:
                data = file.read()
            out.write(b"blob\nmark :%d\ndata %d\n" % (mark, len(data)))
            out.write(data)
            out.write(b"\n")
        text = message.encode("utf-8")
        out.write(b"commit refs/heads/main\n")
        out.write(b"author " + AUTHOR + b"\ncommitter " + AUTHOR + b"\n")
        out.write(b"data %d\n" % len(text) + text + b"\n")
        for mark, path in enumerate(paths, start=1):
            out.write(b"M 100644 :%d %s\n" % (mark, path.encode("utf-8")))
        out.write(b"\n")
    return len(paths)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("docs_dir", help="one folder per client with its documents")
    parser.add_argument("out_dir", help="the folder of the streams, SLUG.fi each")
    parser.add_argument("--message", default="import the generated assets", help="the commit message")
    arguments = parser.parse_args()
    os.makedirs(arguments.out_dir, exist_ok=True)
    slugs = sorted(entry.name for entry in os.scandir(arguments.docs_dir) if entry.is_dir())
    if not slugs:
        print(f"fast_import_streams.py: error: no client folder in {arguments.docs_dir}", file=sys.stderr)
        return 2
    for slug in slugs:
        count = write_stream(os.path.join(arguments.docs_dir, slug), os.path.join(arguments.out_dir, slug + ".fi"),
                             arguments.message)
        print(f"{slug}\t{count}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (OSError, ValueError) as error:
        print(f"fast_import_streams.py: error: {error}", file=sys.stderr)
        sys.exit(2)
