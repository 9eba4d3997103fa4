//! What each screen reads from the local store, shaped for display. Each loader is a plain
//! function over `&Store` that runs a fixed, small number of queries whatever the turf's
//! size: the walk list reads the turf's households and the held events once and folds them
//! in memory (no query per row), so 2,000 doors stay quick; the paper walk list reads the
//! turf's people in one more query.
//!
//! Views read the store only through here (they write through the store's public API,
//! and may ask it for the clock and the app's folder): [`turf_map`] for the lead's map,
//! [`network`] for my network, and below the walk list, the door, the paper walk list and
//! the few small reads the other screens make.

pub mod calls;
pub mod network;
pub mod turf_map;

use std::collections::HashMap;

use groundgame_core::fold::{self, DoorState, DoorStatus};
use groundgame_core::{
    CampaignConfig, Event, EventBody, Household, HouseholdId, Person, PersonId, TurfId,
};

use crate::store::lead_cache::CachedLead;
use crate::store::turfs::add_people_from_events;
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
    /// Who lives there: the voter file's people, then those met at the door.
    pub people: Vec<WalkPerson>,
}

/// A person as the walk list's row names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkPerson {
    pub name: String,
    pub birth_year: Option<u16>,
    /// Their latest answer to the support question ("1" strong support … "5" strong
    /// against), by anyone on the campaign.
    pub support: Option<String>,
}

/// One line of a door's history: a contact attempt (its result key, who answered) with the
/// note left with it, or a note on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    pub result: Option<String>,
    pub who: Option<String>,
    pub note: Option<String>,
}

/// Everything the door screen shows.
#[derive(Debug, Clone, PartialEq)]
pub struct DoorData {
    pub household: Household,
    pub people: Vec<Person>,
    pub status: DoorStatus,
    /// Earlier contact attempts and notes, newest first, including teammates' once synced.
    pub history: Vec<HistoryEntry>,
    /// Latest support answer per person.
    pub support: HashMap<PersonId, String>,
    pub campaign: Option<CampaignConfig>,
    /// The next door in walking order, if any.
    pub next: Option<HouseholdId>,
}

/// One door of the paper walk list.
#[derive(Debug, Clone, PartialEq)]
pub struct PrintDoor {
    pub household: Household,
    /// From the voter file, then those met at the door.
    pub people: Vec<Person>,
    pub status: DoorStatus,
}

/// Everything the paper walk list of a turf shows.
#[derive(Debug, Clone, PartialEq)]
pub struct PrintSheet {
    pub turf_name: String,
    pub campaign: Option<CampaignConfig>,
    /// In walking order (the walk list screen's order).
    pub doors: Vec<PrintDoor>,
}

/// Every held event, by household (in the shared order within each).
fn events_by_household(store: &Store) -> Result<HashMap<HouseholdId, Vec<Event>>, StoreError> {
    let mut by_household: HashMap<HouseholdId, Vec<Event>> = HashMap::new();
    for event in store.all_events()? {
        by_household.entry(event.household).or_default().push(event);
    }
    Ok(by_household)
}

/// Fold every household's events once.
fn statuses(store: &Store) -> Result<HashMap<HouseholdId, DoorStatus>, StoreError> {
    let Some(config) = store.campaign()? else {
        return Ok(HashMap::new());
    };
    Ok(events_by_household(store)?
        .into_iter()
        .map(|(id, events)| (id, fold::door_status(&events, &config)))
        .collect())
}

