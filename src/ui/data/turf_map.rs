//! The lead's turf map: every held turf's households, their coordinates and their folded
//! door status (the walk list's fold), counted by state for the legend.

use std::collections::HashMap;

use groundgame_core::fold::DoorState;
use groundgame_core::TurfId;

use crate::store::{Store, StoreError};

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
}

/// Every held turf's map: its households, their coordinates and their folded status.
pub fn turf_maps(store: &Store) -> Result<Vec<TurfMap>, StoreError> {
    let mut maps = Vec::new();
    for turf in store.turfs()? {
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
        };
        for h in store.households(turf.id)? {
            let state = states.get(&h.id).copied().unwrap_or(DoorState::NotVisited);
            if let Some(i) = STATES.iter().position(|s| *s == state) {
                map.counts[i] += 1;
            }
            match (h.lat, h.lon) {
                (Some(lat), Some(lon)) if lat.is_finite() && lon.is_finite() => {
                    map.dots.push(Dot {
                        lat,
                        lon,
                        state,
                        address: format!("{} {}", super::address_line(&h), h.street),
                    })
                }
                _ => map.without_coordinates += 1,
            }
        }
        // Visited doors on top of the unvisited ones (units of a building share a spot).
        map.dots.sort_by_key(|d| d.state != DoorState::NotVisited);
        maps.push(map);
    }
    Ok(maps)
}
