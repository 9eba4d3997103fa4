//! Turf cutting: dividing a campaign's households into turfs a canvasser can walk, by
//! precinct, by street or by area. Pure (no SQL, no I/O): households in, named turfs out,
//! each with its household ids in walking order ([`crate::turfs::walk_order`]).
//!
//! The cut is deterministic: the input is first put in walking order (ties broken by id), so
//! the same households give the same turfs whatever order they arrive in.
//!
//! Size bounds, with `N` the doors asked for:
//! - **by precinct**: one turf per precinct; a precinct over `N` is cut by street (below),
//!   so no turf has more than `N` doors.
//! - **by street**: whole streets packed in walking order; a street longer than `N` is cut
//!   into house-number ranges (both sides of the street together, never splitting an
//!   address unless the address alone has more than `N` units). No turf has more than `N`
//!   doors, and any two turfs cut one after the other together have more than `N`, so on
//!   average turfs are over half full; among such packings the fullest is chosen (least
//!   squared shortfall), so small leftovers are rare.
//! - **by area**: recursive bisection of the projected coordinates along the longer side of
//!   each box, in proportion to the number of turfs on each side. With `n > N` households
//!   placed, every turf has between `⌊N/2⌋` and `N` doors (all turfs within one door of
//!   `n / ⌈n/N⌉`); with `n ≤ N`, one turf. Households without usable coordinates are
//!   returned in [`Cut::without_coordinates`], never dropped silently. Units of a building
//!   share coordinates, so a split line may pass through a building: its units are then
//!   divided in walking order (top floors in one turf, the rest in the next).

use std::collections::{BTreeMap, HashSet};

use groundgame_core::HouseholdId;

use crate::turfs::walk_order::WalkKey;

/// One household to cut, as the lead's voter file gave it.
#[derive(Debug, Clone, PartialEq)]
pub struct CutHousehold {
    pub id: HouseholdId,
    pub street: String,
    pub number: String,
    pub unit: String,
    /// The precinct as written in the voter file ("12-04"); empty when unknown.
    pub precinct: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

/// How to cut, with the number of doors wanted per turf.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CutMode {
    /// One turf per precinct, cut by street when a precinct has more than `max_doors`.
    Precinct { max_doors: usize },
    /// Whole streets packed into turfs of at most `doors`.
    Street { doors: usize },
    /// Compact areas of about `doors` (between half and all of it) from coordinates.
    Area { doors: usize },
}

impl CutMode {
    /// The cut the lead asked for, by its wire name, with `doors` per turf.
    pub fn new(by: groundgame_core::protocol::campaign_data::CutBy, doors: usize) -> CutMode {
        use groundgame_core::protocol::campaign_data::CutBy;
        match by {
            CutBy::Precinct => CutMode::Precinct { max_doors: doors },
            CutBy::Street => CutMode::Street { doors },
            CutBy::Area => CutMode::Area { doors },
        }
    }
}

/// One turf of a cut: a readable name and its households in walking order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CutTurf {
    pub name: String,
    pub households: Vec<HouseholdId>,
}

/// The result of a cut.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cut {
    pub turfs: Vec<CutTurf>,
    /// Households an area cut could not place (no coordinates, or impossible ones), in
    /// walking order: geocode them or cut them by street.
    pub without_coordinates: Vec<HouseholdId>,
}

/// Why a cut cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CutError {
    #[error("a turf must hold at least one door; ask for a size of 1 or more")]
    ZeroSize,
    #[error("household {0} is listed twice; give each household once")]
    DuplicateHousehold(HouseholdId),
}

/// A household with its place in the whole input's walking order (`rank`).
struct Door<'a> {
    rank: usize,
    h: &'a CutHousehold,
}