/// The paper walk list of a turf; `None` when the turf is not on this phone. Four queries
/// whatever the turf's size: the turf, its households, its people, the held events.
pub fn print_sheet(store: &Store, turf: TurfId) -> Result<Option<PrintSheet>, StoreError> {
    let Some(local) = store.turfs()?.into_iter().find(|t| t.id == turf) else {
        return Ok(None);
    };
    let campaign = store.campaign()?;
    let mut people: HashMap<HouseholdId, Vec<Person>> = HashMap::new();
    for person in store.turf_people(turf)? {
        people.entry(person.household).or_default().push(person);
    }
    let events = events_by_household(store)?;
    let doors = store
        .households(turf)?
        .into_iter()
        .map(|household| {
            let mut here = people.remove(&household.id).unwrap_or_default();
            let held = events.get(&household.id).map_or(&[][..], Vec::as_slice);
            add_people_from_events(&mut here, household.id, held);
            let status = match &campaign {
                Some(config) => fold::door_status(held, config),
                None => DoorStatus::NOT_VISITED,
            };
            PrintDoor {
                household,
                people: here,
                status,
            }
        })
        .collect();
    Ok(Some(PrintSheet {
        turf_name: local.name,
        campaign,
        doors,
    }))
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
    let config = store.campaign()?;
    let events = events_by_household(store)?;
    let mut people: HashMap<HouseholdId, Vec<Person>> = HashMap::new();
    for person in store.turf_people(turf)? {
        people.entry(person.household).or_default().push(person);
    }
    Ok(store
        .households(turf)?
        .into_iter()
        .map(|h| {
            let held = events.get(&h.id).map_or(&[][..], Vec::as_slice);
            let status = match &config {
                Some(config) => fold::door_status(held, config),
                None => DoorStatus::NOT_VISITED,
            };
            let mut here = people.remove(&h.id).unwrap_or_default();
            add_people_from_events(&mut here, h.id, held);
            WalkRow {
                id: h.id,
                address: address_line(&h),
                street: h.street,
                state: status.state,
                attempts: status.attempts,
                people: here
                    .iter()
                    .map(|p| WalkPerson {
                        name: full_name(p),
                        birth_year: p.birth_year,
                        support: fold::latest_answer(held, p.id, "support").map(str::to_owned),
                    })
                    .collect(),
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
    let history = door_history(&events, &name_of);
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

/// The door's history, newest first: each contact attempt with the note left with it, and
/// notes that belong to no attempt on their own.
fn door_history(
    events: &[groundgame_core::Event],
    name_of: &dyn Fn(Option<PersonId>) -> Option<String>,
) -> Vec<HistoryEntry> {
    let attempts: std::collections::HashSet<groundgame_core::EventId> = events
        .iter()
        .filter(|e| matches!(e.body, EventBody::Contact { .. }))
        .map(|e| e.id)
        .collect();
    let note_of = |attempt: groundgame_core::EventId| {
        events.iter().find_map(|e| match &e.body {
            EventBody::Note {
                attempt: Some(a),
                text,
            } if *a == attempt => Some(text.clone()),
            _ => None,
        })
    };
    events
        .iter()
        .rev()
        .filter_map(|e| match &e.body {
            EventBody::Contact { result, .. } => Some(HistoryEntry {
                result: Some(result.clone()),
                who: name_of(e.person),
                note: note_of(e.id),
            }),
            EventBody::Note { attempt, text }
                if !attempt.is_some_and(|a| attempts.contains(&a)) =>
            {
                Some(HistoryEntry {
                    result: None,
                    who: name_of(e.person),
                    note: Some(text.clone()),
                })
            }
            _ => None,
        })
        .collect()
}

/// Whether this device's volunteer sees the whole campaign (a lead or an admin).
pub fn is_lead(store: &Store) -> bool {
    store
        .identity()
        .ok()
        .flatten()
        .is_some_and(|i| i.role.sees_whole_campaign())
}

/// This device's id, once it has joined.
pub fn this_device(store: &Store) -> Option<groundgame_core::DeviceId> {
    store.identity().ok().flatten().map(|i| i.device)
}

/// The lead's views as last fetched, when there are any (a cache that cannot be read is
/// logged and treated as none: the next refresh replaces it).
pub fn lead_snapshot(store: &Store) -> Option<CachedLead> {
    store.lead_snapshot().unwrap_or_else(|e| {
        tracing::warn!("lead cache: {e}");
        None
    })
}

/// The unsaved door form kept for `household` (its JSON), when there is one. A failed
/// read is logged and treated as none: the door opens with a fresh form.
pub fn door_draft(store: &Store, household: HouseholdId) -> Option<String> {
    store.draft(household).unwrap_or_else(|e| {
        tracing::warn!(household = household.0, error = %e, "door draft not read");
        None
    })
}

/// The unsaved call form kept for `person` on `list` (its JSON), when there is one; a
/// failed read is logged and treated as none.
pub fn call_draft(
    store: &Store,
    list: groundgame_core::CallListId,
    person: PersonId,
) -> Option<String> {
    store.call_draft(list, person).unwrap_or_else(|e| {
        tracing::warn!(list = list.0, error = %e, "call draft not read");
        None
    })
}

/// Whether this device holds any call list (the home screen's phone-bank entry).
pub fn has_call_lists(store: &Store) -> bool {
    store.call_lists().is_ok_and(|l| !l.is_empty())
}

/// The name of a turf this device holds, when it holds it.
pub fn turf_name(store: &Store, turf: TurfId) -> Result<Option<String>, StoreError> {
    Ok(store
        .turfs()?
        .into_iter()
        .find(|t| t.id == turf)
        .map(|t| t.name))
}
