//! Field events held on this device: the ones this volunteer recorded and the ones pulled
//! from the server. Recording never touches the network: validate, stamp with the hybrid
//! logical clock, write the outbox row (whose number is the timestamp, so it carries the
//! clock: see `hlc`) in one durable transaction. A recorded event lives in the outbox
//! alone until the server acknowledges it, when the push moves it into `events`
//! (migration 0009): a save writes the outbox and its index by door, two b-trees, as a
//! one-row insert with a primary key does. Readers see both: [`held_events`].

use std::collections::HashSet;
use std::sync::atomic::Ordering;

use groundgame_core::fold::{self, DoorStatus};
use groundgame_core::{Event, EventBody, EventId, HouseholdId, PersonId};
use rusqlite::{Connection, Transaction};

use super::{json_col, DeviceState, Store, StoreError};

impl Store {
    /// Record one event at a household (see [`Store::record_visit`]).
    pub fn record(
        &self,
        household: HouseholdId,
        person: Option<PersonId>,
        body: EventBody,
    ) -> Result<Event, StoreError> {
        let mut events = self.record_visit(household, vec![(person, body)])?;
        events.pop().ok_or(StoreError::NoCampaign)
    }

    /// Record everything from one visit or call in ONE transaction: the events' outbox
    /// rows, which carry the clock (the events join the events table when the server has
    /// them). Each item gets a fresh UUIDv7 and a timestamp after the
    /// previous one; answers, pledges, asks and notes without an `attempt` are linked to
    /// the visit's first contact. Every event is validated against the campaign first: if
    /// any is invalid, nothing is written.
    pub fn record_visit(
        &self,
        household: HouseholdId,
        items: Vec<(Option<PersonId>, EventBody)>,
    ) -> Result<Vec<Event>, StoreError> {
        self.record_visit_with(household, items, |_, _| Ok(()))
    }

    /// [`Store::record_visit`], with `also` run inside the same transaction after the
    /// events' outbox rows are written (a call marks its contact reached there).
    pub(super) fn record_visit_with(
        &self,
        household: HouseholdId,
        items: Vec<(Option<PersonId>, EventBody)>,
        also: impl FnOnce(&Transaction, &[Event]) -> Result<(), StoreError>,
    ) -> Result<Vec<Event>, StoreError> {
        if items.is_empty() {
            return Ok(Vec::new());
        }
        let wall = self.now_ms();
        let mut inner = self.lock();
        if inner.state == Some(DeviceState::Revoked) {
            return Err(StoreError::Revoked);
        }
        let campaign = inner.campaign.as_ref().ok_or(StoreError::NoCampaign)?;
        let mut clock = inner.hlc;
        let mut events: Vec<Event> = items
            .into_iter()
            .map(|(person, body)| Event {
                id: EventId::new_v7(),
                at: clock.now(wall),
                household,
                person,
                body,
            })
            .collect();
        link_attempts(&mut events);
        for event in &events {
            event.validate(campaign)?;
        }
        let json = events
            .iter()
            .map(serde_json::to_string)
            .collect::<Result<Vec<_>, _>>()?;

        let tx = inner.conn.transaction()?;
        {
            let mut insert_outbox = tx.prepare_cached(
                "INSERT INTO outbox (seq, event_id, household, person, at, shown, json)
                 VALUES (?1, ?2, ?3, ?4, ?1, 1, ?5)",
            )?;
            for (event, json) in events.iter().zip(&json) {
                // The outbox number is the timestamp: strictly increasing on this device
                // (migration 0007 says why).
                insert_outbox.execute(rusqlite::params![
                    event.at.0,
                    event.id,
                    event.household.0,
                    event.person,
                    json,
                ])?;
            }
        }
        also(&tx, &events)?;
        // No clock row to write: the last outbox row's number is the clock (see `hlc`).
        crate::crash::point("record-written");
        tx.commit()?;
        inner.hlc = clock;
        self.pending
            .fetch_add(events.len() as u64, Ordering::SeqCst);
        tracing::debug!(events = events.len(), household = household.0, "recorded");
        Ok(events)
    }

    /// A household's events, in the shared order ([`Event::order_key`]).
    pub fn household_events(&self, household: HouseholdId) -> Result<Vec<Event>, StoreError> {
        let inner = self.lock();
        held_events(
            &inner.conn,
            "SELECT json FROM events WHERE household = ?1",
            "SELECT json FROM outbox WHERE household = ?1 AND shown",
            [household.0],
        )
    }

    /// Every event held (pulled and recorded here), in the shared order: read in the
    /// tables' order and sorted here (migration 0008 dropped the index of that order, a
    /// page more on every door save for this one reader).
    pub fn all_events(&self) -> Result<Vec<Event>, StoreError> {
        let inner = self.lock();
        held_events(
            &inner.conn,
            "SELECT json FROM events",
            "SELECT json FROM outbox WHERE shown",
            [],
        )
    }

    /// The door's status: the shared fold over its events (`core::fold::door_status`).
    pub fn door_status(&self, household: HouseholdId) -> Result<DoorStatus, StoreError> {
        let events = self.household_events(household)?;
        let campaign = self.campaign()?;
        match campaign {
            Some(config) => Ok(fold::door_status(&events, &config)),
            None if events.is_empty() => Ok(DoorStatus::NOT_VISITED),
            None => Err(StoreError::NoCampaign),
        }
    }
}

