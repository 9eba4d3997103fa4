#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora into fuzz/seeds/<target>/.

The seeds are written here, by Python's own csv and json modules, not by the code under
test: an independent writer of each format (North Carolina's tab-separated Latin-1 voter
file with every field quoted, a VAN-style CSV export, vCard 3.0 and 4.0 as phones export
them, Google's contacts CSV, mapping and script TOML, sync bodies). The fuzzer mutates them.

Usage: python3 scripts/fuzz-seeds.py   (safe to run again: it rewrites the seeds)
"""

import csv
import io
import json
import re
import shutil
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fuzz" / "seeds"


def nc_columns():
    """North Carolina's 67 column names, as the server lists them for reference."""
    text = (ROOT / "server/src/import/columns.rs").read_text()
    block = text[text.index("pub const NCVOTER_COLUMNS") :]
    block = block[block.index("[", block.index("=")) + 1 : block.index("];")]
    return re.findall(r'"([a-z0-9_]+)"', block)


def write(target, name, data):
    d = SEEDS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


def uuid7():
    ms = int(time.time() * 1000)
    rand = uuid.uuid4().int & ((1 << 74) - 1)
    value = (ms << 80) | (0x7 << 76) | ((rand >> 62) << 64) | (0b10 << 62) | (rand & ((1 << 62) - 1))
    return str(uuid.UUID(int=value))


def voter_files():
    cols = nc_columns()
    assert len(cols) == 67, len(cols)
    out = io.StringIO()
    w = csv.writer(out, delimiter="\t", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    w.writerow(cols)
    people = [
        ("AA100001", "JOSÉ", "NÚÑEZ", "12 N ELM ST", "DURHAM", "27701", "9195550101"),
        ("AA100002", "ANA", "O'BRIEN", "14 N ELM ST APT 2", "DURHAM", "27701", ""),
        ("AA100003", "", "SMITH", "", "DURHAM", "", "919-555-01"),
    ]
    for ncid, first, last, street, city, zip_code, phone in people:
        row = {c: "" for c in cols}
        row.update(
            ncid=ncid, first_name=first, last_name=last, res_street_address=street,
            res_city_desc=city, zip_code=zip_code, full_phone_number=phone,
            status_cd="A", confidential_ind="N", precinct_abbrv="P1", birth_year="1980",
        )
        w.writerow([row[c] for c in cols])
    write("voter_file", "ncvoter-latin1.txt", b"\x00" + out.getvalue().encode("latin-1"))

    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["VANID", "FirstName", "LastName", "Address", "City", "State", "Zip5",
                "Phone", "Party", "PrecinctName"])
    w.writerow(["100234", "Dele", "Okafor", "301 Pine Rd", "Raleigh", "NC", "27601",
                "(919) 555-0199", "D", "01-07"])
    w.writerow(["100235", "Eva", "Rossi, Jr.", '"Quoted" Lane 5', "Raleigh", "NC", "", "", "", ""])
    write("voter_file", "van-export.csv", b"\x01" + out.getvalue().encode("utf-8"))

    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\r\n")
    w.writerow(["Voter ID", "First", "Last", "Address", "City", "Zip", "Phone"])
    w.writerow(["X-1", "Farid", "Nguyen", "9 Oak Ave", "Cary", "27511", "+1 919 555 0123"])
    write("voter_file", "mapped-semicolon.csv", b"\x02" + b"\xef\xbb\xbf" + out.getvalue().encode("utf-8"))


def mappings():
    write("import_mapping", "full.toml", b'''delimiter = ","
encoding = "auto"
[columns]
source_id = "Voter ID"
first_name = "First"
last_name = "Last"
address = "Address"
city = "City"
zip = "Zip"
phone = "Phone"
''')
    write("import_mapping", "parts.toml", b'''delimiter = "tab"
encoding = "latin-1"
[columns]
source_id = "Voter ID"
last_name = "Last"
number = "No"
street = "Street"
unit = "Unit"
lat = "Latitude"
lon = "Longitude"
birth_year = "Born"
''')


def scripts():
    write("script_toml", "canvass.toml", (ROOT / "server/examples/scripts/canvass.toml").read_bytes())
    write("script_toml", "phone.toml", '''key = "calls"
name_en = "Phone bank"
name_es = "Banco telefónico"
intro_en = "Hi, this is a volunteer."
intro_es = "Hola, soy voluntaria."

[[questions]]
key = "support"
text_en = "Will you vote?"
text_es = "¿Va a votar?"

[[questions.choices]]
key = "yes"
label_en = "Yes"
label_es = "Sí"
next = "end"
'''.encode("utf-8"))


def contacts():
    write("contacts_import", "phone-3.0.vcf", (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Díaz;Ana;;;\r\nFN:Ana Díaz\r\n"
        "TEL;TYPE=CELL:+1 (919) 555-0101\r\nEMAIL;TYPE=INTERNET:ana@example.org\r\n"
        "ADR;TYPE=HOME:;;12 Elm St;Durham;NC;27701;USA\r\nNOTE:met at the\r\n  fair\r\n"
        "END:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ben\r\nTEL:9195550102\r\nEND:VCARD\r\n"
    ).encode("utf-8"))
    write("contacts_import", "phone-4.0.vcf", (
        "BEGIN:VCARD\nVERSION:4.0\nFN:Carmen Ruiz\nTEL;VALUE=uri;TYPE=\"voice,cell\":tel:+1-919-555-0103\n"
        "EMAIL:carmen@example.org\nEND:VCARD\n"
    ).encode("utf-8"))
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(["Name", "Given Name", "Family Name", "Phone 1 - Type", "Phone 1 - Value",
                "E-mail 1 - Type", "E-mail 1 - Value"])
    w.writerow(["Dele Okafor", "Dele", "Okafor", "Mobile", "919-555-0104 ::: 919-555-0105",
                "* Home", "dele@example.org"])
    write("contacts_import", "google.csv", out.getvalue().encode("utf-8"))


def geocodes():
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["address", "city", "zip", "lat", "lon"])
    w.writerow(["12 N Elm St", "Durham", "27701", "35.9940", "-78.8986"])
    w.writerow(["14 N Elm St", "Durham", "27701", "not a number", ""])
    write("geocode_csv", "addresses.csv", out.getvalue().encode("utf-8"))
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(["address_key", "lat", "lon"])
    w.writerow(["12|N ELM ST|DURHAM|27701", "35.9940", "-78.8986"])
    write("geocode_csv", "keys.csv", out.getvalue().encode("utf-8"))


