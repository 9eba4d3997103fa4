#!/usr/bin/env python3
"""Writes the OpenStreetMap test extract the map tests read, with pyosmium (libosmium's
Python bindings, an OSM writer independent of this project), and the true position of
every house on it.

    python3 -m venv target/osm-venv && target/osm-venv/bin/pip install osmium
    target/osm-venv/bin/python scripts/osm-fixture.py

Riverton: four residential streets and one arterial in a small grid near Raleigh, NC.
Houses stand 10 to 22 m from the centreline, odd numbers on the left of the way's direction
and even on the right, about 40 m apart. Some are mapped as address nodes, some as buildings with
an address, the rest not at all (the geocoder interpolates them). The voter-file spelling
of each street is what North Carolina writes ("N ELM ST"); OSM spells it out.

Outputs (committed, so the tests need no Python):
  tests/data/riverton.osm.pbf       the extract
  tests/data/riverton-houses.csv    number,street,city,zip,lat,lon,expect
  fuzz/seeds/osm_extract/           seeds for the extract reader's fuzz target: the same
                                    extract as written above (zlib blocks, dense nodes),
                                    and uncompressed, with and without dense nodes (so the
                                    fuzzer's mutations land in the blocks, not in zlib)
"""
import csv
import math
import os

import osmium
from osmium.osm.mutable import Node, Way

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "tests", "data")
LAT0, LON0 = 35.7800, -78.6400
M_PER_DEG_LAT = 110_540.0
M_PER_DEG_LON = 111_320.0 * math.cos(math.radians(LAT0))


def at(x, y):
    """Metres east and north of the origin, as (lat, lon)."""
    return (LAT0 + y / M_PER_DEG_LAT, LON0 + x / M_PER_DEG_LON)


# (OSM name, voter-file spelling, highway class, start (x, y), end (x, y), houses?)
STREETS = [
    ("North Elm Street", "N ELM ST", "residential", (0, 0), (640, 0), True),
    ("Oak Avenue", "OAK AVE", "residential", (0, 200), (640, 200), True),
    ("Maple Street", "MAPLE ST", "residential", (0, 400), (640, 400), True),
    ("Calle Luna", "CALLE LUNA", "residential", (640, -40), (640, 600), True),
    ("Jefferson Road", "JEFFERSON RD", "primary", (0, -40), (0, 440), False),
    # A footway and an unnamed service road: not streets anyone canvasses.
    (None, None, "footway", (320, 0), (320, 200), False),
    (None, None, "service", (100, 400), (100, 440), False),
]

HOUSES_PER_SIDE = 15  # numbers 100..128 even, 101..129 odd
SPACING_M = 40.0


def house_xy(start, end, number):
    """Where house `number` stands: along the street from its start, on its side."""
    (x0, y0), (x1, y1) = start, end
    length = math.hypot(x1 - x0, y1 - y0)
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    # Lots are not all alike: up to 8 m either way along the street, and set back 10 to
    # 22 m (a fixed pattern, so the file is the same every time it is written).
    along = 30.0 + ((number - 100) // 2) * SPACING_M + (number * 37 % 17) - 8
    offset = 10.0 + (number * 13 % 13)
    # Left of the direction of travel for odd numbers, right for even.
    side = 1.0 if number % 2 else -1.0
    nx, ny = -uy * side, ux * side
    return (x0 + ux * along + nx * offset, y0 + uy * along + ny * offset)


def main():
    os.makedirs(OUT, exist_ok=True)
    pbf = os.path.join(OUT, "riverton.osm.pbf")
    houses = write_extract(pbf, "pbf")
    with open(os.path.join(OUT, "riverton-houses.csv"), "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["number", "street", "city", "zip", "lat", "lon", "expect"])
        for number, street, lat, lon, expect in houses:
            out.writerow([number, street, "RIVERTON", "27601", f"{lat:.7f}", f"{lon:.7f}",
                          expect])
    print(f"wrote {pbf} ({os.path.getsize(pbf)} bytes) and {len(houses)} houses")
    seeds = os.path.join(HERE, "..", "fuzz", "seeds", "osm_extract")
    os.makedirs(seeds, exist_ok=True)
    for name, spec in (("riverton.osm.pbf", "pbf"),
                       ("riverton-plain.osm.pbf", "pbf,pbf_compression=none"),
                       ("riverton-plain-nodes.osm.pbf",
                        "pbf,pbf_dense_nodes=false,pbf_compression=none")):
        write_extract(os.path.join(seeds, name), spec)
    print(f"wrote the fuzz seeds in {seeds}")


def write_extract(pbf, spec):
    """Write Riverton to `pbf` in libosmium's format `spec`; return its houses."""
    if os.path.exists(pbf):
        os.remove(pbf)
    writer = osmium.SimpleWriter(osmium.io.File(pbf, spec))
    next_node, next_way = [1000], [5000]

    def node(x, y, tags=None):
        lat, lon = at(x, y)
        n = next_node[0]
        next_node[0] += 1
        writer.add_node(Node(id=n, location=(lon, lat), tags=tags or {}))
        return n

    houses = []
    ways = []
    for name, voter_name, highway, start, end, has_houses in STREETS:
        (x0, y0), (x1, y1) = start, end
        refs = [node(x0 + (x1 - x0) * t / 4, y0 + (y1 - y0) * t / 4) for t in range(5)]
        tags = {"highway": highway}
        if name:
            tags["name"] = name
        ways.append((refs, tags))
        if not has_houses:
            continue
        for number in range(100, 100 + 2 * HOUSES_PER_SIDE):
            x, y = house_xy(start, end, number)
            lat, lon = at(x, y)
            # Every fifth house an address node, every seventh a building with an address,
            # the first and last of each side mapped (so interpolation has both ends).
            index = (number - 100) // 2
            if index in (0, HOUSES_PER_SIDE - 1) or index % 5 == 2:
                node(x, y, {"addr:housenumber": str(number), "addr:street": name,
                            "addr:city": "Riverton"})
                expect = "exact"
            elif index % 7 == 3:
                corners = [node(x + dx, y + dy) for dx, dy in
                           ((-5, -5), (5, -5), (5, 5), (-5, 5))]
                ways.append((corners + [corners[0]],
                             {"building": "house", "addr:housenumber": str(number),
                              "addr:street": name}))
                expect = "exact"
            else:
                expect = "interpolated"
            houses.append((str(number), voter_name, lat, lon, expect))
    # A house number past the last mapped one, a street OSM does not have, and a door
    # with no number: reported, not placed.
    x, y = house_xy((0, 200), (640, 200), 151)
    lat, lon = at(x, y)
    houses.append(("151", "OAK AVE", lat, lon, "no_range"))
    houses.append(("12", "BIRCH LN", LAT0, LON0, "no_street"))
    houses.append(("", "MAPLE ST", LAT0, LON0, "no_number"))
    for refs, tags in ways:
        w = next_way[0]
        next_way[0] += 1
        writer.add_way(Way(id=w, nodes=refs, tags=tags))
    writer.close()
    return houses


if __name__ == "__main__":
    main()
