//! A turf's map as this device holds it: its households with their coordinates and their
//! folded door status (the walk list's fold), counted by state for the legend, and the
//! streets around them the server sent with the turf (`turf_maps`). The lead's map draws
//! every held turf; the canvasser's map screen draws one.

use std::collections::HashMap;

use groundgame_core::fold::DoorState;
use groundgame_core::map::{decode_line, distance_m, GeoPoint};
use groundgame_core::{HouseholdId, TurfId};

use crate::store::{Store, StoreError};
use crate::ui::context::Half;

/// The states in the legend's order.
pub const STATES: [DoorState; 6] = [
    DoorState::NotVisited,
    DoorState::TryAgain,
    DoorState::ComeBack,
    DoorState::Contacted,
    DoorState::Refused,
    DoorState::Closed,
];

/// One household on the map.
#[derive(Debug, Clone, PartialEq)]
pub struct Dot {
    pub id: HouseholdId,
    pub lat: f64,
    pub lon: f64,
    pub state: DoorState,
    pub address: String,
}

/// One turf's map.
#[derive(Debug, Clone, PartialEq)]
pub struct TurfMap {
    pub id: TurfId,
    pub name: String,
    pub dots: Vec<Dot>,
    pub without_coordinates: usize,
    /// Households in each state (with or without coordinates), in [`STATES`] order.
    pub counts: [usize; 6],
    /// The streets around the turf (none until the server has sent its map).
    pub streets: Vec<MapStreet>,
}

/// One stretch of a street, to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct MapStreet {
    pub name: String,
    /// A through road: drawn wider.
    pub arterial: bool,
    pub points: Vec<GeoPoint>,
}

impl TurfMap {
    /// The unvisited door nearest to `me`, with its distance in metres.
    pub fn nearest_not_visited(&self, me: GeoPoint) -> Option<(&Dot, f64)> {
        self.dots
            .iter()
            .filter(|d| d.state == DoorState::NotVisited)
            .map(|d| (d, distance_m(me, GeoPoint::new(d.lat, d.lon))))
            .min_by(|a, b| a.1.total_cmp(&b.1))
    }
}

/// The streets of a held turf's map, decoded (a line that does not decode is left out).
fn streets(store: &Store, turf: TurfId) -> Result<Vec<MapStreet>, StoreError> {
    let Some(map) = store.turf_map(turf)? else {
        return Ok(Vec::new());
    };
    Ok(map
        .lines
        .iter()
        .filter_map(|line| {
            Some(MapStreet {
                name: map.names.get(line.name as usize)?.clone(),
                arterial: line.arterial,
                points: decode_line(&line.points).filter(|p| p.len() >= 2)?,
            })
        })
        .collect())
}

/// One held turf's map (None: not held), with only the doors of `half` of its route.
pub fn turf_map(store: &Store, turf: TurfId, half: Half) -> Result<Option<TurfMap>, StoreError> {
    let Some(held) = store.turfs()?.into_iter().find(|t| t.id == turf) else {
        return Ok(None);
    };
    one(store, held, half).map(Some)
}

/// Every held turf's map: its households, their coordinates and their folded status.
pub fn turf_maps(store: &Store) -> Result<Vec<TurfMap>, StoreError> {
    store
        .turfs()?
        .into_iter()
        .map(|t| one(store, t, Half::Whole))
        .collect()
}

fn one(store: &Store, turf: crate::store::LocalTurf, half: Half) -> Result<TurfMap, StoreError> {
    let states: HashMap<_, _> = super::walk_rows(store, turf.id)?
        .into_iter()
        .map(|r| (r.id, r.state))
        .collect();
    let mut map = TurfMap {
        id: turf.id,
        name: turf.name,
        dots: Vec::new(),
        without_coordinates: 0,
        counts: [0; 6],
        streets: streets(store, turf.id)?,
    };
    let households = store.households(turf.id)?;
    let mine = &households[half.range(households.len())];
    for h in mine.iter().cloned() {
        let state = states.get(&h.id).copied().unwrap_or(DoorState::NotVisited);
        if let Some(i) = STATES.iter().position(|s| *s == state) {
            map.counts[i] += 1;
        }
        match (h.lat, h.lon) {
            (Some(lat), Some(lon)) if lat.is_finite() && lon.is_finite() => map.dots.push(Dot {
                id: h.id,
                lat,
                lon,
                state,
                address: format!("{} {}", super::address_line(&h), h.street),
            }),
            _ => map.without_coordinates += 1,
        }
    }
    // Visited doors on top of the unvisited ones (units of a building share a spot).
    map.dots.sort_by_key(|d| d.state != DoorState::NotVisited);
    Ok(map)
}