def sync_bodies():
    now = int(time.time() * 1000)
    at = now << 16  # the hybrid clock: milliseconds, then a 16-bit counter
    push = {"protocol": 1, "pending": 2, "events": [
        {"id": uuid7(), "at": at, "household": 1,
         "body": {"kind": "contact", "channel": "door", "result": "not_home"}},
        {"id": uuid7(), "at": at + 1, "household": 2, "person": str(uuid.uuid4()),
         "body": {"kind": "survey", "attempt": None, "question": "support", "answer": "1"}},
    ]}
    pull = {"protocol": 1, "scopes": [{"turf": 1, "cursor": 0}], "limit": 500}
    network_push = {"protocol": 1, "records": [
        {"id": uuid7(), "at": at, "contact": str(uuid.uuid4()),
         "body": {"kind": "contact_added", "name": "Ana", "phone": "9195550101"}}]}
    network_pull = {"protocol": 1, "cursor": 0}
    for which, name, body in [(0, "push", push), (1, "pull", pull), (2, "network-push", network_push),
                              (3, "network-pull", network_pull), (4, "push-gzip", push), (5, "pull-gzip", pull)]:
        write("sync_bodies", f"{name}.json", bytes([which]) + json.dumps(body).encode("utf-8"))


def main():
    if SEEDS.exists():
        shutil.rmtree(SEEDS)
    voter_files()
    mappings()
    scripts()
    contacts()
    geocodes()
    sync_bodies()
    for d in sorted(SEEDS.iterdir()):
        print(f"{d.name}: {len(list(d.iterdir()))} seeds")


if __name__ == "__main__":
    main()
