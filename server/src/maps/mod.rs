//! Maps with no network: a campaign's streets and address points read from an
//! OpenStreetMap extract ([`osm`]), and households placed on them ([`place`]).

pub mod osm;
pub mod place;
pub mod turf;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use groundgame_core::CampaignId;

use crate::import::geocode::GeoRow;
use crate::import::ImportError;
use crate::ops::import_file::Report;
use crate::store::{Store, StoreError};
use place::{Gazetteer, Placement, Unplaced};

/// What `streets` loaded.
#[derive(Debug, Clone)]
pub struct StreetsSummary {
    pub streets: u64,
    /// Distinct street names.
    pub names: u64,
    pub address_points: u64,
    pub unnamed_ways: u64,
    pub ways_without_geometry: u64,
    pub bad_addresses: u64,
}

impl fmt::Display for StreetsSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "streets:          {} ways, {} names",
            self.streets, self.names
        )?;
        writeln!(f, "address points:   {}", self.address_points)?;
        writeln!(
            f,
            "left out:         {} unnamed ways, {} ways cut off at the extract's edge, {} \
             incomplete addresses",
            self.unnamed_ways, self.ways_without_geometry, self.bad_addresses
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MapError {
    #[error(transparent)]
    Osm(#[from] osm::OsmError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error(
        "the campaign has no map yet, or the extract holds no named street: load the area's \
         OpenStreetMap extract (is it the right area?)"
    )]
    NoStreets,
}

/// Read an extract and make it the campaign's map (replacing the one before), in one
/// transaction.
pub fn load_streets(
    store: &dyn Store,
    campaign: CampaignId,
    file: &Path,
) -> Result<StreetsSummary, MapError> {
    let extract = osm::read(file)?;
    if extract.streets.is_empty() {
        return Err(MapError::NoStreets);
    }
    store.replace_map(campaign, &extract.streets, &extract.points)?;
    let names: std::collections::HashSet<&str> =
        extract.streets.iter().map(|s| s.key.as_str()).collect();
    Ok(StreetsSummary {
        streets: extract.streets.len() as u64,
        names: names.len() as u64,
        address_points: extract.points.len() as u64,
        unnamed_ways: extract.unnamed_ways,
        ways_without_geometry: extract.ways_without_geometry,
        bad_addresses: extract.bad_addresses,
    })
}

/// What `geocode --from-streets` did.
#[derive(Debug, Clone, Default)]
pub struct PlacedSummary {
    pub households: u64,
    pub exact: u64,
    pub interpolated: u64,
    pub not_found: BTreeMap<Unplaced, u64>,
    /// Of those placed, how many got a new location (the rest already had it).
    pub updated: u64,
    pub sent_to_devices: u64,
}

impl fmt::Display for PlacedSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "households:       {}", self.households)?;
        writeln!(f, "placed exactly:   {}", self.exact)?;
        writeln!(f, "interpolated:     {}", self.interpolated)?;
        let missing: u64 = self.not_found.values().sum();
        writeln!(f, "not found:        {missing}")?;
        for (why, n) in &self.not_found {
            writeln!(f, "  {n:>6}  {}", why.reason())?;
        }
        writeln!(
            f,
            "locations set:    {} ({} sent to devices)",
            self.updated, self.sent_to_devices
        )
    }
}

/// Place every household of the campaign on its map, as `geocode --from-streets` does,
/// writing the households not placed to a report file (address, reason).
pub fn geocode_from_streets(
    store: &dyn Store,
    campaign: CampaignId,
    report: PathBuf,
) -> Result<(PlacedSummary, PathBuf), MapError> {
    let mut out = Report::create(report, &["address", "reason"])?;
    let placed = place_from_streets(store, campaign, &mut |address, why| {
        out.line(&[address, why.reason()])
    });
    match placed {
        Ok(summary) => Ok((summary, out.keep()?.0)),
        Err(e) => {
            out.discard();
            Err(e)
        }
    }
}

/// Place every household of the campaign on its map, in one transaction; `unplaced` hears
/// each household not placed (its address, the reason).
pub fn place_from_streets(
    store: &dyn Store,
    campaign: CampaignId,
    unplaced: &mut dyn FnMut(&str, Unplaced) -> std::io::Result<()>,
) -> Result<PlacedSummary, MapError> {
    let (streets, points) = store.map(campaign)?;
    if streets.is_empty() {
        return Err(MapError::NoStreets);
    }
    let gazetteer = Gazetteer::new(&streets, &points);
    let households = store.household_addresses(campaign)?;
    let mut summary = PlacedSummary {
        households: households.len() as u64,
        ..PlacedSummary::default()
    };
    let mut rows = Vec::new();
    for (i, h) in households.iter().enumerate() {
        let at = match gazetteer.place(&h.number, &h.street) {
            Placement::Exact(at) => {
                summary.exact += 1;
                at
            }
            Placement::Interpolated(at) => {
                summary.interpolated += 1;
                at
            }
            Placement::NotFound(why) => {
                *summary.not_found.entry(why).or_default() += 1;
                let address = format!("{} {}", h.number, h.street);
                unplaced(address.trim(), why).map_err(ImportError::Report)?;
                continue;
            }
        };
        rows.push(Ok(GeoRow::Location {
            row: i as u64 + 1,
            key: h.key.clone(),
            lat: at.lat,
            lon: at.lon,
        }));
    }
    let done = store.set_locations(campaign, &mut rows.into_iter(), &mut |_, _| Ok(()))?;
    summary.updated = done.updated;
    summary.sent_to_devices = done.sent_to_devices;
    Ok(summary)
}
