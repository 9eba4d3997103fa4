//! The sync spine on the embedded backend: the shared push and pull rules (`crate::sync`)
//! run over this backend's rows. The one writer connection serialises write transactions,
//! so the server-wide counter in `sync_state` hands out feed numbers in commit order.

use std::collections::HashMap;

use groundgame_core::map::{Bounds, Street};
use groundgame_core::protocol::{
    PullRequest, PullResponse, PushOutcome, PushRequest, PushResponse,
};
use groundgame_core::{
    CampaignConfig, CampaignId, DeviceId, Event, EventId, Hlc, Household, HouseholdId, Person,
    PersonId, Turf, TurfId, VolunteerId,
};
use rusqlite::Transaction;

use super::{
    campaigns, changes, claims, devices, events, held, households, people, sequence, tombstones,
    turfs, SqliteStore,
};
use crate::http::auth::AuthDevice;
use crate::store::{NewPerson, PushRef, StoreError};
use crate::sync::pull::{self, PullTx, Removed};
use crate::sync::push::{self, NewEvent, PhoneOutcome, PushTx, StoredEvent, Tenure};

/// A write or read transaction seen through the rules' look-up traits.
pub(crate) struct Rows<'a, 'c>(&'a Transaction<'c>);

/// `tx` seen through the rules' look-up traits.
pub(crate) fn rows<'a, 'c>(tx: &'a Transaction<'c>) -> Rows<'a, 'c> {
    Rows(tx)
}

impl PushTx for Rows<'_, '_> {
    fn campaign_config(&mut self, campaign: CampaignId) -> Result<CampaignConfig, StoreError> {
        campaigns::config(self.0, campaign)
    }
    fn ever_assigned(
        &mut self,
        volunteer: VolunteerId,
    ) -> Result<HashMap<TurfId, Tenure>, StoreError> {
        turfs::ever_assigned(self.0, volunteer)
    }
    fn household_turf(
        &mut self,
        household: HouseholdId,
    ) -> Result<Option<(TurfId, CampaignId)>, StoreError> {
        households::lookup(self.0, household)
    }
    fn household_home(
        &mut self,
        household: HouseholdId,
    ) -> Result<Option<(Option<TurfId>, CampaignId)>, StoreError> {
        claims::household_home(self.0, household)
    }
    fn household_of(&mut self, person: PersonId) -> Result<Option<HouseholdId>, StoreError> {
        people::household_of(self.0, person)
    }
    fn call_scope(
        &mut self,
        person: PersonId,
        volunteer: VolunteerId,
    ) -> Result<Option<Tenure>, StoreError> {
        claims::call_scope(self.0, person, volunteer)
    }
    fn stored_event(&mut self, id: EventId) -> Result<Option<StoredEvent>, StoreError> {
        events::stored(self.0, id)
    }
    fn held_event(&mut self, id: EventId) -> Result<Option<StoredEvent>, StoreError> {
        held::stored(self.0, id)
    }
    fn insert_held(&mut self, e: &NewEvent<'_>) -> Result<(), StoreError> {
        held::insert(self.0, e)
    }
    fn held_person(&mut self, person: PersonId) -> Result<Option<HouseholdId>, StoreError> {
        held::person_household(self.0, person)
    }
    fn begin_feed(&mut self, _campaign: CampaignId) -> Result<(i64, Hlc), StoreError> {
        // One server-wide counter: it is also increasing within every campaign. One process
        // owns the file, so its clock already knows every time it accepted.
        Ok((sequence::last(self.0)?, Hlc::ZERO))
    }
    fn end_feed(&mut self, _campaign: CampaignId, last: i64) -> Result<(), StoreError> {
        sequence::set_last(self.0, last)
    }
    fn insert_event(&mut self, e: &NewEvent<'_>) -> Result<bool, StoreError> {
        events::insert(self.0, e)
    }
    fn insert_person(
        &mut self,
        seq: i64,
        id: PersonId,
        campaign: CampaignId,
        household: HouseholdId,
        turf: TurfId,
        person: &NewPerson,
    ) -> Result<(), StoreError> {
        people::insert(self.0, seq, id, campaign, household, turf, person)
    }
    fn record_phone_result(
        &mut self,
        person: PersonId,
        outcome: PhoneOutcome,
        at_ms: u64,
        caller: VolunteerId,
    ) -> Result<(), StoreError> {
        claims::record_phone_result(self.0, person, outcome, at_ms, caller)
    }
    fn free_claim(&mut self, person: PersonId, device: DeviceId) -> Result<(), StoreError> {
        self.0
            .prepare_cached("DELETE FROM call_claims WHERE person_id = ?1 AND device_id = ?2")?
            .execute(rusqlite::params![person, device.0])?;
        Ok(())
    }
    fn do_not_call_person(
        &mut self,
        campaign: CampaignId,
        person: PersonId,
        source: &push::DoNotCallSource,
        now_ms: u64,
    ) -> Result<(), StoreError> {
        claims::do_not_call_person(self.0, campaign, person, source, now_ms).map(|_| ())
    }
    fn calls_any_list(&mut self, volunteer: VolunteerId) -> Result<bool, StoreError> {
        claims::calls_any_list(self.0, volunteer)
    }
    fn save_clock(&mut self, _campaign: CampaignId, last: Hlc) -> Result<(), StoreError> {
        sequence::save_hlc(self.0, last)
    }
    fn record_push(
        &mut self,
        device: DeviceId,
        now_ms: u64,
        pending: u32,
        app_version: Option<&str>,
    ) -> Result<(), StoreError> {
        devices::record_push(self.0, device, now_ms, pending, app_version)
    }
}

