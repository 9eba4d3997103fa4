//! What each screen reads from the local store, shaped for display. Each loader is a plain
//! function over `&Store` that runs a fixed, small number of queries whatever the turf's
//! size: the walk list reads the turf's households and the held events once and folds them
//! in memory (no query per row), so 2,000 doors stay quick.

use std::collections::HashMap;

use groundgame_core::fold::{self, DoorState, DoorStatus};
use groundgame_core::{
    CampaignConfig, Event, EventBody, Household, HouseholdId, Person, PersonId, TurfId,
};

use crate::store::{Store, StoreError};

/// A turf on the home screen.
#[derive(Debug, Clone, PartialEq)]
pub struct TurfProgress {
    pub id: TurfId,
    pub name: String,
    pub done: u32,
    /// Households in the turf on the server.
    pub total: u32,
    /// Households already on this phone (less than `total` during the first download).
    pub held: u32,
}

/// One row of the walk list.
#[derive(Debug, Clone, PartialEq)]
pub struct WalkRow {
    pub id: HouseholdId,
    pub street: String,
    /// "12B, Apt 3".
    pub address: String,
    pub state: DoorState,
    pub attempts: u32,
}

/// Everything the door screen shows.
#[derive(Debug, Clone, PartialEq)]
pub struct DoorData {
    pub household: Household,
    pub people: Vec<Person>,
    pub status: DoorStatus,
    /// Earlier contact attempts, newest first: (result key, person's name if any).
    pub history: Vec<(String, Option<String>)>,
    /// Latest support answer per person.
    pub support: HashMap<PersonId, String>,
    pub campaign: Option<CampaignConfig>,
    /// The next door in walking order, if any.
    pub next: Option<HouseholdId>,
}

/// Fold every household's events once.
fn statuses(store: &Store) -> Result<HashMap<HouseholdId, DoorStatus>, StoreError> {
    let Some(config) = store.campaign()? else {
        return Ok(HashMap::new());
    };
    let mut by_household: HashMap<HouseholdId, Vec<Event>> = HashMap::new();
    for event in store.all_events()? {
        by_household.entry(event.household).or_default().push(event);
    }
    Ok(by_household
        .into_iter()
        .map(|(id, events)| (id, fold::door_status(&events, &config)))
        .collect())
}

/// The home screen: every held turf with doors done / total.
pub fn turf_progress(store: &Store) -> Result<Vec<TurfProgress>, StoreError> {
    let statuses = statuses(store)?;
    let mut out = Vec::new();
    for turf in store.turfs()? {
        let done = store
            .households(turf.id)?
            .iter()
            .filter(|h| statuses.get(&h.id).is_some_and(DoorStatus::is_done))
            .count();
        out.push(TurfProgress {
            id: turf.id,
            name: turf.name,
            done: u32::try_from(done).unwrap_or(u32::MAX),
            total: turf.household_total.max(turf.households_held),
            held: turf.households_held,
        });
    }
    Ok(out)
}

/// "12B, Apt 3" (or the street alone when the file had no number).
pub fn address_line(h: &Household) -> String {
    let mut s = h.number.clone();
    if !h.unit.is_empty() {
        if !s.is_empty() {
            s.push_str(", ");
        }
        s.push_str(&h.unit);
    }
    if s.is_empty() {
        s = h.street.clone();
    }
    s
}

/// The walk list of a turf, in walking order.
pub fn walk_rows(store: &Store, turf: TurfId) -> Result<Vec<WalkRow>, StoreError> {
    let statuses = statuses(store)?;
    Ok(store
        .households(turf)?
        .into_iter()
        .map(|h| {
            let status = statuses
                .get(&h.id)
                .cloned()
                .unwrap_or(DoorStatus::NOT_VISITED);
            WalkRow {
                id: h.id,
                address: address_line(&h),
                street: h.street,
                state: status.state,
                attempts: status.attempts,
            }
        })
        .collect())
}

/// The name to show for a person.
pub fn full_name(p: &Person) -> String {
    format!("{} {}", p.first_name, p.last_name)
        .trim()
        .to_owned()
}

/// The door screen's data; `None` when the household is not on this phone.
pub fn door(
    store: &Store,
    turf: TurfId,
    household: HouseholdId,
) -> Result<Option<DoorData>, StoreError> {
    let households = store.households(turf)?;
    let Some(pos) = households.iter().position(|h| h.id == household) else {
        return Ok(None);
    };
    let next = households.get(pos + 1).map(|h| h.id);
    let people = store.people(household)?;
    let events = store.household_events(household)?;
    let campaign = store.campaign()?;
    let status = match &campaign {
        Some(c) => fold::door_status(&events, c),
        None => DoorStatus::NOT_VISITED,
    };
    let name_of =
        |id: Option<PersonId>| id.and_then(|id| people.iter().find(|p| p.id == id).map(full_name));
    let history = events
        .iter()
        .rev()
        .filter_map(|e| match &e.body {
            EventBody::Contact { result, .. } => Some((result.clone(), name_of(e.person))),
            _ => None,
        })
        .collect();
    let support = people
        .iter()
        .filter_map(|p| {
            fold::latest_answer(&events, p.id, groundgame_core::domain::SUPPORT_QUESTION)
                .map(|a| (p.id, a.to_owned()))
        })
        .collect();
    Ok(Some(DoorData {
        household: households[pos].clone(),
        people,
        status,
        history,
        support,
        campaign,
        next,
    }))
}
