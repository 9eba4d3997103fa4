//! Answering a pull: for every turf in the device's scope, the rows it has not seen yet,
//! paged under one row budget for the whole response, all read from one snapshot. Turfs the
//! device holds but may no longer see are listed in `removed`, so it deletes their data.

use std::collections::HashMap;

use groundgame_core::map::{Bounds, Street};
use groundgame_core::protocol::{
    PullRequest, PullResponse, ScopePage, TurfMap, DEFAULT_PULL_LIMIT, MAX_PULL_LIMIT,
};
use groundgame_core::{
    CampaignConfig, CampaignId, Event, EventId, Hlc, Household, HouseholdId, Person, PersonId,
    Turf, TurfId, VolunteerId,
};

use crate::http::auth::AuthDevice;
use crate::maps::turf as turf_map;
use crate::store::StoreError;

/// The look-ups a pull needs, all inside one read snapshot of a backend. Feed numbers are
/// per turf's campaign: a row's `seq` is above every row of the campaign that committed
/// before it.
pub(crate) trait PullTx {
    /// Every turf of the campaign.
    fn campaign_turfs(&mut self, campaign: CampaignId) -> Result<Vec<Turf>, StoreError>;
    /// The turfs assigned to the volunteer now.
    fn assigned_turfs(&mut self, volunteer: VolunteerId) -> Result<Vec<Turf>, StoreError>;
    fn household_count(&mut self, turf: TurfId) -> Result<u32, StoreError>;
    /// The first `limit` feed numbers of the turf above `after`, ascending.
    fn next_seqs(&mut self, turf: TurfId, after: i64, limit: u32) -> Result<Vec<i64>, StoreError>;
    fn households(
        &mut self,
        turf: TurfId,
        after: i64,
        upto: i64,
    ) -> Result<Vec<Household>, StoreError>;
    fn people(&mut self, turf: TurfId, after: i64, upto: i64) -> Result<Vec<Person>, StoreError>;
    fn events(&mut self, turf: TurfId, after: i64, upto: i64) -> Result<Vec<Event>, StoreError>;
    /// Households, people and dismissed records that left the turf in `after < seq <= upto`.
    fn removed(&mut self, turf: TurfId, after: i64, upto: i64) -> Result<Removed, StoreError>;
    /// The campaign's config with the latest version of each script.
    fn config_with_scripts(&mut self, campaign: CampaignId) -> Result<CampaignConfig, StoreError>;
    /// The campaign's map as loaded (None: no streets loaded).
    fn map_revision(&mut self, campaign: CampaignId) -> Result<Option<i64>, StoreError>;
    /// The box of the turf's placed households (None: none placed).
    fn turf_bounds(&mut self, turf: TurfId) -> Result<Option<Bounds>, StoreError>;
    /// The campaign's streets whose box meets `b`.
    fn streets_within(
        &mut self,
        campaign: CampaignId,
        b: &Bounds,
    ) -> Result<Vec<Street>, StoreError>;
    /// The do-not-call numbers this volunteer's device must hold.
    fn do_not_call_for(
        &mut self,
        campaign: CampaignId,
        volunteer: VolunteerId,
    ) -> Result<Vec<String>, StoreError>;
}

/// What left a turf in a stretch of its feed (its tombstones).
#[derive(Debug, Default)]
pub(crate) struct Removed {
    pub households: Vec<HouseholdId>,
    pub people: Vec<PersonId>,
    /// Held records a lead dismissed.
    pub events: Vec<EventId>,
}

/// The turfs a device may see now: its volunteer's current assignments, or, for leads and
/// admins, every turf of the campaign.
fn scope(tx: &mut dyn PullTx, who: &AuthDevice) -> Result<Vec<Turf>, StoreError> {
    if who.role.sees_whole_campaign() {
        tx.campaign_turfs(who.campaign)
    } else {
        let mut mine = tx.assigned_turfs(who.volunteer)?;
        mine.retain(|t| t.campaign == who.campaign);
        Ok(mine)
    }
}