impl PullTx for Rows<'_, '_> {
    fn map_revision(&mut self, campaign: CampaignId) -> Result<Option<i64>, StoreError> {
        super::map::revision(self.0, campaign)
    }
    fn turf_bounds(&mut self, turf: TurfId) -> Result<Option<Bounds>, StoreError> {
        super::map::turf_bounds(self.0, turf)
    }
    fn streets_within(
        &mut self,
        campaign: CampaignId,
        b: &Bounds,
    ) -> Result<Vec<Street>, StoreError> {
        super::map::streets_within(self.0, campaign, b)
    }
    fn campaign_turfs(&mut self, campaign: CampaignId) -> Result<Vec<Turf>, StoreError> {
        turfs::of_campaign(self.0, campaign)
    }
    fn assigned_turfs(&mut self, volunteer: VolunteerId) -> Result<Vec<Turf>, StoreError> {
        turfs::assigned_to(self.0, volunteer)
    }
    fn household_count(&mut self, turf: TurfId) -> Result<u32, StoreError> {
        households::count(self.0, turf)
    }
    fn next_seqs(&mut self, turf: TurfId, after: i64, limit: u32) -> Result<Vec<i64>, StoreError> {
        changes::next_seqs(self.0, turf, after, limit)
    }
    fn households(
        &mut self,
        turf: TurfId,
        after: i64,
        upto: i64,
    ) -> Result<Vec<Household>, StoreError> {
        households::page(self.0, turf, after, upto)
    }
    fn people(&mut self, turf: TurfId, after: i64, upto: i64) -> Result<Vec<Person>, StoreError> {
        people::page(self.0, turf, after, upto)
    }
    fn events(&mut self, turf: TurfId, after: i64, upto: i64) -> Result<Vec<Event>, StoreError> {
        events::page(self.0, turf, after, upto)
    }
    fn removed(&mut self, turf: TurfId, after: i64, upto: i64) -> Result<Removed, StoreError> {
        tombstones::page(self.0, turf, after, upto)
    }
    fn config_with_scripts(&mut self, campaign: CampaignId) -> Result<CampaignConfig, StoreError> {
        campaigns::config_with_scripts(self.0, campaign)
    }
    fn do_not_call_for(
        &mut self,
        campaign: CampaignId,
        volunteer: VolunteerId,
    ) -> Result<Vec<String>, StoreError> {
        claims::do_not_call_for(self.0, campaign, volunteer)
    }
}

/// Apply a push in its own write transaction and answer it.
pub(crate) fn push(
    store: &SqliteStore,
    who: &AuthDevice,
    req: &PushRequest,
    app_version: Option<&str>,
    wall_ms: u64,
) -> Result<PushResponse, StoreError> {
    let one = PushRef {
        who,
        req,
        app_version,
        wall_ms,
    };
    push_all(store, &[one])
        .pop()
        .unwrap_or_else(|| Err(StoreError::Corrupt("a push went unanswered".into())))
}

