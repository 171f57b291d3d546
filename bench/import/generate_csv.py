#!/usr/bin/env python3
"""Generate the CSV of assets that bench/import/run imports, and the list of its clients.

The file looks like an RMM or spreadsheet export of a French MSP: one row per device,
grouped by client, with a header of English column names as such tools write them. Each
client's hostnames are unique. Asset types are spelled as the tools do ("Access Point",
"Virtual Machine"). Serial numbers and asset tags have leading zeros, and dates are
written dd/mm/yyyy. The other columns contain IPv4 and MAC addresses, manufacturers,
models, operating systems, and notes with commas, double quotes and, in some rows, line
breaks. Some cells are empty. The output is the same for the same arguments, because the
random numbers come from a fixed seed.

Writes the CSV in UTF-8 with CRLF line ends, as Python's csv module and Excel do, and a
tab-separated file of the clients: slug, then name.
"""

import argparse
import csv
import datetime
import random
import sys

SEED = 20261205

# Company names as an MSP's clients have them, with accents, apostrophes and ampersands, so
# that the import matches the client column to the clients by name.
CLIENT_NAMES = [
    ("moreau-avocats", "Cabinet d'avocats Moreau & Associés"),
    ("boulangerie-dupre", "Boulangerie Dupré"),
    ("clinique-saint-jean", "Clinique vétérinaire Saint-Jean"),
    ("transports-girard", "Transports Girard SA"),
    ("mairie-villeurbanne-nord", "Mairie annexe de Villeurbanne Nord"),
    ("atelier-lumiere", "Atelier Lumière & Cie"),
    ("pharmacie-des-halles", "Pharmacie des Halles"),
    ("etudes-notariales-roux", "Études notariales Roux"),
    ("garage-bernard", "Garage Bernard Automobiles"),
    ("cooperative-agricole-ain", "Coopérative agricole de l'Ain"),
    ("agence-immo-fontaine", "Agence immobilière Fontaine"),
    ("ecole-montessori-croix-rousse", "École Montessori de la Croix-Rousse"),
    ("imprimerie-lefevre", "Imprimerie Lefèvre"),
    ("cabinet-dentaire-perrin", "Cabinet dentaire Perrin"),
    ("bureau-etudes-thermique", "Bureau d'études Thermique Rhône"),
    ("hotel-du-parc", "Hôtel du Parc"),
    ("expertise-comptable-blanc", "Expertise comptable Blanc & Fils"),
    ("laboratoire-analyses-gerland", "Laboratoire d'analyses de Gerland"),
    ("menuiserie-chevalier", "Menuiserie Chevalier"),
    ("association-sportive-lyon-7", "Association sportive Lyon 7e"),
]