/// The events `held` selects, then the shown outbox rows `waiting` selects (both with
/// `params`) that `events` does not hold: a pending event pulled back before its
/// acknowledgement (a lost answer) is there as the server keeps it, and that copy wins.
/// Sorted in the shared order ([`Event::order_key`]).
fn held_events(
    conn: &Connection,
    held: &str,
    waiting: &str,
    params: impl rusqlite::Params + Copy,
) -> Result<Vec<Event>, StoreError> {
    let mut events: Vec<Event> = conn
        .prepare_cached(held)?
        .query_map(params, |r| json_col(r, 0))?
        .collect::<Result<_, _>>()?;
    let mut stmt = conn.prepare_cached(waiting)?;
    let pending = stmt.query_map(params, |r| json_col::<Event>(r, 0))?;
    let mut ids: Option<HashSet<EventId>> = None;
    for event in pending {
        let event = event?;
        let ids = ids.get_or_insert_with(|| events.iter().map(|e| e.id).collect());
        if !ids.contains(&event.id) {
            events.push(event);
        }
    }
    events.sort_unstable_by_key(Event::order_key);
    Ok(events)
}

/// Link a visit's answers, pledges, asks and notes to its first contact attempt, where
/// the caller left `attempt` empty.
pub fn link_attempts(events: &mut [Event]) {
    let Some(contact) = events
        .iter()
        .find(|e| matches!(e.body, EventBody::Contact { .. }))
        .map(|e| e.id)
    else {
        return;
    };
    for event in events.iter_mut() {
        match &mut event.body {
            EventBody::Survey { attempt, .. }
            | EventBody::Pledge { attempt, .. }
            | EventBody::Ask { attempt, .. }
            | EventBody::Note { attempt, .. } => {
                attempt.get_or_insert(contact);
            }
            EventBody::Contact { .. }
            | EventBody::DoNotContact { .. }
            | EventBody::PersonAdded { .. } => {}
        }
    }
}

/// Store an event as the server holds it: insert, or overwrite ours (the server may have
/// clamped a skewed timestamp). Idempotent.
pub(super) fn upsert_pulled(tx: &Transaction, event: &Event) -> Result<(), StoreError> {
    let json = serde_json::to_string(event)?;
    tx.prepare_cached(
        "INSERT INTO events (id, household, person, at, json) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (id) DO UPDATE SET
            household = excluded.household, person = excluded.person,
            at = excluded.at, json = excluded.json
         WHERE events.json IS NOT excluded.json",
    )?
    .execute(rusqlite::params![
        event.id,
        event.household.0,
        event.person,
        event.at.0,
        json,
    ])?;
    Ok(())
}

/// Forget the events of a household that left this device. Its events still waiting to
/// be pushed stay in the outbox, no longer shown.
pub(super) fn delete_for_household(
    tx: &Transaction,
    household: HouseholdId,
) -> Result<(), StoreError> {
    tx.prepare_cached("DELETE FROM events WHERE household = ?1")?
        .execute([household.0])?;
    tx.prepare_cached("UPDATE outbox SET shown = 0 WHERE household = ?1 AND shown")?
        .execute([household.0])?;
    Ok(())
}

/// Forget the events about a person who left this device (those waiting to be pushed
/// stay in the outbox, no longer shown).
pub(super) fn delete_for_person(tx: &Transaction, person: PersonId) -> Result<(), StoreError> {
    tx.prepare_cached("DELETE FROM events WHERE person = ?1")?
        .execute([person])?;
    tx.prepare_cached("UPDATE outbox SET shown = 0 WHERE person = ?1 AND shown")?
        .execute([person])?;
    Ok(())
}

/// Forget the events of every household this device no longer holds (a turf left).
pub(super) fn delete_without_household(tx: &Transaction) -> Result<usize, StoreError> {
    let events = tx.execute(
        "DELETE FROM events WHERE household NOT IN (SELECT id FROM households)",
        [],
    )?;
    let waiting = tx.execute(
        "UPDATE outbox SET shown = 0
         WHERE shown AND household NOT IN (SELECT id FROM households)",
        [],
    )?;
    Ok(events + waiting)
}

/// Forget one event the server refused (it lives on as a dead letter): a copy pulled
/// back, and its outbox row at `seq`, which leaves with the rest of its batch, no longer
/// shown meanwhile.
pub(super) fn delete_rejected(tx: &Transaction, id: EventId, seq: i64) -> Result<(), StoreError> {
    tx.prepare_cached("DELETE FROM events WHERE id = ?1")?
        .execute([id])?;
    tx.prepare_cached("UPDATE outbox SET shown = 0 WHERE seq = ?1")?
        .execute([seq])?;
    Ok(())
}

/// Forget records a lead dismissed. One this phone made that still waits to be pushed
/// stays in the outbox, no longer shown: one pass over the outbox for all of them (it has
/// no index by event id).
pub(super) fn delete_dismissed(tx: &Transaction, ids: &[EventId]) -> Result<(), StoreError> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut delete = tx.prepare_cached("DELETE FROM events WHERE id = ?1")?;
    for id in ids {
        delete.execute([id])?;
    }
    tx.prepare_cached(
        "UPDATE outbox SET shown = 0
         WHERE shown AND event_id IN (SELECT unhex(replace(value, '-', '')) FROM json_each(?1))",
    )?
    .execute([serde_json::to_string(ids)?])?;
    Ok(())
}
