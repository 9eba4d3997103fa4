//! Cutting a campaign's imported households into turfs: read the households no turf holds
//! yet, cut them ([`crate::turfs::cut`], pure), and create and fill the turfs in one
//! transaction. The command line and the lead API both call [`cut_unplaced`].

use groundgame_core::{CampaignId, HouseholdId, TurfId};

use crate::turfs::cut::{self, CutError, CutHousehold, CutMode};
use crate::{Store, StoreError};

/// What a cut made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CutOutcome {
    /// The new turfs: id, name, number of doors.
    pub turfs: Vec<(TurfId, String, usize)>,
    /// Households an area cut could not place for lack of coordinates (still unplaced).
    pub without_coordinates: Vec<HouseholdId>,
}

#[derive(Debug, thiserror::Error)]
pub enum CuttingError {
    #[error(transparent)]
    Cut(#[from] CutError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Cut every household of the campaign that is in no turf yet, and create the turfs.
pub fn cut_unplaced(
    store: &dyn Store,
    campaign: CampaignId,
    mode: CutMode,
) -> Result<CutOutcome, CuttingError> {
    let waiting: Vec<CutHousehold> = store
        .unplaced_households(campaign)?
        .into_iter()
        .map(|u| CutHousehold {
            id: u.id,
            street: u.street,
            number: u.number,
            unit: u.unit,
            precinct: u.precinct,
            lat: u.lat,
            lon: u.lon,
        })
        .collect();
    let cut = cut::cut(&waiting, mode)?;
    let plan: Vec<(String, Vec<HouseholdId>)> = cut
        .turfs
        .into_iter()
        .map(|t| (t.name, t.households))
        .collect();
    let ids = store.place_households(campaign, &plan)?;
    Ok(CutOutcome {
        turfs: ids
            .into_iter()
            .zip(plan)
            .map(|(id, (name, members))| (id, name, members.len()))
            .collect(),
        without_coordinates: cut.without_coordinates,
    })
}