# Asset type as the export spells it, its share of the rows, the hostname prefix, the VLAN,
# and the (manufacturer, model, operating system, version) choices.
ASSET_KINDS = [
    ("Workstation", 33, "pc", "20", [
        ("Dell", "OptiPlex 7010", "Windows 11 Pro", "23H2"),
        ("HP", "EliteDesk 800 G6", "Windows 11 Pro", "22H2"),
        ("Lenovo", "ThinkCentre M70q", "Windows 10 Pro", "22H2"),
    ]),
    ("Laptop", 24, "lt", "20", [
        ("Dell", "Latitude 5440", "Windows 11 Pro", "23H2"),
        ("Lenovo", "ThinkPad T14 Gen 4", "Windows 11 Pro", "23H2"),
        ("Apple", "MacBook Air M2", "macOS", "14.4"),
        ("HP", "ProBook 450 G10", "Windows 11 Pro", "22H2"),
    ]),
    ("Phone", 8, "tel", "30", [
        ("Yealink", "T54W", "", "96.86.0.70"),
        ("Apple", "iPhone 13", "iOS", "17.4"),
        ("Samsung", "Galaxy A54", "Android", "14"),
    ]),
    ("Printer", 6, "prn", "40", [
        ("Brother", "MFC-L8900CDW", "", "ZH2402"),
        ("HP", "LaserJet Pro M404dn", "", "002.2335A"),
        ("Kyocera", "ECOSYS M2540dn", "", "2S0_2000.006.001"),
    ]),
    ("Virtual Machine", 7, "vm", "10", [
        ("VMware", "Virtual Platform", "Windows Server 2022", "21H2"),
        ("Microsoft", "Hyper-V Virtual Machine", "Windows Server 2019", "1809"),
        ("Proxmox", "QEMU Standard PC", "Debian GNU/Linux", "12.5"),
    ]),
    ("Server", 5, "srv", "10", [
        ("Dell", "PowerEdge R650", "Windows Server 2022", "21H2"),
        ("HPE", "ProLiant DL360 Gen10", "VMware ESXi", "8.0 U2"),
        ("Lenovo", "ThinkSystem SR630 V2", "Proxmox VE", "8.1"),
    ]),
    ("Switch", 4, "sw", "99", [
        ("HPE Aruba", "2930F-24G", "ArubaOS-Switch", "WC.16.11.0016"),
        ("Cisco", "Catalyst 1000-24T", "IOS", "15.2(7)E8"),
        ("Netgear", "GS724TP", "", "6.0.8.3"),
    ]),
    ("Access Point", 4, "ap", "99", [
        ("Ubiquiti", "U6-Pro", "UniFi", "6.6.55"),
        ("HPE Aruba", "AP-505", "ArubaOS", "8.10.0.10"),
    ]),
    ("NAS", 2, "nas", "10", [
        ("Synology", "DS923+", "DSM", "7.2.1"),
        ("QNAP", "TS-464", "QTS", "5.1.5"),
    ]),
    ("UPS", 3, "ups", "99", [
        ("APC", "Smart-UPS 1500", "", "UPS 15.5"),
        ("Eaton", "5PX 1500", "", "03.08.0018"),
    ]),
    ("Firewall", 2, "fw", "99", [
        ("Fortinet", "FortiGate 60F", "FortiOS", "7.2.8"),
        ("Stormshield", "SN310", "SNS", "4.3.25"),
    ]),
    ("Router", 1, "rt", "99", [
        ("MikroTik", "RB5009UG+S+IN", "RouterOS", "7.14"),
        ("Cisco", "ISR 1111-8P", "IOS XE", "17.9.4"),
    ]),
    ("Other", 1, "dev", "99", [
        ("Axis", "M3106-L Mk II", "AXIS OS", "11.8.64"),
        ("Nuki", "Bridge", "", "2.16.2"),
    ]),
]

# The types whose rows have a management URL.
MANAGED = {"Switch", "Access Point", "NAS", "UPS", "Firewall", "Router"}
# The types assigned to a person.
PERSONAL = {"Workstation", "Laptop", "Phone"}

SITE_CODES = ["lyon", "vlb", "gerland", "bron", "annecy"]
LOCATIONS = ["Accueil", "Open space 1er étage", "Bureau 2.14", "Salle serveur", "Salle de réunion",
             "Entrepôt", "Direction", "Comptabilité", "Atelier", "Local technique"]
FIRST_NAMES = ["Jeanne", "Lucas", "Camille", "Hugo", "Léa", "Thomas", "Chloé", "Nicolas", "Inès", "Mathieu",
               "Sarah", "Julien", "Manon", "Antoine", "Zoé", "François", "Élodie", "Rémi"]
LAST_NAMES = ["Dupont", "Martin", "Bernard", "Lefèvre", "Moreau", "Girard", "N'Diaye", "Roux", "Fontaine",
              "Perrin", "Chevalier", "Blanc", "Garnier", "Faure", "Da Silva", "Lambert"]
NOTES = [
    "Remplacé le disque SSD, voir ticket #{ticket}",
    'Surnommé "le vieux" par l\'équipe, à remplacer en {year}',
    "Écran 27\", dock USB-C, clavier AZERTY",
    "Garantie étendue, contrat {ticket}, renouvellement par le client",
    "Sauvegarde quotidienne à 22 h, rétention 30 jours",
    'Mot de passe BIOS dans la fiche "BIOS {year}", pas ici',
    "Prêté temporairement au service comptabilité, à récupérer",
]
MULTI_LINE_NOTES = [
    "Intervention du {date} :\n- mise à jour du firmware\n- redémarrage planifié, 5 min de coupure",
    "Problème connu : perte de réseau après veille.\nContournement : désactiver l'économie d'énergie de la carte.",
    'Déménagé du site "{site}" le {date},\nnouvelle prise murale B-{ticket}.',
]