/// Cut `households` into turfs.
pub fn cut(households: &[CutHousehold], mode: CutMode) -> Result<Cut, CutError> {
    let size = match mode {
        CutMode::Precinct { max_doors } => max_doors,
        CutMode::Street { doors } | CutMode::Area { doors } => doors,
    };
    if size == 0 {
        return Err(CutError::ZeroSize);
    }
    let mut seen = HashSet::with_capacity(households.len());
    for h in households {
        if !seen.insert(h.id) {
            return Err(CutError::DuplicateHousehold(h.id));
        }
    }
    let doors: Vec<Door<'_>> = in_walk_order(households)
        .into_iter()
        .enumerate()
        .map(|(rank, i)| Door {
            rank,
            h: &households[i],
        })
        .collect();
    let mut out = match mode {
        CutMode::Precinct { max_doors } => by_precinct(&doors, max_doors),
        CutMode::Street { doors: n } => Cut {
            turfs: by_street(&doors.iter().collect::<Vec<_>>(), n)
                .into_iter()
                .map(|t| t.finish(""))
                .collect(),
            without_coordinates: Vec::new(),
        },
        CutMode::Area { doors: n } => by_area(&doors, n),
    };
    unique_names(&mut out.turfs);
    Ok(out)
}

/// The households' ids in walking order (ties broken by id): what a turf of all of them
/// would be. Also the benchmark's baseline.
pub fn walk_ordered(households: &[CutHousehold]) -> Vec<HouseholdId> {
    in_walk_order(households)
        .into_iter()
        .map(|i| households[i].id)
        .collect()
}

/// Indexes into `households`, in walking order.
fn in_walk_order(households: &[CutHousehold]) -> Vec<usize> {
    let mut keyed: Vec<(WalkKey, HouseholdId, usize)> = households
        .iter()
        .enumerate()
        .map(|(i, h)| (WalkKey::new(&h.street, &h.number, &h.unit), h.id, i))
        .collect();
    keyed.sort_unstable_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    keyed.into_iter().map(|(_, _, i)| i).collect()
}

// ---------------------------------------------------------------------------------------
// By precinct

