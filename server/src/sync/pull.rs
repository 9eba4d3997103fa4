//! Answering a pull: for every turf in the device's scope, the rows it has not seen yet,
//! paged under one row budget for the whole response, all read from one snapshot. Turfs the
//! device holds but may no longer see are listed in `removed`, so it deletes their data.

use std::collections::HashMap;

use groundgame_core::protocol::{
    PullRequest, PullResponse, ScopePage, DEFAULT_PULL_LIMIT, MAX_PULL_LIMIT,
};
use groundgame_core::{Hlc, Turf, TurfId};
use rusqlite::Transaction;

use crate::auth::AuthDevice;
use crate::store::{
    campaigns, changes, claims, events, households, people, tombstones, turfs, SqliteStore,
    StoreError,
};

/// The turfs a device may see now: its volunteer's current assignments, or, for leads and
/// admins, every turf of the campaign.
fn scope(tx: &Transaction<'_>, who: &AuthDevice) -> Result<Vec<Turf>, StoreError> {
    if who.role.sees_whole_campaign() {
        turfs::of_campaign(tx, who.campaign)
    } else {
        let mut mine = turfs::assigned_to(tx, who.volunteer)?;
        mine.retain(|t| t.campaign == who.campaign);
        Ok(mine)
    }
}

/// One turf's page: rows with `cursor < seq <= end`, `end` chosen so at most `budget` rows.
fn turf_page(
    tx: &Transaction<'_>,
    turf: Turf,
    cursor: u64,
    budget: u32,
) -> Result<ScopePage, StoreError> {
    let after = cursor as i64;
    let household_total = households::count(tx, turf.id)?;
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
    };
    if budget == 0 {
        return Ok(empty(false));
    }
    // One more than the budget tells whether the page is the last one.
    let seqs = changes::next_seqs(tx, turf.id, after, budget + 1)?;
    let complete = seqs.len() <= budget as usize;
    let in_page = seqs.len().min(budget as usize);
    let Some(&end) = seqs[..in_page].last() else {
        return Ok(empty(true));
    };
    let (removed_households, removed_people) = tombstones::page(tx, turf.id, after, end)?;
    Ok(ScopePage {
        households: households::page(tx, turf.id, after, end)?,
        people: people::page(tx, turf.id, after, end)?,
        events: events::page(tx, turf.id, after, end)?,
        removed_households,
        removed_people,
        cursor: end as u64,
        complete,
        ..empty(complete)
    })
}

fn rows(page: &ScopePage) -> u32 {
    (page.households.len()
        + page.people.len()
        + page.events.len()
        + page.removed_households.len()
        + page.removed_people.len()) as u32
}

/// Build the pull answer inside one read transaction (`server_time` is set by [`run`]).
fn answer(
    tx: &Transaction<'_>,
    who: &AuthDevice,
    req: &PullRequest,
) -> Result<PullResponse, StoreError> {
    let held: HashMap<TurfId, u64> = req.scopes.iter().map(|s| (s.turf, s.cursor)).collect();
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
        let page = turf_page(tx, turf, cursor, budget)?;
        budget -= rows(&page).min(budget);
        has_more |= !page.complete;
        let nothing_new = page.cursor == cursor && page.complete;
        if nothing_new && !new_to_device {
            continue;
        }
        pages.push(page);
    }
    let mut campaign = campaigns::config_with_scripts(tx, who.campaign)?;
    campaign.do_not_call = claims::do_not_call_for(tx, who.campaign, who.volunteer)?;
    Ok(PullResponse {
        server_time: Hlc::ZERO,
        campaign,
        scopes: pages,
        removed,
        has_more,
    })
}

/// Answer a pull from one consistent snapshot.
pub(crate) fn run(
    store: &SqliteStore,
    who: &AuthDevice,
    req: &PullRequest,
    wall_ms: u64,
) -> Result<PullResponse, StoreError> {
    let mut response = store.read(|tx| answer(tx, who, req))?;
    response.server_time = store.server_time(wall_ms);
    Ok(response)
}
