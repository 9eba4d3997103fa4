//! Phone banking on the device: the call lists this volunteer calls (as the server last
//! listed them) and the contacts the device holds from them, claimed from the server under
//! a lease by the sync engine (see `sync::calls`). The call screen reads only this.
//!
//! A contact's life here: `open` (held, to call) → a call's result is recorded with
//! [`Store::record_call`] in ONE transaction with its events and outbox rows, which marks
//! it `done` (never shown again) or `call_back` (shown again at the time chosen); or the
//! caller skips it (`skipped`, given back to the list at the next sync). Offline, the
//! caller works through what is held, whatever the leases say: a phone cannot know about
//! other callers' claims without a signal, and the server hands out again what a lease let
//! go of and nobody called.
//!
//! Contacts are voter data: they leave with their list (when the volunteer no longer
//! calls it), with every wipe, and a number the campaign put on its do-not-call list is
//! dropped from every held list in the same transaction as the pull that brought it.

use std::collections::HashSet;

use groundgame_core::event::{Channel, DO_NOT_CALL_RESULT};
use groundgame_core::{CallListId, Event, EventBody, EventId, HouseholdId, PersonId, ResultEffect};
use rusqlite::{OptionalExtension, Transaction};

use super::{DeviceState, Store, StoreError};

/// When a call-back without a chosen time comes back (the server's fixed delay).
pub const CALL_BACK_FALLBACK_MS: u64 = 2 * 60 * 60 * 1000;

/// A call list as the server listed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallListInfo {
    pub id: CallListId,
    pub name: String,
    /// The key of the script callers read (in the campaign config), when it names one.
    pub script: Option<String>,
    /// Everyone on the list.
    pub total: u32,
    /// Still to be called at some point, by anyone (the server's count at the last sync).
    pub left: u32,
    /// Call-backs scheduled on the whole list.
    pub call_backs: u32,
}

/// A call list on this device, with what it holds now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalCallList {
    pub info: CallListInfo,
    /// The caller opened it here: the sync keeps contacts claimed for it.
    pub active: bool,
    /// The last claim got fewer contacts than asked: nobody else to call now.
    pub exhausted: bool,
    /// When the server last listed it (ms since the epoch).
    pub refreshed_at: u64,
    /// Held contacts to call now (including call-backs that are due).
    pub ready: u32,
    /// Call-backs on this device that are not due yet.
    pub waiting_call_backs: u32,
    /// When the next of those is due.
    pub next_call_back: Option<u64>,
}

/// One contact held on this device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldContact {
    pub list: CallListId,
    pub person: PersonId,
    pub household: HouseholdId,
    pub first_name: String,
    pub last_name: String,
    /// Preferred language (BCP-47), to pick the script's language.
    pub language: Option<String>,
    /// E.164.
    pub phone: String,
    pub street: String,
    pub number: String,
    pub unit: String,
    pub city: String,
    pub zip: String,
    pub position: u32,
    /// A second try or a call-back rather than a first call.
    pub retry: bool,
    /// When the server's hold for this device ends (ms since the epoch).
    pub expires_at: u64,
    /// Set when this is a call-back that came due (ms since the epoch).
    pub call_back_due: Option<u64>,
}

const CONTACT_COLUMNS: &str = "list, person, household, first_name, last_name, language, phone,
     street, number, unit, city, zip, position, retry, expires_at, due_at";

fn contact_row(r: &rusqlite::Row) -> rusqlite::Result<HeldContact> {
    Ok(HeldContact {
        list: CallListId(r.get(0)?),
        person: r.get::<_, PersonId>(1)?,
        household: HouseholdId(r.get(2)?),
        first_name: r.get(3)?,
        last_name: r.get(4)?,
        language: r.get(5)?,
        phone: r.get(6)?,
        street: r.get(7)?,
        number: r.get(8)?,
        unit: r.get(9)?,
        city: r.get(10)?,
        zip: r.get(11)?,
        position: r.get(12)?,
        retry: r.get(13)?,
        expires_at: r.get::<_, i64>(14)? as u64,
        call_back_due: r.get::<_, Option<i64>>(15)?.map(|v| v as u64),
    })
}

/// Drop every held contact whose number is in `numbers` (the campaign's do-not-call
/// numbers a pull brought), in the pull's transaction. Returns how many were dropped.
pub(super) fn drop_do_not_call(tx: &Transaction, numbers: &[String]) -> Result<usize, StoreError> {
    let mut stmt = tx.prepare_cached("DELETE FROM call_contacts WHERE phone = ?1")?;
    let mut dropped = 0;
    for phone in numbers {
        dropped += stmt.execute([phone])?;
    }
    if dropped > 0 {
        tracing::info!(dropped, "do-not-call numbers dropped from held call lists");
    }
    Ok(dropped)
}

