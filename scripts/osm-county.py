#!/usr/bin/env python3
"""Writes a county-sized OpenStreetMap extract for the streets benchmark, with pyosmium
(libosmium's Python bindings, an OSM writer independent of this project), and the true
position of every house on it.

    python3 -m venv target/osm-venv && target/osm-venv/bin/pip install osmium
    target/osm-venv/bin/python scripts/osm-county.py --blocks 150 --out DIR

A grid town of BLOCKS x BLOCKS blocks of 110 m near Raleigh, NC, mapped the way a real
county is: one way per block side with a slight bend, every tenth street a secondary
road, named as OSM spells it ("West 12th Avenue", "Oak Street") while the voter file
writes "W 12TH AVE"; a driveway (unnamed service way) and a land-use polygon of 24 nodes
on every block, and a stream every fifth block row (most of a real extract's nodes are on
nothing a canvasser walks). Four lots on each side of every block face, numbered by block
(the 300 block holds 300..306 on one side, 301..307 on the other): 40% mapped as a
building with an address (six corners), 20% as an address node, 10% as a building with no
address, the rest not mapped at all (the geocoder interpolates them).

Outputs:
  DIR/county.osm.pbf       the extract
  DIR/county-houses.csv    number,street,lat,lon,expect (the voter-file spelling)
"""
import argparse
import csv
import math
import os

import osmium
from osmium.osm.mutable import Node, Way

LAT0, LON0 = 35.70, -78.80
M_PER_DEG_LAT = 110_540.0
M_PER_DEG_LON = 111_320.0 * math.cos(math.radians(LAT0))
BLOCK_M = 110.0
LOTS = (18.0, 40.0, 62.0, 84.0)  # metres along a block face, both sides
SETBACK_M = 14.0
TREES = ["Oak", "Elm", "Maple", "Cedar", "Pine", "Birch", "Willow", "Poplar", "Magnolia",
         "Dogwood", "Hickory", "Chestnut", "Sycamore", "Laurel", "Holly", "Juniper"]


def at(x, y):
    """Metres east and north of the origin, as (lat, lon)."""
    return (LAT0 + y / M_PER_DEG_LAT, LON0 + x / M_PER_DEG_LON)


def ordinal(n):
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--blocks", type=int, default=150)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    n = args.blocks
    os.makedirs(args.out, exist_ok=True)
    pbf = os.path.join(args.out, "county.osm.pbf")
    if os.path.exists(pbf):
        os.remove(pbf)
    writer = osmium.SimpleWriter(pbf)
    next_node, next_way = [1], [1]
    ways = []

    def node(x, y, tags=None):
        lat, lon = at(x, y)
        i = next_node[0]
        next_node[0] += 1
        writer.add_node(Node(id=i, location=(lon, lat), tags=tags or {}))
        return i

    # Intersections first, shared by the ways that meet there.
    corner = [[node(i * BLOCK_M, j * BLOCK_M) for j in range(n + 1)] for i in range(n + 1)]
    houses = []
    streets = []  # (OSM name, voter name) per east-west line, with unique names
    for k in range(n + 1):
        tree = TREES[k % len(TREES)]
        round_ = k // len(TREES)
        osm = f"{tree} Street" if round_ == 0 else f"{ordinal(round_ + 1)} {tree} Street"
        voter = f"{tree.upper()} ST" if round_ == 0 else f"{ordinal(round_ + 1).upper()} {tree.upper()} ST"
        streets.append((osm, voter))
    avenues = [(f"West {ordinal(k + 1)} Avenue", f"W {ordinal(k + 1).upper()} AVE")
               for k in range(n + 1)]

    lot = [0]

    def lots(name, voter, block, along0, axis, c):
        """The lots on both sides of one block face (axis 0: east-west street at y=c)."""
        for side in (0, 1):
            for i, s in enumerate(LOTS):
                number = 100 * (block + 1) + 2 * i + side
                off = SETBACK_M if side == 0 else -SETBACK_M
                x, y = (along0 + s, c + off) if axis == 0 else (c + off, along0 + s)
                lat, lon = at(x, y)
                kind = lot[0] % 10
                lot[0] += 1
                if kind < 4:
                    ring = [node(x + dx, y + dy) for dx, dy in
                            ((-6, -5), (6, -5), (6, 2), (2, 2), (2, 5), (-6, 5))]
                    ways.append((ring + [ring[0]], {"building": "house",
                                                    "addr:housenumber": str(number),
                                                    "addr:street": name}))
                    expect = "exact"
                elif kind < 6:
                    node(x, y, {"addr:housenumber": str(number), "addr:street": name,
                                "addr:postcode": "27601"})
                    expect = "exact"
                elif kind < 7:
                    ring = [node(x + dx, y + dy) for dx, dy in
                            ((-5, -5), (5, -5), (5, 5), (-5, 5))]
                    ways.append((ring + [ring[0]], {"building": "yes"}))
                    expect = "interpolated"
                else:
                    expect = "interpolated"
                houses.append((str(number), voter, lat, lon, expect))

    for k in range(n + 1):
        c = k * BLOCK_M
        arterial = k % 10 == 5
        highway = "secondary" if arterial else "residential"
        for b in range(n):
            s = b * BLOCK_M
            bend = 1.5 if b % 2 else -1.5
            # East-west street k, block b.
            mid = [node(s + BLOCK_M * t, c + bend) for t in (0.33, 0.66)]
            name, voter = streets[k]
            ways.append(([corner[b][k]] + mid + [corner[b + 1][k]],
                         {"highway": highway, "name": name}))
            if k < n and not arterial:
                lots(name, voter, b, s, 0, c)
            # North-south avenue k, block b.
            mid = [node(c + bend, s + BLOCK_M * t) for t in (0.33, 0.66)]
            name, voter = avenues[k]
            ways.append(([corner[k][b]] + mid + [corner[k][b + 1]],
                         {"highway": highway, "name": name}))
    # What a county also holds: per block a driveway and a land-use polygon, a stream
    # every fifth row.
    for i in range(n):
        for j in range(n):
            x0, y0 = i * BLOCK_M, j * BLOCK_M
            drive = [node(x0 + 50, y0 + 20), node(x0 + 50, y0 + 45)]
            ways.append((drive, {"highway": "service", "service": "driveway"}))
            ring = []
            for t in range(24):
                a = 2 * math.pi * t / 24
                ring.append(node(x0 + 55 + 30 * math.cos(a), y0 + 55 + 30 * math.sin(a)))
            ways.append((ring + [ring[0]], {"landuse": "residential"}))
        if i % 5 == 2:
            brook = [node(i * BLOCK_M + 55 + 10 * math.sin(t / 3), t * 11.0)
                     for t in range(n * 10)]
            ways.append((brook, {"waterway": "stream", "name": f"Brook {i}"}))
    nodes = next_node[0] - 1
    for refs, tags in ways:
        w = next_way[0]
        next_way[0] += 1
        writer.add_way(Way(id=w, nodes=refs, tags=tags))
    writer.close()

    with open(os.path.join(args.out, "county-houses.csv"), "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["number", "street", "lat", "lon", "expect"])
        for number, street, lat, lon, expect in houses:
            out.writerow([number, street, f"{lat:.7f}", f"{lon:.7f}", expect])
    print(f"{nodes} {len(ways)} {len(houses)} {os.path.getsize(pbf)}")


if __name__ == "__main__":
    main()