/// One turf's page: rows with `cursor < seq <= end`, `end` chosen so at most `budget` rows.
fn turf_page(
    tx: &mut dyn PullTx,
    turf: Turf,
    cursor: u64,
    budget: u32,
) -> Result<ScopePage, StoreError> {
    let after = cursor as i64;
    let household_total = tx.household_count(turf.id)?;
    let empty = |complete| ScopePage {
        turf: turf.clone(),
        cursor,
        complete,
        household_total,
        households: Vec::new(),
        people: Vec::new(),
        events: Vec::new(),
        removed_households: Vec::new(),
        removed_people: Vec::new(),
        removed_events: Vec::new(),
        map: None,
    };
    if budget == 0 {
        return Ok(empty(false));
    }
    // One more than the budget tells whether the page is the last one.
    let seqs = tx.next_seqs(turf.id, after, budget + 1)?;
    let complete = seqs.len() <= budget as usize;
    let in_page = seqs.len().min(budget as usize);
    let Some(&end) = seqs[..in_page].last() else {
        return Ok(empty(true));
    };
    let removed = tx.removed(turf.id, after, end)?;
    Ok(ScopePage {
        households: tx.households(turf.id, after, end)?,
        people: tx.people(turf.id, after, end)?,
        events: tx.events(turf.id, after, end)?,
        removed_households: removed.households,
        removed_people: removed.people,
        removed_events: removed.events,
        cursor: end as u64,
        complete,
        ..empty(complete)
    })
}

/// The turf's map if the device should get it: the map when it holds none or another, an
/// empty one tagged [`turf_map::NO_MAP`] when it holds one and the turf has none now (the
/// campaign's map is gone, or no door of the turf is placed), None when it holds this one.
fn map_for(
    tx: &mut dyn PullTx,
    turf: &Turf,
    revision: Option<i64>,
    held: Option<u64>,
) -> Result<Option<TurfMap>, StoreError> {
    let frame = match revision {
        Some(_) => tx
            .turf_bounds(turf.id)?
            .map(|doors| turf_map::frame(&doors)),
        None => None,
    };
    let (Some(revision), Some(frame)) = (revision, frame) else {
        return Ok(held.map(|_| TurfMap {
            tag: turf_map::NO_MAP,
            names: Vec::new(),
            lines: Vec::new(),
        }));
    };
    let tag = turf_map::tag(revision, &frame);
    if held == Some(tag) {
        return Ok(None);
    }
    let streets = tx.streets_within(turf.campaign, &frame)?;
    Ok(Some(turf_map::build(tag, &frame, &streets)))
}

fn rows(page: &ScopePage) -> u32 {
    (page.households.len()
        + page.people.len()
        + page.events.len()
        + page.removed_households.len()
        + page.removed_people.len()
        + page.removed_events.len()) as u32
}

/// Build the pull answer inside one read transaction (`server_time` is set by the caller,
/// after the snapshot).
pub(crate) fn answer(
    tx: &mut dyn PullTx,
    who: &AuthDevice,
    req: &PullRequest,
) -> Result<PullResponse, StoreError> {
    let held: HashMap<TurfId, u64> = req.scopes.iter().map(|s| (s.turf, s.cursor)).collect();
    let held_maps: HashMap<TurfId, u64> = req
        .scopes
        .iter()
        .filter_map(|s| s.map.map(|m| (s.turf, m)))
        .collect();
    // Read once, and only for an app that draws maps.
    let revision = if req.maps {
        tx.map_revision(who.campaign)?
    } else {
        None
    };
    let visible = scope(tx, who)?;
    let mut removed: Vec<TurfId> = held
        .keys()
        .filter(|t| !visible.iter().any(|v| v.id == **t))
        .copied()
        .collect();
    removed.sort();

    let mut budget = req
        .limit
        .unwrap_or(DEFAULT_PULL_LIMIT)
        .clamp(1, MAX_PULL_LIMIT);
    let mut pages = Vec::new();
    let mut has_more = false;
    for turf in visible {
        let cursor = held.get(&turf.id).copied().unwrap_or(0);
        let new_to_device = cursor == 0;
        if budget == 0 && !new_to_device {
            // Skipped for budget: whether it has changes is for the next pull to find out.
            has_more = true;
            continue;
        }
        let mut page = turf_page(tx, turf, cursor, budget)?;
        budget -= rows(&page).min(budget);
        has_more |= !page.complete;
        if req.maps {
            // A map counts its lines against the budget; with none left it waits for the
            // next pull (and this response, which spent the budget, moved something).
            if let Some(map) = map_for(
                tx,
                &page.turf,
                revision,
                held_maps.get(&page.turf.id).copied(),
            )? {
                if budget > 0 {
                    budget -= (map.lines.len().max(1) as u32).min(budget);
                    page.map = Some(map);
                } else {
                    has_more = true;
                }
            }
        }
        let nothing_new = page.cursor == cursor && page.complete && page.map.is_none();
        if nothing_new && !new_to_device {
            continue;
        }
        pages.push(page);
    }
    let mut campaign = tx.config_with_scripts(who.campaign)?;
    campaign.do_not_call = tx.do_not_call_for(who.campaign, who.volunteer)?;
    Ok(PullResponse {
        server_time: Hlc::ZERO,
        campaign,
        scopes: pages,
        removed,
        has_more,
    })
}