fn by_precinct(doors: &[Door<'_>], max: usize) -> Cut {
    let mut precincts: BTreeMap<&str, Vec<&Door<'_>>> = BTreeMap::new();
    for d in doors {
        precincts.entry(d.h.precinct.trim()).or_default().push(d);
    }
    let mut turfs = Vec::new();
    for (precinct, members) in precincts {
        let base = if precinct.is_empty() {
            "No precinct".to_string()
        } else {
            format!("Precinct {precinct}")
        };
        if members.len() <= max {
            turfs.push(CutTurf {
                name: base,
                households: members.iter().map(|d| d.h.id).collect(),
            });
            continue;
        }
        let parts = by_street(&members, max);
        let count = parts.len();
        for (i, part) in parts.into_iter().enumerate() {
            let mut t = part.finish("");
            t.name = format!("{base} ({} of {count}): {}", i + 1, t.name);
            turfs.push(t);
        }
    }
    Cut {
        turfs,
        without_coordinates: Vec::new(),
    }
}

// ---------------------------------------------------------------------------------------
// By street

/// A stretch of one street: the whole street, a house-number range, or part of one
/// address's units.
struct Piece<'d, 'a> {
    street: &'a str,
    /// When the street was cut: its lowest and highest house number (if any has one), and
    /// whether it holds doors without a number.
    range: Option<(Option<(u64, u64)>, bool)>,
    /// Units of one address, when the address itself was cut.
    units: Option<(String, String)>,
    doors: Vec<&'d Door<'a>>,
}

impl Piece<'_, '_> {
    fn label(&self) -> String {
        let mut s = self.street.trim().to_string();
        if s.is_empty() {
            s = "No street".into();
        }
        if let Some((numbers, unnumbered)) = self.range {
            match numbers {
                Some((lo, hi)) if lo == hi => s.push_str(&format!(" {lo}")),
                Some((lo, hi)) => s.push_str(&format!(" {lo}–{hi}")),
                None => {}
            }
            match (numbers, unnumbered) {
                (Some(_), true) => s.push_str(" & no number"),
                (None, _) => s.push_str(" (no number)"),
                (Some(_), false) => {}
            }
        }
        if let Some((first, last)) = &self.units {
            if first == last {
                s.push_str(&format!(", unit {first}"));
            } else {
                s.push_str(&format!(", units {first}–{last}"));
            }
        }
        s
    }
}

/// Turf under construction: pieces, in order.
struct Packed<'d, 'a> {
    pieces: Vec<Piece<'d, 'a>>,
}

impl Packed<'_, '_> {
    /// Name it after its pieces and put its doors in walking order.
    fn finish(self, prefix: &str) -> CutTurf {
        let labels: Vec<String> = self.pieces.iter().map(Piece::label).collect();
        let name = match labels.as_slice() {
            [] => "Empty".to_string(),
            [one] => one.clone(),
            [a, b] => format!("{a} & {b}"),
            [a, b, rest @ ..] => format!("{a}, {b} and {} more", rest.len()),
        };
        let mut doors: Vec<&Door<'_>> = self
            .pieces
            .iter()
            .flat_map(|p| p.doors.iter().copied())
            .collect();
        doors.sort_unstable_by_key(|d| d.rank);
        CutTurf {
            name: format!("{prefix}{name}"),
            households: doors.iter().map(|d| d.h.id).collect(),
        }
    }
}

/// The numeric part of a house number, for ranges ("12B" → 12).
fn house_number(s: &str) -> Option<u64> {
    let start = s.find(|c: char| c.is_ascii_digit())?;
    let digits: String = s[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// Split `total` items into `parts` contiguous sizes differing by at most one.
fn even_sizes(total: usize, parts: usize) -> impl Iterator<Item = usize> {
    (0..parts).map(move |i| total / parts + usize::from(i < total % parts))
}

/// Pack `doors` (in walking order) into turfs of at most `n`: whole streets when they fit,
/// otherwise house-number ranges.
fn by_street<'d, 'a>(doors: &[&'d Door<'a>], n: usize) -> Vec<Packed<'d, 'a>> {
    // Streets, in walking order (the walk key sorts by normalised street first).
    let mut streets: Vec<(String, Vec<&'d Door<'a>>)> = Vec::new();
    for d in doors {
        let key = d.h.street.trim().to_lowercase();
        match streets.last_mut() {
            Some((k, members)) if *k == key => members.push(d),
            _ => streets.push((key, vec![d])),
        }
    }
    let mut pieces = Vec::new();
    for (_, members) in streets {
        street_pieces(members, n, &mut pieces);
    }
    let sizes: Vec<usize> = pieces.iter().map(|p| p.doors.len()).collect();
    let mut turfs: Vec<Packed<'d, 'a>> = Vec::new();
    let mut pieces = pieces.into_iter();
    for count in pack(&sizes, n) {
        turfs.push(Packed {
            pieces: pieces.by_ref().take(count).collect(),
        });
    }
    turfs
}

/// Most work [`pack`] spends on finding the best packing before it settles for greedy.
const PACK_WORK: usize = 20_000_000;

/// How many consecutive pieces go in each turf: every turf at most `n` doors (pieces are),
/// as full as possible. The best packing minimises the sum of each turf's squared shortfall
/// from `n`, so it never leaves two neighbouring turfs that would fit in one; when that
/// search would be too long, pieces are packed greedily (which also never does).
fn pack(sizes: &[usize], n: usize) -> Vec<usize> {
    // Work of the search: for each end, how many starts keep the turf within n.
    let mut work = 0usize;
    let (mut start, mut sum) = (0, 0);
    for (end, size) in sizes.iter().enumerate() {
        sum += size;
        while sum > n && start < end {
            sum -= sizes[start];
            start += 1;
        }
        work += end + 1 - start;
    }
    if work > PACK_WORK {
        let mut counts = Vec::new();
        let (mut count, mut sum) = (0, 0);
        for size in sizes {
            if count > 0 && sum + size > n {
                counts.push(count);
                (count, sum) = (0, 0);
            }
            count += 1;
            sum += size;
        }
        if count > 0 {
            counts.push(count);
        }
        return counts;
    }
    // best[i]: (cost, start of the last turf) for the first i pieces.
    let mut best: Vec<(u128, usize)> = vec![(0, 0); sizes.len() + 1];
    for i in 1..=sizes.len() {
        let mut sum = 0;
        let mut choice = (u128::MAX, i - 1);
        for j in (0..i).rev() {
            sum += sizes[j];
            if sum > n && j + 1 < i {
                break;
            }
            let short = n.saturating_sub(sum) as u128;
            let cost = best[j].0.saturating_add(short * short);
            if cost < choice.0 {
                choice = (cost, j);
            }
        }
        best[i] = choice;
    }
    let mut counts = Vec::new();
    let mut i = sizes.len();
    while i > 0 {
        let j = best[i].1;
        counts.push(i - j);
        i = j;
    }
    counts.reverse();
    counts
}

/// Cut one street (its doors in walking order) into pieces of at most `n`.
fn street_pieces<'d, 'a>(members: Vec<&'d Door<'a>>, n: usize, out: &mut Vec<Piece<'d, 'a>>) {
    let street = members[0].h.street.as_str();
    if members.len() <= n {
        out.push(Piece {
            street,
            range: None,
            units: None,
            doors: members,
        });
        return;
    }
    // Along the street by house number, both sides together; addresses stay whole.
    let mut along = members;
    along.sort_by_cached_key(|d| {
        let number = house_number(&d.h.number);
        (
            number.is_none(),
            number,
            d.h.number.trim().to_lowercase(),
            d.rank,
        )
    });
    let mut addresses: Vec<Vec<&'d Door<'a>>> = Vec::new();
    let mut last: Option<(Option<u64>, String)> = None;
    for d in along {
        let key = (house_number(&d.h.number), d.h.number.trim().to_lowercase());
        if last.as_ref() == Some(&key) {
            if let Some(a) = addresses.last_mut() {
                a.push(d);
                continue;
            }
        }
        addresses.push(vec![d]);
        last = Some(key);
    }
    // Atoms: whole addresses, or slices of one address's units when it alone is over n.
    let mut atoms: Vec<(Vec<&'d Door<'a>>, bool)> = Vec::new();
    for mut a in addresses {
        if a.len() <= n {
            atoms.push((a, false));
            continue;
        }
        a.sort_unstable_by_key(|d| d.rank);
        let parts = a.len().div_ceil(n);
        let mut rest = a.as_slice();
        for size in even_sizes(rest.len(), parts) {
            let (head, tail) = rest.split_at(size);
            atoms.push((head.to_vec(), true));
            rest = tail;
        }
    }
    // Contiguous ranges of atoms, each at most n, aiming at equal sizes.
    let total: usize = atoms.iter().map(|(a, _)| a.len()).sum();
    let mut remaining = total;
    let mut atoms = atoms.into_iter().peekable();
    while atoms.peek().is_some() {
        let target = remaining.div_ceil(remaining.div_ceil(n));
        let mut doors: Vec<&'d Door<'a>> = Vec::new();
        let mut unit_slice = false;
        while let Some((atom, sliced)) = atoms.peek() {
            let fits = doors.len() + atom.len() <= n;
            // Take the atom while its middle falls within the target; a slice of a big
            // building stands alone.
            let near = 2 * doors.len() + atom.len() <= 2 * target;
            if !doors.is_empty() && (*sliced || !(fits && near)) {
                break;
            }
            if let Some((atom, sliced)) = atoms.next() {
                unit_slice = sliced;
                doors.extend(atom);
            }
            if unit_slice {
                break;
            }
        }
        remaining -= doors.len();
        let numbers: Vec<Option<u64>> = doors.iter().map(|d| house_number(&d.h.number)).collect();
        let lo = numbers.iter().flatten().min().copied();
        let hi = numbers.iter().flatten().max().copied();
        let unnumbered = numbers.iter().any(Option::is_none);
        let units = unit_slice.then(|| {
            let first = doors.first().map(|d| d.h.unit.trim().to_string());
            let last = doors.last().map(|d| d.h.unit.trim().to_string());
            (first.unwrap_or_default(), last.unwrap_or_default())
        });
        out.push(Piece {
            street,
            range: Some((lo.zip(hi), unnumbered)),
            units,
            doors,
        });
    }
}

// ---------------------------------------------------------------------------------------
// By area

/// A placed household: projected coordinates and its walking rank.
#[derive(Clone, Copy)]
struct Point {
    x: f64,
    y: f64,
    index: usize,
}

fn usable(h: &CutHousehold) -> Option<(f64, f64)> {
    let (lat, lon) = (h.lat?, h.lon?);
    let ok = lat.is_finite()
        && lon.is_finite()
        && (-90.0..=90.0).contains(&lat)
        && (-180.0..=180.0).contains(&lon);
    ok.then_some((lat, lon))
}

fn by_area(doors: &[Door<'_>], n: usize) -> Cut {
    let mut placed: Vec<(usize, f64, f64)> = Vec::new();
    let mut without_coordinates = Vec::new();
    for (i, d) in doors.iter().enumerate() {
        match usable(d.h) {
            Some((lat, lon)) => placed.push((i, lat, lon)),
            None => without_coordinates.push(d.h.id),
        }
    }
    if placed.is_empty() {
        return Cut {
            turfs: Vec::new(),
            without_coordinates,
        };
    }
    // Equirectangular projection about the middle latitude: fine at turf scale.
    let (lat_min, lat_max) = placed.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| {
        (lo.min(p.1), hi.max(p.1))
    });
    let scale = ((lat_min + lat_max) / 2.0).to_radians().cos();
    let mut points: Vec<Point> = placed
        .iter()
        .map(|&(index, lat, lon)| Point {
            x: lon * scale,
            y: lat,
            index,
        })
        .collect();
    let parts = points.len().div_ceil(n);
    let mut leaves: Vec<Vec<Point>> = Vec::with_capacity(parts);
    bisect(&mut points, parts, &mut leaves);
    let turfs = leaves
        .into_iter()
        .enumerate()
        .map(|(i, mut leaf)| {
            leaf.sort_unstable_by_key(|p| p.index);
            let households: Vec<HouseholdId> = leaf.iter().map(|p| doors[p.index].h.id).collect();
            let street = main_street(leaf.iter().map(|p| doors[p.index].h.street.trim()));
            CutTurf {
                name: format!("Area {} ({street})", i + 1),
                households,
            }
        })
        .collect();
    Cut {
        turfs,
        without_coordinates,
    }
}

/// Split `points` into `parts` leaves of sizes within one of each other, cutting across the
/// longer side of their bounding box. Ties on the cut line go by walking order.
fn bisect(points: &mut [Point], parts: usize, leaves: &mut Vec<Vec<Point>>) {
    if parts <= 1 || points.len() <= 1 {
        leaves.push(points.to_vec());
        return;
    }
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for p in points.iter() {
        x0 = x0.min(p.x);
        x1 = x1.max(p.x);
        y0 = y0.min(p.y);
        y1 = y1.max(p.y);
    }
    let along_x = x1 - x0 >= y1 - y0;
    let left_parts = parts / 2;
    let left = points.len() * left_parts / parts;
    let cmp = |a: &Point, b: &Point| {
        let (ka, kb) = if along_x { (a.x, b.x) } else { (a.y, b.y) };
        ka.total_cmp(&kb).then(a.index.cmp(&b.index))
    };
    if left > 0 && left < points.len() {
        points.select_nth_unstable_by(left, cmp);
    }
    let (a, b) = points.split_at_mut(left);
    bisect(a, left_parts, leaves);
    bisect(b, parts - left_parts, leaves);
}

/// The street with the most doors (ties: first alphabetically).
fn main_street<'a>(streets: impl Iterator<Item = &'a str>) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for s in streets {
        *counts.entry(s).or_default() += 1;
    }
    let best = counts
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(s, _)| *s)
        .unwrap_or("");
    if best.is_empty() {
        "no street".into()
    } else {
        best.to_string()
    }
}