HEADER = ["Client", "Hostname", "Asset Type", "IP Address", "MAC Address", "VLAN ID", "Manufacturer", "Model",
          "Serial Number", "Asset Tag", "OS", "OS Version", "Purchased", "Warranty Expires", "Location",
          "Assigned To", "Management URL", "Notes"]


def clients_of(count):
    clients = list(CLIENT_NAMES[:count])
    for number in range(len(clients) + 1, count + 1):
        clients.append((f"client-{number:03d}", f"Client numéro {number}"))
    return clients


def french_date(day):
    return day.strftime("%d/%m/%Y")


def serial_number(rng, manufacturer):
    if manufacturer == "Dell":
        return "".join(rng.choice("0123456789BCDFGHJKLMNPQRSTVWXZ") for _ in range(7))
    if manufacturer in ("HP", "HPE"):
        return "CZC" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(7))
    # Ten-digit numbers below 10^9, so each starts with a zero that the import must keep as text.
    return f"{rng.randrange(10 ** 9):010d}"


def asset_rows(rng, slug, name, count, client_number):
    weights = [kind[1] for kind in ASSET_KINDS]
    site = rng.choice(SITE_CODES)
    for number in range(1, count + 1):
        asset_type, _, prefix, vlan, models = rng.choices(ASSET_KINDS, weights)[0]
        manufacturer, model, os_name, os_version = rng.choice(models)
        hostname = f"{prefix}-{site}-{number:05d}"
        # 10.client.x.y: unique within the client up to 64,000 rows.
        ip = f"10.{client_number % 256}.{number // 250 % 256}.{number % 250 + 1}" if rng.random() < 0.85 else ""
        mac = ":".join(f"{rng.randrange(256):02X}" for _ in range(6))
        purchased = datetime.date(2016, 1, 1) + datetime.timedelta(days=rng.randrange(3650))
        warranty = ""
        if rng.random() < 0.8:
            years = rng.choice((3, 5))
            warranty = french_date(purchased + datetime.timedelta(days=round(365.25 * years)))
        assigned = ""
        if asset_type in PERSONAL and rng.random() < 0.9:
            assigned = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        url = f"https://{ip}:8443/" if asset_type in MANAGED and ip else ""
        notes = ""
        draw = rng.random()
        values = {"ticket": rng.randrange(1000, 99999), "year": rng.randrange(2025, 2029),
                  "date": french_date(purchased + datetime.timedelta(days=rng.randrange(30, 900))),
                  "site": rng.choice(SITE_CODES)}
        if draw < 0.05:
            notes = rng.choice(MULTI_LINE_NOTES).format(**values)
        elif draw < 0.40:
            notes = rng.choice(NOTES).format(**values)
        yield [
            name,
            hostname,
            asset_type,
            ip,
            mac,
            vlan,
            manufacturer,
            model,
            serial_number(rng, manufacturer),
            f"{number:06d}",
            os_name,
            os_version,
            french_date(purchased),
            warranty,
            rng.choice(LOCATIONS),
            assigned,
            url,
            notes,
        ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, required=True, help="rows of the CSV, a multiple of --clients")
    parser.add_argument("--clients", type=int, required=True, help="clients the rows are spread over")
    parser.add_argument("--csv", required=True, help="the CSV file to write")
    parser.add_argument("--clients-tsv", required=True, help="the file of the clients to write: slug TAB name")
    arguments = parser.parse_args()
    if arguments.clients < 1 or arguments.rows < arguments.clients or arguments.rows % arguments.clients != 0:
        print(f"generate_csv.py: error: --rows ({arguments.rows}) must be a positive multiple of --clients "
              f"({arguments.clients})", file=sys.stderr)
        return 2

    rng = random.Random(SEED)
    clients = clients_of(arguments.clients)
    per_client = arguments.rows // arguments.clients
    with open(arguments.clients_tsv, "w", encoding="utf-8") as file:
        for slug, name in clients:
            file.write(f"{slug}\t{name}\n")
    with open(arguments.csv, "w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, lineterminator="\r\n")
        writer.writerow(HEADER)
        for index, (slug, name) in enumerate(clients, start=1):
            writer.writerows(asset_rows(rng, slug, name, per_client, index))
    return 0


if __name__ == "__main__":
    sys.exit(main())