/// Forget every call list and held contact (part of the revocation wipe).
pub(super) fn wipe(tx: &Transaction) -> Result<(), StoreError> {
    tx.execute_batch("DELETE FROM call_contacts; DELETE FROM call_lists;")?;
    Ok(())
}

/// A held contact's person, state, call-back time and recorded result event.
type HeldRow = (PersonId, String, Option<i64>, Option<EventId>);

/// Whether the event `id` still waits in the outbox (`None`: no event recorded).
fn unpushed(tx: &Transaction, id: Option<EventId>) -> Result<bool, StoreError> {
    let Some(id) = id else { return Ok(false) };
    Ok(tx
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM outbox WHERE event_id = ?1)")?
        .query_row([id], |r| r.get(0))?)
}

impl Store {
    /// The call lists on this device, by id, with what each holds now.
    pub fn call_lists(&self) -> Result<Vec<LocalCallList>, StoreError> {
        let ids: Vec<i64> = {
            let inner = self.lock();
            let mut stmt = inner
                .conn
                .prepare_cached("SELECT id FROM call_lists ORDER BY id")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(list) = self.call_list(CallListId(id))? {
                out.push(list);
            }
        }
        Ok(out)
    }

    /// One call list on this device, with what it holds now.
    pub fn call_list(&self, id: CallListId) -> Result<Option<LocalCallList>, StoreError> {
        let now = self.now_known_ms() as i64;
        let inner = self.lock();
        let conn = &inner.conn;
        let Some(mut list) = conn
            .prepare_cached(
                "SELECT id, name, script, total, left_count, call_backs, active, exhausted,
                        refreshed_at
                 FROM call_lists WHERE id = ?1",
            )?
            .query_row([id.0], |r| {
                Ok(LocalCallList {
                    info: CallListInfo {
                        id: CallListId(r.get(0)?),
                        name: r.get(1)?,
                        script: r.get(2)?,
                        total: r.get(3)?,
                        left: r.get(4)?,
                        call_backs: r.get(5)?,
                    },
                    active: r.get(6)?,
                    exhausted: r.get(7)?,
                    refreshed_at: r.get::<_, i64>(8)? as u64,
                    ready: 0,
                    waiting_call_backs: 0,
                    next_call_back: None,
                })
            })
            .optional()?
        else {
            return Ok(None);
        };
        let open: u32 = conn
            .prepare_cached(
                "SELECT COUNT(*) FROM call_contacts WHERE list = ?1 AND state = 'open'",
            )?
            .query_row([id.0], |r| r.get(0))?;
        let (due, waiting, next): (u32, u32, Option<i64>) = conn
            .prepare_cached(
                "SELECT COALESCE(SUM(due_at <= ?2), 0), COALESCE(SUM(due_at > ?2), 0),
                        MIN(CASE WHEN due_at > ?2 THEN due_at END)
                 FROM call_contacts WHERE list = ?1 AND state = 'call_back'",
            )?
            .query_row(rusqlite::params![id.0, now], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
        // Numbers the campaign put on its do-not-call list are dropped when a pull brings
        // them; a config saved some other way is honoured here too.
        let hidden = match inner.campaign.as_ref() {
            Some(c) if !c.do_not_call.is_empty() => {
                let mut stmt = conn.prepare_cached(
                    "SELECT COUNT(*) FROM call_contacts
                     WHERE list = ?1 AND phone = ?2 AND state = 'open'",
                )?;
                let mut n = 0u32;
                for phone in &c.do_not_call {
                    n += stmt.query_row(rusqlite::params![id.0, phone], |r| r.get::<_, u32>(0))?;
                }
                n
            }
            _ => 0,
        };
        list.ready = (open - hidden.min(open)) + due;
        list.waiting_call_backs = waiting;
        list.next_call_back = next.map(|v| v as u64);
        Ok(Some(list))
    }

    /// The contact to call next on `list`: a call-back that is due first, then the held
    /// contacts in list order. Numbers on the campaign's do-not-call list are never shown.
    pub fn next_call(&self, list: CallListId) -> Result<Option<HeldContact>, StoreError> {
        let now = self.now_known_ms() as i64;
        let inner = self.lock();
        let dnc: HashSet<&str> = inner
            .campaign
            .as_ref()
            .map(|c| c.do_not_call.iter().map(String::as_str).collect())
            .unwrap_or_default();
        let conn = &inner.conn;
        let due = format!(
            "SELECT {CONTACT_COLUMNS} FROM call_contacts
             WHERE list = ?1 AND state = 'call_back' AND due_at <= ?2
             ORDER BY due_at, position"
        );
        let mut stmt = conn.prepare_cached(&due)?;
        let mut rows = stmt.query_map(rusqlite::params![list.0, now], contact_row)?;
        for row in rows.by_ref() {
            let c = row?;
            if !dnc.contains(c.phone.as_str()) {
                return Ok(Some(c));
            }
        }
        drop(rows);
        let open = format!(
            "SELECT {CONTACT_COLUMNS} FROM call_contacts
             WHERE list = ?1 AND state = 'open' ORDER BY position"
        );
        let mut stmt = conn.prepare_cached(&open)?;
        let rows = stmt.query_map([list.0], contact_row)?;
        for row in rows {
            let c = row?;
            if !dnc.contains(c.phone.as_str()) {
                return Ok(Some(c));
            }
        }
        Ok(None)
    }

    /// `person` on `list`, while they are still to be called now (held and not reached, or
    /// a call-back that is due) and not on the do-not-call list: the call screen keeps the
    /// contact it shows until the caller is done with them.
    pub fn next_call_if_still(
        &self,
        list: CallListId,
        person: PersonId,
    ) -> Result<Option<HeldContact>, StoreError> {
        let now = self.now_known_ms();
        let Some(c) = self.held_contact(list, person)? else {
            return Ok(None);
        };
        let state: String = {
            let inner = self.lock();
            if inner
                .campaign
                .as_ref()
                .is_some_and(|cfg| cfg.do_not_call.contains(&c.phone))
            {
                return Ok(None);
            }
            let state = inner
                .conn
                .prepare_cached("SELECT state FROM call_contacts WHERE list = ?1 AND person = ?2")?
                .query_row(rusqlite::params![list.0, person], |r| r.get(0))?;
            state
        };
        let callable = match state.as_str() {
            "open" => true,
            "call_back" => c.call_back_due.is_some_and(|d| d <= now),
            _ => false,
        };
        Ok(callable.then_some(c))
    }

    /// Every contact of `list` held here and not called yet, in list order.
    pub fn open_calls(&self, list: CallListId) -> Result<Vec<HeldContact>, StoreError> {
        let inner = self.lock();
        let sql = format!(
            "SELECT {CONTACT_COLUMNS} FROM call_contacts
             WHERE list = ?1 AND state = 'open' ORDER BY position"
        );
        let mut stmt = inner.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([list.0], contact_row)?;
        let out = rows.collect::<Result<_, _>>()?;
        Ok(out)
    }

    /// One held contact, whatever its state (the call screen's form keeps its person).
    pub fn held_contact(
        &self,
        list: CallListId,
        person: PersonId,
    ) -> Result<Option<HeldContact>, StoreError> {
        let inner = self.lock();
        let sql =
            format!("SELECT {CONTACT_COLUMNS} FROM call_contacts WHERE list = ?1 AND person = ?2");
        let found = inner
            .conn
            .prepare_cached(&sql)?
            .query_row(rusqlite::params![list.0, person], contact_row)
            .optional()?;
        Ok(found)
    }

    /// Record one call's events (the contact first, then answers, pledge, asks, note) in
    /// ONE transaction with their outbox rows and the contact's new state: reached (never
    /// shown again here), or a call-back due at the time chosen. A do-not-call also retires
    /// every held contact with that number at once. Nothing is written when any event is
    /// invalid.
    pub fn record_call(
        &self,
        list: CallListId,
        contact: &HeldContact,
        items: Vec<(Option<PersonId>, EventBody)>,
    ) -> Result<Vec<Event>, StoreError> {
        let campaign = self.campaign()?.ok_or(StoreError::NoCampaign)?;
        let person = contact.person;
        let phone = contact.phone.clone();
        let wall = self.now_known_ms();
        self.record_visit_with(contact.household, items, move |tx, events| {
            let mut state = "done";
            let mut due: Option<u64> = None;
            let mut do_not_call = false;
            let mut result_event = None;
            for e in events {
                match &e.body {
                    EventBody::Contact {
                        channel: Channel::Phone,
                        result,
                        call_back_at,
                    } if result_event.is_none() => {
                        result_event = Some(e.id);
                        let effect = campaign.result_code(result).map(|c| c.effect);
                        if effect == Some(ResultEffect::ComeBack) {
                            state = "call_back";
                            due = Some(call_back_at.unwrap_or(wall + CALL_BACK_FALLBACK_MS));
                        }
                        do_not_call |= result == DO_NOT_CALL_RESULT;
                    }
                    EventBody::DoNotContact {
                        channel: Channel::Phone,
                    } => do_not_call = true,
                    _ => {}
                }
            }
            if do_not_call {
                state = "done";
                due = None;
            }
            tx.prepare_cached(
                "UPDATE call_contacts SET state = ?3, due_at = ?4, result_event = ?5, draft = NULL
                 WHERE list = ?1 AND person = ?2",
            )?
            .execute(rusqlite::params![
                list.0,
                person,
                state,
                due.map(|d| d as i64),
                result_event
            ])?;
            if do_not_call {
                tx.prepare_cached(
                    "UPDATE call_contacts SET state = 'done' WHERE phone = ?1 AND state <> 'done'",
                )?
                .execute([&phone])?;
            }
            Ok(())
        })
    }

    /// The caller passed on this contact: it is not shown again, and the next sync gives
    /// it back to the list for someone else.
    pub fn skip_call(&self, list: CallListId, person: PersonId) -> Result<(), StoreError> {
        let inner = self.lock();
        if inner.state == Some(DeviceState::Revoked) {
            return Err(StoreError::Revoked);
        }
        inner
            .conn
            .prepare_cached(
                "UPDATE call_contacts SET state = 'skipped', draft = NULL
                 WHERE list = ?1 AND person = ?2 AND state IN ('open', 'call_back')",
            )?
            .execute(rusqlite::params![list.0, person])?;
        Ok(())
    }

    /// Keep `form` as the unsaved call form of `person` on `list` (an empty string clears
    /// it). Like a door draft it is local only and written with `synchronous=NORMAL`: it
    /// survives the app being killed; a contact no longer held keeps nothing.
    pub fn save_call_draft(
        &self,
        list: CallListId,
        person: PersonId,
        form: &str,
    ) -> Result<(), StoreError> {
        let inner = self.lock();
        if inner.state == Some(DeviceState::Revoked) {
            return Err(StoreError::Revoked);
        }
        inner.conn.execute_batch("PRAGMA synchronous = NORMAL")?;
        let written = inner
            .conn
            .prepare_cached(
                "UPDATE call_contacts SET draft = NULLIF(?3, '') WHERE list = ?1 AND person = ?2",
            )
            .and_then(|mut s| s.execute(rusqlite::params![list.0, person, form]));
        inner.conn.execute_batch("PRAGMA synchronous = FULL")?;
        written?;
        Ok(())
    }

    /// The unsaved call form of `person` on `list`, if any.
    pub fn call_draft(
        &self,
        list: CallListId,
        person: PersonId,
    ) -> Result<Option<String>, StoreError> {
        let inner = self.lock();
        let draft = inner
            .conn
            .prepare_cached("SELECT draft FROM call_contacts WHERE list = ?1 AND person = ?2")?
            .query_row(rusqlite::params![list.0, person], |r| {
                r.get::<_, Option<String>>(0)
            })
            .optional()?
            .flatten();
        Ok(draft)
    }

    /// The caller opened `list` here: from now on the sync keeps contacts claimed for it.
    pub fn activate_call_list(&self, list: CallListId) -> Result<bool, StoreError> {
        let inner = self.lock();
        let changed = inner
            .conn
            .prepare_cached("UPDATE call_lists SET active = 1 WHERE id = ?1 AND active = 0")?
            .execute([list.0])?;
        Ok(changed > 0)
    }

    /// The lists the caller opened here (the sync claims for these).
    pub fn active_call_lists(&self) -> Result<Vec<CallListId>, StoreError> {
        let inner = self.lock();
        let mut stmt = inner
            .conn
            .prepare_cached("SELECT id FROM call_lists WHERE active = 1 ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok(CallListId(r.get(0)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Replace the call lists with the server's: names and counts updated, and a list the
    /// volunteer no longer calls removed with every contact held from it (one transaction).
    /// Returns how many lists left.
    pub fn replace_call_lists(&self, lists: &[CallListInfo]) -> Result<usize, StoreError> {
        let now = self.now_known_ms() as i64;
        let mut inner = self.lock();
        let tx = inner.conn.transaction()?;
        {
            let mut upsert = tx.prepare_cached(
                "INSERT INTO call_lists (id, name, script, total, left_count, call_backs,
                                         refreshed_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, script = excluded.script,
                    total = excluded.total, left_count = excluded.left_count,
                    call_backs = excluded.call_backs, refreshed_at = excluded.refreshed_at",
            )?;
            for l in lists {
                upsert.execute(rusqlite::params![
                    l.id.0,
                    l.name,
                    l.script,
                    l.total,
                    l.left,
                    l.call_backs,
                    now
                ])?;
            }
        }
        let keep: HashSet<i64> = lists.iter().map(|l| l.id.0).collect();
        let held: Vec<i64> = {
            let mut stmt = tx.prepare_cached("SELECT id FROM call_lists")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut removed = 0;
        for id in held.into_iter().filter(|id| !keep.contains(id)) {
            tx.prepare_cached("DELETE FROM call_contacts WHERE list = ?1")?
                .execute([id])?;
            tx.prepare_cached("DELETE FROM call_lists WHERE id = ?1")?
                .execute([id])?;
            removed += 1;
        }
        tx.commit()?;
        if removed > 0 {
            tracing::info!(removed, "call lists left this device with their contacts");
        }
        Ok(removed)
    }

    /// How many contacts of `list` this device holds and has not called (what a claim
    /// must at least ask for to keep them all).
    pub fn open_call_count(&self, list: CallListId) -> Result<u32, StoreError> {
        let inner = self.lock();
        let n = inner
            .conn
            .prepare_cached(
                "SELECT COUNT(*) FROM call_contacts WHERE list = ?1 AND state = 'open'",
            )?
            .query_row([list.0], |r| r.get(0))?;
        Ok(n)
    }

    /// Call-backs held for `list` that are due now (a claim asks for room for them).
    pub fn due_call_back_count(&self, list: CallListId) -> Result<u32, StoreError> {
        let now = self.now_known_ms() as i64;
        let inner = self.lock();
        let n = inner
            .conn
            .prepare_cached(
                "SELECT COUNT(*) FROM call_contacts
                 WHERE list = ?1 AND state = 'call_back' AND due_at <= ?2",
            )?
            .query_row(rusqlite::params![list.0, now], |r| r.get(0))?;
        Ok(n)
    }

    /// The contacts the caller skipped on `list` (to give back to the server).
    pub fn skipped_calls(&self, list: CallListId) -> Result<Vec<PersonId>, StoreError> {
        let inner = self.lock();
        let mut stmt = inner.conn.prepare_cached(
            "SELECT person FROM call_contacts WHERE list = ?1 AND state = 'skipped'",
        )?;
        let rows = stmt.query_map([list.0], |r| r.get::<_, PersonId>(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The server took back these skipped contacts: forget them.
    pub fn forget_released(&self, list: CallListId, people: &[PersonId]) -> Result<(), StoreError> {
        let mut inner = self.lock();
        let tx = inner.conn.transaction()?;
        {
            let mut stmt = tx.prepare_cached(
                "DELETE FROM call_contacts WHERE list = ?1 AND person = ?2 AND state = 'skipped'",
            )?;
            for p in people {
                stmt.execute(rusqlite::params![list.0, p])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Apply a claim's answer for `list` in ONE transaction: `contacts` is everything the
    /// server holds for this device now (`asked` were asked for).
    ///
    /// - A contact handed out is stored (or its lease renewed). One already reached here
    ///   stays reached while its result waits to be pushed; once pushed, the server handing
    ///   it out again as a retry means a later round, and it opens again.
    /// - An open contact the server no longer holds for this device (its lease ran out
    ///   and someone else has it, or it was called) is dropped.
    /// - A reached contact whose result was pushed is forgotten.
    /// - A pushed call-back stays until it is due; due, and not handed out although the
    ///   server had nobody more to give, someone else has it: it is dropped.
    pub fn apply_claim(
        &self,
        list: CallListId,
        contacts: &[HeldContact],
        asked: u32,
    ) -> Result<(), StoreError> {
        let now = self.now_known_ms();
        let exhausted = (contacts.len() as u32) < asked;
        let mut inner = self.lock();
        let tx = inner.conn.transaction()?;
        let exists: bool = tx
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM call_lists WHERE id = ?1)")?
            .query_row([list.0], |r| r.get(0))?;
        if !exists {
            return Ok(());
        }
        let handed: HashSet<PersonId> = contacts.iter().map(|c| c.person).collect();
        for c in contacts {
            let local: Option<(String, Option<EventId>)> = tx
                .prepare_cached(
                    "SELECT state, result_event FROM call_contacts WHERE list = ?1 AND person = ?2",
                )?
                .query_row(rusqlite::params![list.0, c.person], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()?;
            let state = match local {
                None => "open",
                Some((state, event)) => match state.as_str() {
                    "done" | "call_back" if !unpushed(&tx, event)? && c.retry => "open",
                    "done" => "done",
                    "call_back" => "call_back",
                    "skipped" => "skipped",
                    _ => "open",
                },
            };
            upsert_contact(&tx, list, c, state)?;
        }
        // What the server does not hold for this device any more.
        let others: Vec<HeldRow> = {
            let mut stmt = tx.prepare_cached(
                "SELECT person, state, due_at, result_event FROM call_contacts WHERE list = ?1",
            )?;
            let rows = stmt.query_map([list.0], |r| {
                Ok((r.get::<_, PersonId>(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?;
            rows.collect::<Result<Vec<_>, _>>()?
                .into_iter()
                .filter(|(p, ..)| !handed.contains(p))
                .collect()
        };
        {
            let mut forget =
                tx.prepare_cached("DELETE FROM call_contacts WHERE list = ?1 AND person = ?2")?;
            for (person, state, due, event) in others {
                let gone = match state.as_str() {
                    "open" => true,
                    "done" => !unpushed(&tx, event)?,
                    "call_back" => {
                        !unpushed(&tx, event)? && exhausted && due.is_some_and(|d| d as u64 <= now)
                    }
                    _ => false,
                };
                if gone {
                    forget.execute(rusqlite::params![list.0, person])?;
                }
            }
        }
        tx.prepare_cached("UPDATE call_lists SET exhausted = ?2 WHERE id = ?1")?
            .execute(rusqlite::params![list.0, exhausted])?;
        tx.commit()?;
        Ok(())
    }

    /// How many call contacts this device holds, in any state (used to prove wipes).
    pub fn call_contact_count(&self) -> Result<u64, StoreError> {
        let inner = self.lock();
        Ok(inner
            .conn
            .query_row("SELECT COUNT(*) FROM call_contacts", [], |r| r.get(0))?)
    }

    /// Put contacts on `list` directly (tests and benchmarks; the sync uses
    /// [`Store::apply_claim`]).
    pub fn hold_contacts(
        &self,
        list: CallListId,
        contacts: &[HeldContact],
    ) -> Result<(), StoreError> {
        let mut inner = self.lock();
        let tx = inner.conn.transaction()?;
        for c in contacts {
            upsert_contact(&tx, list, c, "open")?;
        }
        tx.commit()?;
        Ok(())
    }
}

/// Store a contact the server handed to this device, in `state`; a contact already held
/// keeps its draft, and its due time and result only while it is not open again.
fn upsert_contact(
    tx: &Transaction<'_>,
    list: CallListId,
    c: &HeldContact,
    state: &str,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO call_contacts (list, person, household, first_name, last_name,
            language, phone, street, number, unit, city, zip, position, retry,
            expires_at, state)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
         ON CONFLICT (list, person) DO UPDATE SET household = excluded.household,
            first_name = excluded.first_name, last_name = excluded.last_name,
            language = excluded.language, phone = excluded.phone,
            street = excluded.street, number = excluded.number, unit = excluded.unit,
            city = excluded.city, zip = excluded.zip, position = excluded.position,
            retry = excluded.retry, expires_at = excluded.expires_at,
            state = excluded.state,
            due_at = CASE WHEN excluded.state = 'open' THEN NULL ELSE due_at END,
            result_event = CASE WHEN excluded.state = 'open' THEN NULL
                                ELSE result_event END",
    )?
    .execute(rusqlite::params![
        list.0,
        c.person,
        c.household.0,
        c.first_name,
        c.last_name,
        c.language,
        c.phone,
        c.street,
        c.number,
        c.unit,
        c.city,
        c.zip,
        c.position,
        c.retry,
        c.expires_at as i64,
        state
    ])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Arc;

    use groundgame_core::protocol::PullResponse;
    use groundgame_core::{CampaignConfig, CampaignId, Hlc};

    use super::*;

    const T0: u64 = 1_800_000_000_000;
    const LIST: CallListId = CallListId(7);

    fn contact(i: u32) -> HeldContact {
        HeldContact {
            list: LIST,
            person: PersonId::new_v7(),
            household: HouseholdId(100 + i64::from(i)),
            first_name: format!("Ana{i}"),
            last_name: "García".into(),
            language: Some("es".into()),
            phone: format!("+1919555{:04}", 1000 + i),
            street: "Oak St".into(),
            number: i.to_string(),
            unit: String::new(),
            city: "Durham".into(),
            zip: "27701".into(),
            position: i,
            retry: false,
            expires_at: T0 + 30 * 60 * 1000,
            call_back_due: None,
        }
    }

    fn list_info() -> CallListInfo {
        CallListInfo {
            id: LIST,
            name: "Everyone".into(),
            script: None,
            total: 3,
            left: 3,
            call_backs: 0,
        }
    }

    /// A store on a clock the test moves, with the default campaign and one list.
    fn store() -> (tempfile::TempDir, Store, Arc<AtomicU64>) {
        let dir = tempfile::tempdir().expect("tempdir");
        let now = Arc::new(AtomicU64::new(T0));
        let clock = now.clone();
        let store = Store::open(
            &dir.path().join("d.sqlite"),
            Arc::new(move || clock.load(Ordering::SeqCst)),
        )
        .expect("open");
        store
            .save_campaign(&CampaignConfig::with_defaults(CampaignId(1), "C"))
            .expect("campaign");
        store.replace_call_lists(&[list_info()]).expect("lists");
        (dir, store, now)
    }

    fn called(result: &str, at: Option<u64>) -> Vec<(Option<PersonId>, EventBody)> {
        vec![(
            None,
            EventBody::Contact {
                channel: Channel::Phone,
                result: result.into(),
                call_back_at: at,
            },
        )]
    }

    fn with_person(
        c: &HeldContact,
        mut items: Vec<(Option<PersonId>, EventBody)>,
    ) -> Vec<(Option<PersonId>, EventBody)> {
        for i in &mut items {
            i.0 = Some(c.person);
        }
        items
    }

    #[test]
    fn a_call_is_recorded_with_its_outbox_row_and_the_contact_is_not_shown_again() {
        let (_d, store, _now) = store();
        let cs: Vec<_> = (1..=3).map(contact).collect();
        store.apply_claim(LIST, &cs, 10).expect("claim");
        let list = store.call_list(LIST).expect("read").expect("list");
        assert_eq!((list.ready, list.exhausted), (3, true));
        assert_eq!(
            store.next_call(LIST).expect("next").map(|c| c.person),
            Some(cs[0].person)
        );

        let events = store
            .record_call(LIST, &cs[0], with_person(&cs[0], called("talked", None)))
            .expect("record");
        assert_eq!(events.len(), 1);
        assert_eq!(store.pending_count().expect("pending"), 1);
        assert_eq!(
            store.next_call(LIST).expect("next").map(|c| c.person),
            Some(cs[1].person)
        );
        assert_eq!(store.call_list(LIST).expect("read").expect("list").ready, 2);

        // An invalid call writes nothing: no event, the contact still to call.
        let bad = store.record_call(
            LIST,
            &cs[1],
            with_person(&cs[1], called("busy", Some(T0 + 1000))),
        );
        assert!(bad.is_err());
        assert_eq!(store.pending_count().expect("pending"), 1);
        assert_eq!(
            store.next_call(LIST).expect("next").map(|c| c.person),
            Some(cs[1].person)
        );

        // Skipped: not shown, and given back at the next sync.
        store.skip_call(LIST, cs[1].person).expect("skip");
        assert_eq!(
            store.skipped_calls(LIST).expect("skipped"),
            vec![cs[1].person]
        );
        assert_eq!(
            store.next_call(LIST).expect("next").map(|c| c.person),
            Some(cs[2].person)
        );
        store
            .forget_released(LIST, &[cs[1].person])
            .expect("forget");
        assert!(store.skipped_calls(LIST).expect("skipped").is_empty());
        // A due call-back can be passed on too.
        store
            .record_call(
                LIST,
                &cs[2],
                with_person(&cs[2], called("call_back", Some(T0))),
            )
            .expect("record");
        let due = store.next_call(LIST).expect("next").map(|c| c.person);
        assert_eq!(due, Some(cs[2].person));
        store.skip_call(LIST, cs[2].person).expect("skip");
        assert!(store.next_call(LIST).expect("next").is_none());
        assert_eq!(
            store.skipped_calls(LIST).expect("skipped"),
            vec![cs[2].person]
        );
        store
            .forget_released(LIST, &[cs[2].person])
            .expect("forget");

        // The server hands the reached contact back while its result waits to be pushed:
        // it stays reached.
        store
            .apply_claim(LIST, &[cs[0].clone()], 10)
            .expect("claim");
        assert!(store.next_call(LIST).expect("next").is_none());
    }

    #[test]
    fn a_call_draft_is_kept_until_the_call_is_recorded() {
        let (_d, store, _now) = store();
        let cs: Vec<_> = (1..=2).map(contact).collect();
        store.apply_claim(LIST, &cs, 10).expect("claim");
        store
            .save_call_draft(LIST, cs[0].person, r#"{"note":"half typed"}"#)
            .expect("draft");
        assert_eq!(
            store
                .call_draft(LIST, cs[0].person)
                .expect("read")
                .as_deref(),
            Some(r#"{"note":"half typed"}"#)
        );
        // The sync renewing the lease keeps it.
        store.apply_claim(LIST, &cs, 10).expect("claim");
        assert!(store
            .call_draft(LIST, cs[0].person)
            .expect("read")
            .is_some());
        store
            .record_call(LIST, &cs[0], with_person(&cs[0], called("talked", None)))
            .expect("record");
        assert!(store
            .call_draft(LIST, cs[0].person)
            .expect("read")
            .is_none());
        store
            .save_call_draft(LIST, cs[1].person, "x")
            .expect("draft");
        store
            .save_call_draft(LIST, cs[1].person, "")
            .expect("clear");
        assert!(store
            .call_draft(LIST, cs[1].person)
            .expect("read")
            .is_none());
    }

    #[test]
    fn a_call_back_comes_back_at_its_time_on_this_device() {
        let (_d, store, now) = store();
        let cs: Vec<_> = (1..=2).map(contact).collect();
        store.apply_claim(LIST, &cs, 10).expect("claim");
        let at = T0 + 3 * 60 * 60 * 1000;
        store
            .record_call(
                LIST,
                &cs[0],
                with_person(&cs[0], called("call_back", Some(at))),
            )
            .expect("record");
        store
            .record_call(LIST, &cs[1], with_person(&cs[1], called("no_answer", None)))
            .expect("record");
        assert!(store.next_call(LIST).expect("next").is_none());
        let list = store.call_list(LIST).expect("read").expect("list");
        assert_eq!(
            (list.ready, list.waiting_call_backs, list.next_call_back),
            (0, 1, Some(at))
        );
        now.store(at, Ordering::SeqCst);
        let back = store.next_call(LIST).expect("next").expect("due");
        assert_eq!((back.person, back.call_back_due), (cs[0].person, Some(at)));
        assert!(store
            .next_call_if_still(LIST, cs[0].person)
            .expect("still")
            .is_some());
        assert_eq!(store.due_call_back_count(LIST).expect("due"), 1);
    }

    #[test]
    fn open_contacts_the_server_no_longer_holds_here_are_dropped_and_lists_leave_with_their_contacts(
    ) {
        let (_d, store, _now) = store();
        let cs: Vec<_> = (1..=3).map(contact).collect();
        store.apply_claim(LIST, &cs, 10).expect("claim");
        // The lease ran out while offline and a teammate got the first one.
        store.apply_claim(LIST, &cs[1..], 10).expect("claim");
        assert_eq!(store.open_call_count(LIST).expect("open"), 2);
        assert!(store
            .next_call_if_still(LIST, cs[0].person)
            .expect("still")
            .is_none());
        // The volunteer is taken off the list: it goes with every contact.
        assert_eq!(store.replace_call_lists(&[]).expect("lists"), 1);
        assert_eq!(store.call_contact_count().expect("count"), 0);
        assert!(store.call_list(LIST).expect("read").is_none());
    }

    #[test]
    fn a_do_not_call_number_is_dropped_by_the_pull_that_brings_it_and_by_a_revocation_wipe() {
        let (_d, store, _now) = store();
        let cs: Vec<_> = (1..=3).map(contact).collect();
        store.apply_claim(LIST, &cs, 10).expect("claim");
        let mut config = CampaignConfig::with_defaults(CampaignId(1), "C");
        config.do_not_call = vec![cs[0].phone.clone()];
        store
            .apply_pull(&PullResponse {
                server_time: Hlc::new(T0, 0),
                campaign: config,
                scopes: Vec::new(),
                removed: Vec::new(),
                has_more: false,
            })
            .expect("pull");
        assert_eq!(store.call_contact_count().expect("count"), 2);
        assert_eq!(
            store.next_call(LIST).expect("next").map(|c| c.person),
            Some(cs[1].person)
        );

        // A do-not-call recorded here retires every held contact with that number at once.
        let mut twin = contact(9);
        twin.phone = cs[1].phone.clone();
        store
            .apply_claim(LIST, &[cs[1].clone(), cs[2].clone(), twin.clone()], 10)
            .expect("claim");
        store
            .record_call(
                LIST,
                &cs[1],
                with_person(&cs[1], called("do_not_call", None)),
            )
            .expect("record");
        assert_eq!(
            store.next_call(LIST).expect("next").map(|c| c.person),
            Some(cs[2].person)
        );
        assert!(store
            .next_call_if_still(LIST, twin.person)
            .expect("twin")
            .is_none());

        store.wipe_for_revocation().expect("wipe");
        assert_eq!(store.call_contact_count().expect("count"), 0);
        assert!(store.call_lists().expect("lists").is_empty());
    }
}
