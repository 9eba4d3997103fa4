//! Turf-cutting benchmark: cut 100,000 households of a synthetic county (streets of houses,
//! apartment buildings, precincts, coordinates) in each mode, beside a baseline that only
//! puts the same households in walking order. Prints a table; asserts nothing.
//!
//! `cargo bench -p groundgame-server --bench cut` (release build).

use std::time::{Duration, Instant};

use groundgame_core::HouseholdId;
use groundgame_server::turfs::cut::{self, CutHousehold, CutMode};

const HOUSEHOLDS: usize = 100_000;
const RUNS: usize = 5;

/// A small deterministic generator (xorshift), so every run cuts the same county.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn county() -> Vec<CutHousehold> {
    let names = [
        "Juniper", "Heron", "Oak", "Maple", "Cedar", "Willow", "Birch", "Laurel", "Dogwood",
        "Magnolia", "Pine", "Elm",
    ];
    let kinds = ["Lane", "Way", "St", "Ave", "Rd", "Ct", "Dr"];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut out = Vec::with_capacity(HOUSEHOLDS);
    let mut street = 0u64;
    while out.len() < HOUSEHOLDS {
        street += 1;
        let name = format!(
            "{} {} {}",
            names[(street % names.len() as u64) as usize],
            kinds[((street / 12) % kinds.len() as u64) as usize],
            street
        );
        // Streets on a 60 × 60 grid of blocks; precincts of 6 × 6 blocks.
        let (gx, gy) = (street % 60, (street / 60) % 60);
        let precinct = format!("{:02}-{:02}", gx / 6, gy / 6);
        let houses = 10 + rng.below(120);
        for i in 0..houses {
            let number = 1 + i * 2 + rng.below(2);
            let lat = 35.7 + gy as f64 * 0.004 + i as f64 * 0.00002;
            let lon = -78.9 + gx as f64 * 0.005 + (rng.below(100) as f64) * 1e-6;
            let units = if rng.below(40) == 0 {
                4 + rng.below(60)
            } else {
                0
            };
            for u in 0..units.max(1) {
                if out.len() == HOUSEHOLDS {
                    break;
                }
                out.push(CutHousehold {
                    id: HouseholdId(out.len() as i64 + 1),
                    street: name.clone(),
                    number: number.to_string(),
                    unit: if units == 0 {
                        String::new()
                    } else {
                        format!("{}{:02}", u / 8 + 1, u % 8)
                    },
                    precinct: precinct.clone(),
                    // One in 50 without coordinates, as geocoders leave them.
                    lat: (rng.below(50) != 0).then_some(lat),
                    lon: Some(lon),
                });
            }
        }
    }
    out
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let households = county();
    println!(
        "cutting {} households ({} runs each, median)\n",
        households.len(),
        RUNS
    );
    println!(
        "{:<28} {:>10} {:>8} {:>10} {:>10} {:>10}",
        "mode", "time", "turfs", "min size", "max size", "unplaced"
    );
    let baseline = median(
        (0..RUNS)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(cut::walk_ordered(&households));
                t.elapsed()
            })
            .collect(),
    );
    println!(
        "{:<28} {:>8.1}ms {:>8} {:>10} {:>10} {:>10}",
        "baseline: walk-order sort",
        baseline.as_secs_f64() * 1e3,
        "-",
        "-",
        "-",
        "-"
    );
    for (label, mode) in [
        (
            "by precinct (max 500)",
            CutMode::Precinct { max_doors: 500 },
        ),
        ("by street (about 60)", CutMode::Street { doors: 60 }),
        ("by area (about 60)", CutMode::Area { doors: 60 }),
    ] {
        let mut times = Vec::with_capacity(RUNS);
        let mut last = None;
        for _ in 0..RUNS {
            let t = Instant::now();
            let cut = cut::cut(&households, mode).expect("cut");
            times.push(t.elapsed());
            last = Some(cut);
        }
        let cut = last.expect("at least one run");
        let sizes: Vec<usize> = cut.turfs.iter().map(|t| t.households.len()).collect();
        println!(
            "{:<28} {:>8.1}ms {:>8} {:>10} {:>10} {:>10}",
            label,
            median(times).as_secs_f64() * 1e3,
            cut.turfs.len(),
            sizes.iter().min().copied().unwrap_or(0),
            sizes.iter().max().copied().unwrap_or(0),
            cut.without_coordinates.len()
        );
    }
    println!("\ntarget: each mode under 2 s for 100,000 households");
}