/// Make every name unique by numbering repeats: "Oak St", "Oak St (2)".
fn unique_names(turfs: &mut [CutTurf]) {
    let mut used: HashSet<String> = HashSet::with_capacity(turfs.len());
    for t in turfs.iter_mut() {
        if used.insert(t.name.clone()) {
            continue;
        }
        let mut k = 2;
        loop {
            let candidate = format!("{} ({k})", t.name);
            if used.insert(candidate.clone()) {
                t.name = candidate;
                break;
            }
            k += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(id: i64, street: &str, number: &str, unit: &str, precinct: &str) -> CutHousehold {
        CutHousehold {
            id: HouseholdId(id),
            street: street.into(),
            number: number.into(),
            unit: unit.into(),
            precinct: precinct.into(),
            lat: None,
            lon: None,
        }
    }

    /// A small town: `streets` streets of `per_street` houses on a grid, precincts by
    /// quarter, a deterministic jitter so no two houses share coordinates.
    fn town(streets: usize, per_street: usize) -> Vec<CutHousehold> {
        let mut out = Vec::new();
        let mut id = 1;
        for s in 0..streets {
            for i in 0..per_street {
                let mut d = h(
                    id,
                    &format!("Street {s:02}"),
                    &(i + 1).to_string(),
                    "",
                    &format!("{:02}-0{}", s % 4, i % 2),
                );
                let jitter = ((id * 7919) % 101) as f64 * 1e-6;
                d.lat = Some(35.0 + s as f64 * 0.001 + jitter);
                d.lon = Some(-78.9 + i as f64 * 0.0004 + jitter);
                out.push(d);
                id += 1;
            }
        }
        out
    }

    fn shuffled(v: &[CutHousehold]) -> Vec<CutHousehold> {
        // A fixed permutation: reverse, then interleave halves.
        let mut r: Vec<_> = v.iter().rev().cloned().collect();
        let half = r.split_off(r.len() / 2);
        let mut out = Vec::new();
        for i in 0..r.len().max(half.len()) {
            if let Some(x) = half.get(i) {
                out.push(x.clone());
            }
            if let Some(x) = r.get(i) {
                out.push(x.clone());
            }
        }
        out
    }

    /// Every household placed exactly once (in a turf or as unplaced).
    fn check_partition(input: &[CutHousehold], cut: &Cut) {
        let mut seen = HashSet::new();
        for t in &cut.turfs {
            assert!(!t.households.is_empty(), "empty turf {}", t.name);
            for id in &t.households {
                assert!(seen.insert(*id), "{id} twice");
            }
        }
        for id in &cut.without_coordinates {
            assert!(seen.insert(*id), "{id} twice");
        }
        assert_eq!(seen.len(), input.len());
        let names: HashSet<&str> = cut.turfs.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names.len(), cut.turfs.len(), "names are unique");
    }

    /// Each turf's households are in walking order.
    fn check_walk_order(input: &[CutHousehold], cut: &Cut) {
        let order = walk_ordered(input);
        let rank: std::collections::HashMap<HouseholdId, usize> =
            order.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        for t in &cut.turfs {
            assert!(
                t.households.windows(2).all(|w| rank[&w[0]] < rank[&w[1]]),
                "{} is not in walking order",
                t.name
            );
        }
    }

    #[test]
    fn every_mode_places_every_household_once_in_walking_order() {
        let input = town(13, 37);
        for mode in [
            CutMode::Precinct { max_doors: 50 },
            CutMode::Street { doors: 60 },
            CutMode::Area { doors: 60 },
        ] {
            let cut = cut(&input, mode).expect("cut");
            check_partition(&input, &cut);
            check_walk_order(&input, &cut);
        }
    }

    #[test]
    fn the_same_households_in_any_order_give_the_same_cut() {
        let input = town(9, 41);
        let other = shuffled(&input);
        assert_ne!(input, other);
        for mode in [
            CutMode::Precinct { max_doors: 30 },
            CutMode::Street { doors: 50 },
            CutMode::Area { doors: 45 },
        ] {
            assert_eq!(cut(&input, mode), cut(&other, mode), "{mode:?}");
        }
    }

    #[test]
    fn area_turfs_stay_within_half_to_full_size() {
        for (streets, per_street, n) in [(10, 50, 60), (7, 33, 10), (3, 3, 4), (20, 50, 999)] {
            let input = town(streets, per_street);
            let got = cut(&input, CutMode::Area { doors: n }).expect("cut");
            check_partition(&input, &got);
            let total = input.len();
            let parts = total.div_ceil(n);
            assert_eq!(got.turfs.len(), parts);
            for t in &got.turfs {
                let len = t.households.len();
                assert!(len <= n, "{} has {len} > {n}", t.name);
                if parts > 1 {
                    assert!(len >= n / 2, "{} has {len} < {}", t.name, n / 2);
                    assert!(len.abs_diff(total / parts) <= 1);
                }
            }
            assert!(got.turfs[0].name.starts_with("Area 1 (Street "));
        }
    }

    #[test]
    fn area_turfs_are_compact() {
        // Two far-apart neighbourhoods of 40 doors each, cut into turfs of 40: each turf is
        // one neighbourhood.
        let mut input = Vec::new();
        for i in 0..80 {
            let mut d = h(i, if i < 40 { "North Rd" } else { "South Rd" }, "1", "", "");
            d.number = (i % 40 + 1).to_string();
            let base = if i < 40 { 36.0 } else { 35.0 };
            d.lat = Some(base + (i % 40) as f64 * 1e-4);
            d.lon = Some(-79.0 + (i % 7) as f64 * 1e-4);
            input.push(d);
        }
        let got = cut(&shuffled(&input), CutMode::Area { doors: 40 }).expect("cut");
        assert_eq!(got.turfs.len(), 2);
        let names: Vec<&str> = got.turfs.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["Area 1 (South Rd)", "Area 2 (North Rd)"]);
    }

    #[test]
    fn households_without_coordinates_are_reported_not_dropped() {
        let mut input = town(2, 10);
        input[3].lat = None;
        input[7].lon = Some(f64::NAN);
        input[11].lat = Some(123.0);
        let got = cut(&input, CutMode::Area { doors: 5 }).expect("cut");
        check_partition(&input, &got);
        let mut missing = got.without_coordinates.clone();
        missing.sort();
        assert_eq!(missing, [input[3].id, input[7].id, input[11].id]);
        // None placed at all: no turfs, everyone reported.
        let bare: Vec<_> = (0..4).map(|i| h(i, "Oak St", "1", "", "")).collect();
        let got = cut(&bare, CutMode::Area { doors: 5 }).expect("cut");
        assert!(got.turfs.is_empty());
        assert_eq!(got.without_coordinates.len(), 4);
    }

    #[test]
    fn streets_are_packed_whole_and_long_streets_cut_by_number_range() {
        let mut input = Vec::new();
        for i in 0..240 {
            input.push(h(i, "Juniper Lane", &(i + 1).to_string(), "", "1"));
        }
        for i in 0..30 {
            input.push(h(1000 + i, "Heron Way", &(i + 1).to_string(), "", "1"));
        }
        for i in 0..20 {
            input.push(h(2000 + i, "Ibis Ct", &(i + 1).to_string(), "", "1"));
        }
        let got = cut(&input, CutMode::Street { doors: 100 }).expect("cut");
        check_partition(&input, &got);
        check_walk_order(&input, &got);
        let summary: Vec<(String, usize)> = got
            .turfs
            .iter()
            .map(|t| (t.name.clone(), t.households.len()))
            .collect();
        assert_eq!(
            summary,
            [
                ("Heron Way & Ibis Ct".to_string(), 50),
                ("Juniper Lane 1–80".to_string(), 80),
                ("Juniper Lane 81–160".to_string(), 80),
                ("Juniper Lane 161–240".to_string(), 80),
            ]
        );
        for pair in got.turfs.windows(2) {
            assert!(pair[0].households.len() + pair[1].households.len() > 100);
        }
    }

    #[test]
    fn packing_prefers_even_turfs_to_full_ones_and_crumbs() {
        // Greedy would make 60 + 50; the best packing makes 55 + 55.
        assert_eq!(pack(&[50, 5, 5, 50], 60), [2, 2]);
        assert_eq!(pack(&[59, 2, 59], 60), [1, 1, 1]);
        assert_eq!(pack(&[], 60), Vec::<usize>::new());
    }

    #[test]
    fn a_street_range_keeps_both_sides_and_whole_addresses() {
        // Numbers 1..=20 with a 3-unit building at 7: a cut never separates 7's units, and
        // each range holds both odd and even numbers.
        let mut input = Vec::new();
        for i in 1..=20 {
            input.push(h(i, "Oak St", &i.to_string(), "", ""));
        }
        for u in 1..=3 {
            input.push(h(100 + u, "Oak St", "7", &format!("{u}"), ""));
        }
        let got = cut(&input, CutMode::Street { doors: 8 }).expect("cut");
        check_partition(&input, &got);
        for t in &got.turfs {
            assert!(t.households.len() <= 8);
            let ids: HashSet<i64> = t.households.iter().map(|h| h.0).collect();
            let at_7 = [7, 101, 102, 103]
                .iter()
                .filter(|i| ids.contains(i))
                .count();
            assert!(at_7 == 0 || at_7 == 4, "address 7 split in {}", t.name);
            let odd = ids.iter().any(|i| *i < 100 && i % 2 == 1);
            let even = ids.iter().any(|i| *i < 100 && i % 2 == 0);
            assert!(odd && even, "{} has one side only", t.name);
        }
    }

    #[test]
    fn precincts_become_turfs_and_big_ones_are_cut() {
        let mut input = Vec::new();
        for i in 0..10 {
            input.push(h(i, "Oak St", &(i + 1).to_string(), "", "12-04"));
        }
        for i in 0..25 {
            input.push(h(100 + i, "Elm St", &(i + 1).to_string(), "", " 12-05 "));
        }
        input.push(h(500, "Elm St", "99", "", ""));
        let got = cut(&input, CutMode::Precinct { max_doors: 10 }).expect("cut");
        check_partition(&input, &got);
        check_walk_order(&input, &got);
        let names: Vec<&str> = got.turfs.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "No precinct",
                "Precinct 12-04",
                "Precinct 12-05 (1 of 3): Elm St 1–9",
                "Precinct 12-05 (2 of 3): Elm St 10–17",
                "Precinct 12-05 (3 of 3): Elm St 18–25",
            ]
        );
        assert!(got.turfs.iter().all(|t| t.households.len() <= 10));
    }

    #[test]
    fn one_big_building_is_cut_by_floor_in_walking_order() {
        let input: Vec<_> = (0..250)
            .map(|i| {
                let mut d = h(
                    i,
                    "Tower Blvd",
                    "500",
                    &format!("{}{:02}", i / 10 + 1, i % 10),
                    "7",
                );
                d.lat = Some(35.9);
                d.lon = Some(-78.9);
                d
            })
            .collect();
        for mode in [CutMode::Street { doors: 100 }, CutMode::Area { doors: 100 }] {
            let got = cut(&input, mode).expect("cut");
            check_partition(&input, &got);
            check_walk_order(&input, &got);
            // Turfs follow walking order: the top floors first.
            let walk = walk_ordered(&input);
            let flat: Vec<HouseholdId> = got
                .turfs
                .iter()
                .flat_map(|t| t.households.iter().copied())
                .collect();
            assert_eq!(flat, walk, "{mode:?}");
            assert!(got.turfs.iter().all(|t| t.households.len() <= 100));
        }
        let got = cut(&input, CutMode::Street { doors: 100 }).expect("cut");
        let names: Vec<&str> = got.turfs.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Tower Blvd 500, units 2500–1703",
                "Tower Blvd 500, units 1704–906",
                "Tower Blvd 500, units 907–109",
            ]
        );
    }

    #[test]
    fn empty_and_single_inputs() {
        for mode in [
            CutMode::Precinct { max_doors: 10 },
            CutMode::Street { doors: 10 },
            CutMode::Area { doors: 10 },
        ] {
            assert_eq!(cut(&[], mode), Ok(Cut::default()));
            let mut one = h(42, "Oak St", "1", "", "3");
            one.lat = Some(35.0);
            one.lon = Some(-79.0);
            let got = cut(std::slice::from_ref(&one), mode).expect("cut");
            assert_eq!(got.turfs.len(), 1);
            assert_eq!(got.turfs[0].households, [HouseholdId(42)]);
        }
        let one = [h(1, "Oak St", "1", "", "")];
        assert_eq!(
            cut(&one, CutMode::Street { doors: 0 }),
            Err(CutError::ZeroSize)
        );
        let twice = [h(1, "Oak St", "1", "", ""), h(1, "Elm St", "2", "", "")];
        assert_eq!(
            cut(&twice, CutMode::Street { doors: 5 }),
            Err(CutError::DuplicateHousehold(HouseholdId(1)))
        );
    }
}
