//! The sync spine on PostgreSQL: the shared push and pull rules (`crate::sync`) over this
//! backend's rows. A push locks its campaign's feed row first (see the module doc of
//! `store::postgres`), so its feed numbers follow every commit before it.

use std::collections::{HashMap, HashSet};

use groundgame_core::map::{Bounds, Street};
use groundgame_core::protocol::{PullRequest, PullResponse, PushOutcome};
use groundgame_core::{
    CampaignConfig, CampaignId, DeviceId, Event, EventId, Hlc, HlcClock, Household, HouseholdId,
    Person, PersonId, Turf, TurfId, VolunteerId,
};

use super::rows;
use crate::http::auth::AuthDevice;
use crate::store::sqlite::claims::{CALL_BACK_DELAY_MS, LATER_ROUND_DELAY_MS};
use crate::store::{NewPerson, StoreError};
use crate::sync::pull::{self, PullTx, Removed};
use crate::sync::push::{self, NewEvent, PhoneOutcome, PushTx, StoredEvent, Tenure};

/// One transaction seen through the rules' look-up traits. `naive` (tests only) hands out
/// feed numbers from a plain sequence without the feed lock.
///
/// A push costs few round trips however many events it carries: [`PushTx::prefetch`]
/// loads the households, people and already-stored ids of all its events in three
/// queries, and accepted events wait in `pending` until one multi-row insert writes them
/// (before anything reads events, and before the feed row is written back, so always
/// inside the transaction and under the feed lock).
struct Rows<'a, 'c> {
    db: rows::Prepared<'a, 'c>,
    naive: bool,
    homes: HashMap<HouseholdId, Option<rows::Home>>,
    residents: HashMap<PersonId, Option<HouseholdId>>,
    stored: HashSet<EventId>,
    /// Of the pushed ids, those ever held for a lead (prefetched, plus those held now).
    held: HashSet<EventId>,
    pending: Vec<rows::PendingEvent>,
    /// The ids in `pending` (a group's pending events run to thousands).
    pending_ids: HashSet<EventId>,
}

impl<'a, 'c> Rows<'a, 'c> {
    fn new(tx: &'a mut postgres::Transaction<'c>, naive: bool) -> Self {
        Rows {
            db: rows::Prepared::new(tx),
            naive,
            homes: HashMap::new(),
            residents: HashMap::new(),
            stored: HashSet::new(),
            held: HashSet::new(),
            pending: Vec::new(),
            pending_ids: HashSet::new(),
        }
    }

    /// Write the accepted events waiting in memory.
    fn flush(&mut self) -> Result<(), StoreError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        self.pending_ids.clear();
        rows::insert_events(&mut self.db, &std::mem::take(&mut self.pending))
    }
}

