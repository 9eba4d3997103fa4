//! Every fuzz target's oracle — `fuzz/src/lib.rs`, the very file the libFuzzer targets call
//! — run over its committed seeds (`fuzz/seeds/<target>/`, written by an independent
//! writer), its regression inputs (`fuzz/regressions/<target>/`: each input a fuzz run
//! crashed on, kept once the bug is fixed), and a fixed set of mutations of each. A parser
//! change that breaks an oracle, or brings back a crash, fails here on every test run, not
//! only when someone runs `scripts/fuzz.sh`.

use std::path::{Path, PathBuf};

#[path = "../fuzz/src/lib.rs"]
mod oracles;

/// Mutations per input: enough to leave each seed's happy path in every direction, few
/// enough for a debug build to run all seven targets in seconds.
const MUTATIONS: usize = 400;

#[test]
fn sync_bodies() {
    replay("sync_bodies");
}

#[test]
fn voter_file() {
    replay("voter_file");
}

#[test]
fn import_mapping() {
    replay("import_mapping");
}

#[test]
fn script_toml() {
    replay("script_toml");
}

#[test]
fn contacts_import() {
    replay("contacts_import");
}

#[test]
fn geocode_csv() {
    replay("geocode_csv");
}

#[test]
fn osm_extract() {
    replay("osm_extract");
}

/// The targets the tests above replay: a target added to `fuzz/src/lib.rs` without its test
/// here fails this one.
const REPLAYED: &[&str] = &[
    "sync_bodies",
    "voter_file",
    "import_mapping",
    "script_toml",
    "contacts_import",
    "geocode_csv",
    "osm_extract",
];

#[test]
fn every_target_is_replayed() {
    let targets: Vec<&str> = oracles::TARGETS.iter().map(|(name, _)| *name).collect();
    assert_eq!(targets, REPLAYED);
}

fn replay(target: &str) {
    let (_, oracle) = oracles::TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .unwrap_or_else(|| panic!("no oracle named {target}"));
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let seeds = files(&root.join("seeds").join(target));
    assert!(
        !seeds.is_empty(),
        "{target} has no seeds in fuzz/seeds/{target}/ (scripts/fuzz-seeds.py writes them)"
    );
    let inputs: Vec<PathBuf> = seeds
        .into_iter()
        .chain(files(&root.join("regressions").join(target)))
        .collect();
    let mut runs = 0;
    for path in &inputs {
        let input = std::fs::read(path).expect("read the input");
        let name = path
            .strip_prefix(&root)
            .unwrap_or(path)
            .display()
            .to_string();
        let mut rng = XorShift::new(&name);
        let mut run = |data: &[u8], what: &str| {
            let outcome = std::panic::catch_unwind(|| oracle(data));
            assert!(
                outcome.is_ok(),
                "{target}'s oracle failed on {what} of {name}; to keep it, write those {} bytes to fuzz/regressions/{target}/",
                data.len()
            );
            runs += 1;
        };
        run(&input, "the input itself");
        for i in 0..MUTATIONS {
            let mutated = mutate(&input, &mut rng);
            run(&mutated, &format!("mutation {i}"));
        }
    }
    assert_eq!(runs, inputs.len() * (MUTATIONS + 1));
}

/// The regular files in `dir`, sorted; none if it does not exist.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file() && p.file_name().is_none_or(|n| n != "README.md"))
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

/// Byte sequences parsers trip on: quotes, separators, line ends, control and bidi
/// characters, an invalid UTF-8 start, numbers past 64 bits, deep nesting.
const INTERESTING: &[&[u8]] = &[
    b"\0",
    b"\"",
    b",",
    b"\t",
    b"\r\n",
    b"\n\n\n",
    b"\xff\xfe",
    b"\xc3",
    "\u{202e}".as_bytes(),
    "\u{200b}".as_bytes(),
    b"-1",
    b"18446744073709551616",
    b"1e400",
    b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
    b"{\"\":",
    b"=",
    b"[columns]",
    b"BEGIN:VCARD",
];

/// One mutation of `input`: the kinds libFuzzer starts with (truncate, flip, erase, repeat,
/// insert), chosen by a generator seeded from the input's name so every run is the same.
fn mutate(input: &[u8], rng: &mut XorShift) -> Vec<u8> {
    let mut out = input.to_vec();
    let len = out.len().max(1);
    match rng.below(6) {
        0 => out.truncate(rng.below(len)),
        1 => {
            if !out.is_empty() {
                let at = rng.below(out.len());
                out[at] ^= 1 << rng.below(8);
            }
        }
        2 => {
            let from = rng.below(len).min(out.len());
            let to = (from + rng.below(64)).min(out.len());
            out.drain(from..to);
        }
        3 => {
            let from = rng.below(len).min(out.len());
            let to = (from + rng.below(256)).min(out.len());
            let chunk = out[from..to].to_vec();
            for _ in 0..=rng.below(8) {
                out.splice(to..to, chunk.iter().copied());
            }
        }
        4 => {
            let at = rng.below(len).min(out.len());
            let what = INTERESTING[rng.below(INTERESTING.len())];
            out.splice(at..at, what.iter().copied());
        }
        _ => {
            // The first byte picks the format or endpoint in several targets.
            if let Some(first) = out.first_mut() {
                *first = rng.below(256) as u8;
            }
        }
    }
    out
}

struct XorShift(u64);

impl XorShift {
    fn new(name: &str) -> XorShift {
        let seed = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
        XorShift(seed | 1)
    }

    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}