/// Apply pushes that arrived together in one write transaction, with one commit — one
/// fsync — for all of them. Each is answered exactly as if it had been applied alone in
/// this order. A campaign's pushes are applied together in one savepoint, sharing its
/// rules, feed and clock ([`push::apply_many`]); if that fails, they are applied again one
/// by one, each in its own savepoint, so only the push at fault fails.
pub(crate) fn push_all(
    store: &SqliteStore,
    jobs: &[PushRef<'_>],
) -> Vec<Result<PushResponse, StoreError>> {
    let mut clock = store.clock_snapshot();
    let alone = jobs.len() == 1;
    let pushed = |i: usize| {
        let job = jobs[i];
        push::Pushed {
            who: job.who,
            events: &job.req.events,
            pending: job.req.pending,
            app_version: job.app_version,
            wall_ms: job.wall_ms,
        }
    };
    // Each campaign's pushes in arrival order.
    let mut campaigns: Vec<Vec<usize>> = Vec::new();
    for (i, job) in jobs.iter().enumerate() {
        match campaigns
            .iter_mut()
            .find(|c| jobs[c[0]].who.campaign == job.who.campaign)
        {
            Some(c) => c.push(i),
            None => campaigns.push(vec![i]),
        }
    }
    let outcomes = store.write(|tx| {
        let mut outcomes: Vec<Option<Result<Vec<PushOutcome>, StoreError>>> =
            (0..jobs.len()).map(|_| None).collect();
        for run in &campaigns {
            let group: Vec<_> = run.iter().map(|&i| pushed(i)).collect();
            if alone {
                // Alone, a failure rolls the whole transaction back.
                let mut answers = push::apply_many(&mut Rows(tx), &group, &mut clock)?;
                outcomes[run[0]] = answers.pop().map(Ok);
                continue;
            }
            // The campaign's pushes together, in one savepoint ...
            tx.execute_batch("SAVEPOINT pushes")?;
            if let Ok(answers) = push::apply_many(&mut Rows(tx), &group, &mut clock) {
                tx.execute_batch("RELEASE pushes")?;
                for (&i, answer) in run.iter().zip(answers) {
                    outcomes[i] = Some(Ok(answer));
                }
                continue;
            }
            tx.execute_batch("ROLLBACK TO pushes; RELEASE pushes")?;
            // ... and if that failed, one by one, so only the push at fault fails.
            for &i in run {
                tx.execute_batch("SAVEPOINT push")?;
                match push::apply_many(&mut Rows(tx), &[pushed(i)], &mut clock) {
                    Ok(mut answers) => {
                        tx.execute_batch("RELEASE push")?;
                        outcomes[i] = answers.pop().map(Ok);
                    }
                    Err(e) => {
                        tx.execute_batch("ROLLBACK TO push; RELEASE push")?;
                        outcomes[i] = Some(Err(e));
                    }
                }
            }
        }
        Ok(outcomes)
    });
    let outcomes = match outcomes {
        Ok(outcomes) => outcomes,
        // Nothing was committed: every push of the group gets the failure.
        Err(e) => return jobs.iter().map(|_| Err(e.duplicate())).collect(),
    };
    store.clock_merge(clock.last());
    outcomes
        .into_iter()
        .zip(jobs)
        .map(|(outcome, job)| {
            let outcome = outcome.unwrap_or_else(|| {
                Err(StoreError::Corrupt(
                    "a push of the group was skipped".into(),
                ))
            });
            outcome.map(|results| push::response(results, store.server_time(job.wall_ms)))
        })
        .collect()
}

/// Answer a pull from one consistent snapshot.
pub(crate) fn pull(
    store: &SqliteStore,
    who: &AuthDevice,
    req: &PullRequest,
    wall_ms: u64,
) -> Result<PullResponse, StoreError> {
    let mut response = store.read(|tx| pull::answer(&mut Rows(tx), who, req))?;
    response.server_time = store.server_time(wall_ms);
    Ok(response)
}