impl PushTx for Rows<'_, '_> {
    fn prefetch(&mut self, pushed: &[Event]) -> Result<(), StoreError> {
        let households: Vec<HouseholdId> = pushed.iter().map(|e| e.household).collect();
        self.homes = rows::household_homes(&mut self.db, &households)?;
        let people: Vec<PersonId> = pushed.iter().filter_map(|e| e.person).collect();
        self.residents = rows::households_of(&mut self.db, &people)?;
        let ids: Vec<EventId> = pushed.iter().map(|e| e.id).collect();
        self.stored = rows::stored_ids(&mut self.db, &ids)?;
        self.held = rows::held_ids(&mut self.db, &ids)?;
        Ok(())
    }
    fn campaign_config(&mut self, campaign: CampaignId) -> Result<CampaignConfig, StoreError> {
        rows::config(&mut self.db, campaign)
    }
    fn ever_assigned(
        &mut self,
        volunteer: VolunteerId,
    ) -> Result<HashMap<TurfId, Tenure>, StoreError> {
        rows::ever_assigned(&mut self.db, volunteer)
    }
    fn household_turf(
        &mut self,
        household: HouseholdId,
    ) -> Result<Option<(TurfId, CampaignId)>, StoreError> {
        if let Some(home) = self.homes.get(&household) {
            return Ok((*home).and_then(|(turf, campaign)| Some((turf?, campaign))));
        }
        rows::household_turf(&mut self.db, household)
    }
    fn household_home(
        &mut self,
        household: HouseholdId,
    ) -> Result<Option<(Option<TurfId>, CampaignId)>, StoreError> {
        if let Some(home) = self.homes.get(&household) {
            return Ok(*home);
        }
        rows::household_home(&mut self.db, household)
    }
    fn household_of(&mut self, person: PersonId) -> Result<Option<HouseholdId>, StoreError> {
        if let Some(household) = self.residents.get(&person) {
            return Ok(*household);
        }
        rows::household_of(&mut self.db, person)
    }
    fn call_scope(
        &mut self,
        person: PersonId,
        volunteer: VolunteerId,
    ) -> Result<Option<Tenure>, StoreError> {
        rows::call_scope(&mut self.db, person, volunteer)
    }
    fn held_event(&mut self, id: EventId) -> Result<Option<StoredEvent>, StoreError> {
        self.flush()?;
        rows::held_event(&mut self.db, id)
    }
    fn was_held(&mut self, id: EventId) -> Result<bool, StoreError> {
        Ok(self.held.contains(&id))
    }
    fn insert_held(&mut self, e: &NewEvent<'_>) -> Result<(), StoreError> {
        self.flush()?;
        self.held.insert(e.id);
        rows::insert_held(&mut self.db, e)
    }
    fn held_person(&mut self, person: PersonId) -> Result<Option<HouseholdId>, StoreError> {
        rows::held_person(&mut self.db, person)
    }
    fn stored_event(&mut self, id: EventId) -> Result<Option<StoredEvent>, StoreError> {
        self.flush()?;
        rows::stored_event(&mut self.db, id)
    }
    fn begin_feed(&mut self, campaign: CampaignId) -> Result<(i64, Hlc), StoreError> {
        if self.naive {
            // A block of numbers from a sequence (made by the test with a large increment).
            let first: i64 = self
                .db
                .tx
                .query_one("SELECT nextval('naive_feed')", &[])?
                .get(0);
            return Ok((first - 1, Hlc::ZERO));
        }
        let row = self.db.tx.query_opt(
            "SELECT last_seq, last_hlc FROM campaign_feeds WHERE campaign_id = $1 FOR UPDATE",
            &[&campaign.0],
        )?;
        let row = row.ok_or(StoreError::NotFound("campaign"))?;
        Ok((row.get(0), Hlc(row.get::<_, i64>(1) as u64)))
    }
    fn end_feed(&mut self, campaign: CampaignId, last: i64) -> Result<(), StoreError> {
        self.flush()?;
        if self.naive {
            return Ok(());
        }
        rows::set_feed(&mut self.db, campaign, last)
    }
    fn insert_event(&mut self, e: &NewEvent<'_>) -> Result<bool, StoreError> {
        if self.stored.contains(&e.id) || !self.pending_ids.insert(e.id) {
            return Ok(false);
        }
        self.pending.push(rows::PendingEvent::from(e));
        Ok(true)
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
        self.flush()?;
        self.residents.insert(id, Some(household));
        rows::insert_person(&mut self.db, seq, id, campaign, household, turf, person)
    }
    fn record_phone_result(
        &mut self,
        person: PersonId,
        outcome: PhoneOutcome,
        at_ms: u64,
        caller: VolunteerId,
    ) -> Result<(), StoreError> {
        self.flush()?;
        rows::record_phone_result(
            &mut self.db,
            person,
            outcome,
            at_ms,
            caller,
            (CALL_BACK_DELAY_MS, LATER_ROUND_DELAY_MS),
        )
    }
    fn free_claim(&mut self, person: PersonId, device: DeviceId) -> Result<(), StoreError> {
        self.flush()?;
        rows::free_claim(&mut self.db, person, device)
    }
    fn do_not_call_person(
        &mut self,
        campaign: CampaignId,
        person: PersonId,
        source: &push::DoNotCallSource,
        now_ms: u64,
    ) -> Result<(), StoreError> {
        self.flush()?;
        rows::do_not_call_person(&mut self.db, campaign, person, source, now_ms)
    }
    fn calls_any_list(&mut self, volunteer: VolunteerId) -> Result<bool, StoreError> {
        rows::calls_any_list(&mut self.db, volunteer)
    }
    fn save_clock(&mut self, campaign: CampaignId, last: Hlc) -> Result<(), StoreError> {
        self.flush()?;
        if self.naive {
            return Ok(());
        }
        // The feed row is locked by this transaction already.
        self.db.tx.execute(
            "UPDATE campaign_feeds SET last_hlc = GREATEST(last_hlc, $2) WHERE campaign_id = $1",
            &[&campaign.0, &(last.0 as i64)],
        )?;
        Ok(())
    }
    fn record_push(
        &mut self,
        device: DeviceId,
        now_ms: u64,
        pending: u32,
        app_version: Option<&str>,
    ) -> Result<(), StoreError> {
        self.flush()?;
        rows::record_push(&mut self.db, device, now_ms, pending, app_version)
    }
    fn ever_assigned_many(
        &mut self,
        volunteers: &[VolunteerId],
    ) -> Result<HashMap<VolunteerId, HashMap<TurfId, Tenure>>, StoreError> {
        rows::ever_assigned_many(&mut self.db, volunteers)
    }
    fn record_pushes(&mut self, pushes: &[push::DevicePush<'_>]) -> Result<(), StoreError> {
        self.flush()?;
        rows::record_pushes(&mut self.db, pushes)
    }
}

impl PullTx for Rows<'_, '_> {
    fn map_revision(&mut self, campaign: CampaignId) -> Result<Option<i64>, StoreError> {
        super::map::revision(&mut self.db, campaign)
    }
    fn turf_bounds(&mut self, turf: TurfId) -> Result<Option<Bounds>, StoreError> {
        super::map::turf_bounds(&mut self.db, turf)
    }
    fn streets_within(
        &mut self,
        campaign: CampaignId,
        b: &Bounds,
    ) -> Result<Vec<Street>, StoreError> {
        super::map::streets_within(&mut self.db, campaign, b)
    }
    fn campaign_turfs(&mut self, campaign: CampaignId) -> Result<Vec<Turf>, StoreError> {
        rows::campaign_turfs(&mut self.db, campaign)
    }
    fn assigned_turfs(&mut self, volunteer: VolunteerId) -> Result<Vec<Turf>, StoreError> {
        rows::assigned_turfs(&mut self.db, volunteer)
    }
    fn household_count(&mut self, turf: TurfId) -> Result<u32, StoreError> {
        rows::household_count(&mut self.db, turf)
    }
    fn next_seqs(&mut self, turf: TurfId, after: i64, limit: u32) -> Result<Vec<i64>, StoreError> {
        rows::next_seqs(&mut self.db, turf, after, limit)
    }
    fn households(
        &mut self,
        turf: TurfId,
        after: i64,
        upto: i64,
    ) -> Result<Vec<Household>, StoreError> {
        rows::households_page(&mut self.db, turf, after, upto)
    }
    fn people(&mut self, turf: TurfId, after: i64, upto: i64) -> Result<Vec<Person>, StoreError> {
        rows::people_page(&mut self.db, turf, after, upto)
    }
    fn events(&mut self, turf: TurfId, after: i64, upto: i64) -> Result<Vec<Event>, StoreError> {
        rows::events_page(&mut self.db, turf, after, upto)
    }
    fn removed(&mut self, turf: TurfId, after: i64, upto: i64) -> Result<Removed, StoreError> {
        rows::removed_page(&mut self.db, turf, after, upto)
    }
    fn config_with_scripts(&mut self, campaign: CampaignId) -> Result<CampaignConfig, StoreError> {
        rows::config_with_scripts(&mut self.db, campaign)
    }
    fn do_not_call_for(
        &mut self,
        campaign: CampaignId,
        volunteer: VolunteerId,
    ) -> Result<Vec<String>, StoreError> {
        rows::do_not_call_for(&mut self.db, campaign, volunteer)
    }
}

/// Apply pushes to one campaign in the caller's transaction ([`push::apply_many`]),
/// preparing statements with the ones in `statements` (prepared by earlier pushes on this
/// connection) and leaving every statement it prepared there.
pub(super) fn push_many(
    tx: &mut postgres::Transaction<'_>,
    pushes: &[push::Pushed<'_>],
    clock: &mut HlcClock,
    naive: bool,
    statements: &mut HashMap<String, postgres::Statement>,
) -> Result<Vec<Vec<PushOutcome>>, StoreError> {
    let mut rows = Rows::new(tx, naive);
    rows.db.adopt(std::mem::take(statements));
    let applied = push::apply_many(&mut rows, pushes, clock);
    *statements = rows.db.into_statements();
    applied
}

/// Store held records a lead accepted, in the caller's transaction ([`push::release`]).
pub(super) fn release(
    tx: &mut postgres::Transaction<'_>,
    campaign: CampaignId,
    held: &[push::HeldEvent],
    wall_ms: u64,
    clock: &mut HlcClock,
) -> Result<Vec<PushOutcome>, StoreError> {
    push::release(&mut Rows::new(tx, false), campaign, held, wall_ms, clock)
}

/// Answer a pull inside the caller's snapshot, with the campaign's clock mark.
pub(super) fn pull(
    tx: &mut postgres::Transaction<'_>,
    who: &AuthDevice,
    req: &PullRequest,
) -> Result<(PullResponse, Hlc), StoreError> {
    let response = pull::answer(&mut Rows::new(tx, false), who, req)?;
    let seen = tx
        .query_opt(
            "SELECT last_hlc FROM campaign_feeds WHERE campaign_id = $1",
            &[&who.campaign.0],
        )?
        .map_or(Hlc::ZERO, |r| Hlc(r.get::<_, i64>(0) as u64));
    Ok((response, seen))
}
