#!/usr/bin/env python3
"""Write synthetic dossier documents into one client folder, for the benchmarks.

Usage: generate_documents.py CLIENT_DIR SLUG COUNT

Writes COUNT Markdown documents with YAML front matter, spread round-robin over the
folders runbooks/, assets/, contacts/, network/ and kb/. Each document links to the next
one. The text of document N depends only on SLUG and N, so document N of a client is the
same in a small and in a large workspace. Two runs with the same arguments write the same
bytes under the same Python version, because the random module's choices() and randint()
may change between versions.
"""

import random
import sys
from datetime import date, timedelta
from pathlib import Path

FOLDERS = ["runbooks", "assets", "contacts", "network", "kb"]

WORDS = (
    "firewall gateway switch router backup restore replication snapshot certificate "
    "domain controller mailbox tenant license printer scanner workstation laptop server "
    "hypervisor datastore volume share permission group policy update patch reboot "
    "monitoring alert ticket escalation contract vendor warranty support schedule "
    "weekly monthly nightly offsite retention encryption password vault token account "
    "user office site branch uplink fibre failover tunnel VPN DHCP DNS NTP VLAN subnet "
    "address lease scope record zone relay quota archive journal audit log check test"
).split()

TECHNICIANS = ["jdupont", "lrousseau", "ybenali", "mpetit", "agarcia", "tnguyen"]
STATUSES = ["draft", "review", "approved", "approved", "approved"]
TAGS = ["vpn", "backup", "network", "windows", "linux", "printer", "m365", "firewall", "wifi", "storage"]
FIRST_NAMES = ["Alice", "Bruno", "Chloé", "David", "Émilie", "François", "Hélène", "Julien", "Léa", "Marc"]
LAST_NAMES = ["Martin", "Bernard", "Moreau", "Lefèvre", "Garnier", "Roux", "Fontaine", "Chevalier"]
ROLES = ["Office manager", "Managing director", "Accountant", "IT contact", "Site manager"]


def make_sentence(rng, low=8, high=18):
    words = rng.choices(WORDS, k=rng.randint(low, high))
    return words[0][0].upper() + words[0][1:] + " " + " ".join(words[1:]) + "."


def make_paragraph(rng, sentences=6):
    return " ".join(make_sentence(rng) for _ in range(rng.randint(sentences - 1, sentences + 2)))


def make_date(rng):
    return (date(2024, 1, 1) + timedelta(days=rng.randint(0, 1000))).isoformat()


def make_slug(rng, count):
    return "-".join(rng.choice(WORDS).lower() for _ in range(count))


def make_document_name(slug, folder, number):
    rng = random.Random(f"name/{slug}/{number}")
    return f"{folder}/{make_slug(rng, 3)}-{number:05d}"


def make_common_front_matter(rng, type_name, title, related):
    return [
        f"type: {type_name}",
        f"title: {title}",
        f"owner: {rng.choice(TECHNICIANS)}",
        f"status: {rng.choice(STATUSES)}",
        f"reviewed: {make_date(rng)}",
        f"review_every: {rng.choice(['6 months', '1 year'])}",
        f"tags: [{', '.join(rng.sample(TAGS, 3))}]",
        f"related: [{related}]",
        "confidentiality: internal",
    ]


def make_runbook(rng, title, related):
    front = make_common_front_matter(rng, "runbook", title, related)
    steps = "\n".join(f"{i}. {make_sentence(rng)}" for i in range(1, rng.randint(8, 14)))
    body = [
        f"# {title}",
        make_paragraph(rng),
        "## Before you start",
        "\n".join(f"- {make_sentence(rng, 5, 10)}" for _ in range(4)),
        "## Steps",
        steps,
        "```sh\nssh admin@gw01.example.net\nshow vpn ipsec sa\nclear vpn ipsec sa peer 203.0.113.7\n```",
        "## Checks",
        make_paragraph(rng),
        f"See [the related document](../{related}.md) for the network layout.",
    ]
    return front, body


def make_asset(rng, title, related):
    front = make_common_front_matter(rng, "asset", title, related) + [
        f"hostname: srv-{rng.randint(1, 99):02d}",
        f"ip_address: 10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
        f'serial_number: "SN-{rng.randint(100000, 999999)}"',
        f"purchased: {make_date(rng)}",
        f"warranty_expires: {make_date(rng)}",
    ]
    rows = "\n".join(f"| {rng.choice(WORDS)} | {rng.randint(1, 64)} | {make_sentence(rng, 3, 6)} |" for _ in range(8))
    body = [
        f"# {title}",
        make_paragraph(rng),
        "## Hardware",
        "| Part | Quantity | Notes |\n|---|---|---|\n" + rows,
        "## Maintenance",
        make_paragraph(rng),
        make_paragraph(rng),
    ]
    return front, body


def make_contact(rng, title, related):
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    front = make_common_front_matter(rng, "contact", f"{first} {last}", related) + [
        f"role: {rng.choice(ROLES)}",
        f"email: {first.lower()}.{rng.randint(1, 999)}@example.org",
        f'phone: "+33 4 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"',
    ]
    body = [
        f"# {first} {last}",
        make_paragraph(rng),
        "## When to call",
        "\n".join(f"- {make_sentence(rng, 5, 12)}" for _ in range(5)),
        "## Notes",
        make_paragraph(rng),
        make_paragraph(rng),
    ]
    return front, body


def make_network(rng, title, related):
    front = make_common_front_matter(rng, "network", title, related)
    vlans = "\n".join(
        f"| {10 * i} | {rng.choice(WORDS).upper()} | 10.{i}.0.0/24 | 10.{i}.0.1 | {make_sentence(rng, 3, 6)} |"
        for i in range(1, 9)
    )
    body = [
        f"# {title}",
        make_paragraph(rng),
        "## VLAN",
        "| VLAN | Name | Network | Gateway | Use |\n|---|---|---|---|---|\n" + vlans,
        "## Internet access",
        make_paragraph(rng),
        "## Wi-Fi",
        make_paragraph(rng),
    ]
    return front, body


def make_knowledge(rng, title, related):
    front = make_common_front_matter(rng, "kb", title, related)
    body = [
        f"# {title}",
        "## Symptom",
        make_paragraph(rng),
        "## Cause",
        make_paragraph(rng),
        "## Resolution",
        "\n".join(f"{i}. {make_sentence(rng)}" for i in range(1, 7)),
        "> " + make_sentence(rng),
        make_paragraph(rng),
    ]
    return front, body


WRITERS = {
    "runbooks": make_runbook,
    "assets": make_asset,
    "contacts": make_contact,
    "network": make_network,
    "kb": make_knowledge,
}


def make_document(slug, number, count):
    folder = FOLDERS[number % len(FOLDERS)]
    rng = random.Random(f"document/{slug}/{number}")
    title = make_sentence(rng, 3, 6).rstrip(".")
    next_number = (number + 1) % count
    related = make_document_name(slug, FOLDERS[next_number % len(FOLDERS)], next_number)
    front, body = WRITERS[folder](rng, title, related)
    text = "---\n" + "\n".join(front) + "\n---\n" + "\n\n".join(body) + "\n"
    return make_document_name(slug, folder, number) + ".md", text


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: generate_documents.py CLIENT_DIR SLUG COUNT")
    client_dir, slug, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    for folder in FOLDERS:
        (client_dir / folder).mkdir(parents=True, exist_ok=True)
    for number in range(count):
        path, text = make_document(slug, number, count)
        (client_dir / path).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
