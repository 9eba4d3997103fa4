//! Turfs in this device's scope with their households (in walking order) and people, and
//! applying the server's pull responses to them. A response is applied in ONE transaction
//! together with every turf's new cursor, so a crash re-pulls it; applying it twice is
//! harmless (everything is an upsert by id). A turf that leaves the scope takes its voter
//! data with it (unsaved door forms included) — but never the outbox: pending events are
//! pushed later all the same.

use groundgame_core::protocol::{PullResponse, ScopeCursor, ScopePage, TurfMap};
use groundgame_core::{Event, EventBody, Household, HouseholdId, Person, PersonId, TurfId};
use rusqlite::{OptionalExtension, Transaction};

use super::{campaign, drafts, events, hlc, Store, StoreError};

/// A turf as this device holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalTurf {
    pub id: TurfId,
    pub name: String,
    /// The last server sequence number held for this turf.
    pub cursor: u64,
    /// Households in the turf on the server.
    pub household_total: u32,
    /// Households of it on this device.
    pub households_held: u32,
}

/// What applying one pull response changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PullApplied {
    /// Households, people and events upserted or removed.
    pub rows: u64,
    pub removed_turfs: u64,
}

impl Store {
    /// The turfs held, by name.
    pub fn turfs(&self) -> Result<Vec<LocalTurf>, StoreError> {
        let inner = self.lock();
        let mut stmt = inner.conn.prepare_cached(
            "SELECT t.id, t.name, t.cursor, t.household_total,
                    (SELECT count(*) FROM households h WHERE h.turf = t.id)
             FROM turfs t ORDER BY t.name, t.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(LocalTurf {
                id: TurfId(r.get(0)?),
                name: r.get(1)?,
                cursor: r.get(2)?,
                household_total: r.get(3)?,
                households_held: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every held turf with its cursor: the `scopes` of the next pull.
    pub fn scopes(&self) -> Result<Vec<ScopeCursor>, StoreError> {
        let inner = self.lock();
        let mut stmt = inner.conn.prepare_cached(
            "SELECT t.id, t.cursor, m.tag FROM turfs t LEFT JOIN turf_maps m ON m.turf = t.id
             ORDER BY t.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(ScopeCursor {
                turf: TurfId(r.get(0)?),
                cursor: r.get(1)?,
                map: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The map of a turf held (its streets), if the server sent one.
    pub fn turf_map(&self, turf: TurfId) -> Result<Option<TurfMap>, StoreError> {
        let inner = self.lock();
        let text: Option<String> = inner
            .conn
            .prepare_cached("SELECT map FROM turf_maps WHERE turf = ?1")?
            .query_row([turf.0], |r| r.get(0))
            .optional()?;
        Ok(text.map(|t| serde_json::from_str(&t)).transpose()?)
    }

    /// A turf's households in walking order.
    pub fn households(&self, turf: TurfId) -> Result<Vec<Household>, StoreError> {
        let inner = self.lock();
        let mut stmt = inner.conn.prepare_cached(
            "SELECT id, turf, street, number, unit, city, zip, lat, lon, walk_order
             FROM households WHERE turf = ?1 ORDER BY walk_order, id",
        )?;
        let rows = stmt.query_map([turf.0], |r| {
            Ok(Household {
                id: HouseholdId(r.get(0)?),
                turf: TurfId(r.get(1)?),
                street: r.get(2)?,
                number: r.get(3)?,
                unit: r.get(4)?,
                city: r.get(5)?,
                zip: r.get(6)?,
                lat: r.get(7)?,
                lon: r.get(8)?,
                walk_order: r.get(9)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The people of a household: those from the voter file, then those added at the door
    /// (from `PersonAdded` events, until the server sends them back as people).
    pub fn people(&self, household: HouseholdId) -> Result<Vec<Person>, StoreError> {
        let mut people: Vec<Person> = {
            let inner = self.lock();
            let mut stmt = inner.conn.prepare_cached(
                "SELECT id, household, source_id, first_name, last_name, birth_year, party,
                        phone, language
                 FROM people WHERE household = ?1 ORDER BY last_name, first_name, id",
            )?;
            let rows = stmt.query_map([household.0], person_row)?;
            rows.collect::<Result<_, _>>()?
        };
        add_people_from_events(&mut people, household, &self.household_events(household)?);
        Ok(people)
    }

    /// The voter-file people of every household in a turf, in one query, by household then
    /// name. (Add those met at the door with [`add_people_from_events`].)
    pub fn turf_people(&self, turf: TurfId) -> Result<Vec<Person>, StoreError> {
        let inner = self.lock();
        let mut stmt = inner.conn.prepare_cached(
            "SELECT p.id, p.household, p.source_id, p.first_name, p.last_name, p.birth_year,
                    p.party, p.phone, p.language
             FROM people p JOIN households h ON h.id = p.household
             WHERE h.turf = ?1
             ORDER BY p.household, p.last_name, p.first_name, p.id",
        )?;
        let rows = stmt.query_map([turf.0], person_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Apply one pull response in ONE transaction: the campaign config, the server's clock,
    /// every scope page with its turf's new cursor, and the turfs that left the scope.
    pub fn apply_pull(&self, response: &PullResponse) -> Result<PullApplied, StoreError> {
        let mut inner = self.lock();
        let mut clock = inner.hlc;
        clock.observe(response.server_time);
        let campaign_changed = inner.campaign.as_ref() != Some(&response.campaign);
        let tx = inner.conn.transaction()?;
        let mut applied = PullApplied::default();
        if campaign_changed {
            campaign::save(&tx, &response.campaign)?;
            super::calls::drop_do_not_call(&tx, &response.campaign.do_not_call)?;
        }
        for page in &response.scopes {
            applied.rows += apply_page(&tx, page)?;
        }
        for turf in &response.removed {
            applied.rows += remove_turf(&tx, *turf)?;
            applied.removed_turfs += 1;
        }
        hlc::save(&tx, clock.last())?;
        crate::crash::point("pull-written");
        tx.commit()?;
        crate::crash::point("pull-committed");
        inner.hlc = clock;
        if campaign_changed {
            inner.campaign = Some(response.campaign.clone());
        }
        Ok(applied)
    }
}

/// A `people` row (the columns in the order the queries above select them).
fn person_row(r: &rusqlite::Row) -> rusqlite::Result<Person> {
    Ok(Person {
        id: r.get::<_, PersonId>(0)?,
        household: HouseholdId(r.get(1)?),
        source_id: r.get(2)?,
        first_name: r.get(3)?,
        last_name: r.get(4)?,
        birth_year: r.get(5)?,
        party: r.get(6)?,
        phone: r.get(7)?,
        language: r.get(8)?,
    })
}

/// Append to a household's `people` those added at its door (`PersonAdded` events among
/// `events`) that the server has not sent back as people yet.
pub fn add_people_from_events(people: &mut Vec<Person>, household: HouseholdId, events: &[Event]) {
    for event in events {
        let (
            Some(id),
            EventBody::PersonAdded {
                first_name,
                last_name,
                language,
                phone,
            },
        ) = (event.person, &event.body)
        else {
            continue;
        };
        if event.household == household && people.iter().all(|p| p.id != id) {
            people.push(Person {
                id,
                household,
                source_id: String::new(),
                first_name: first_name.clone(),
                last_name: last_name.clone(),
                birth_year: None,
                party: None,
                phone: phone.clone(),
                language: language.clone(),
            });
        }
    }
}

/// Upsert a page's turf (with its new cursor), households, people and events, then drop
/// what it says was removed. Returns the rows touched.
fn apply_page(tx: &Transaction, page: &ScopePage) -> Result<u64, StoreError> {
    let turf = page.turf.id;
    tx.prepare_cached(
        "INSERT INTO turfs (id, name, cursor, household_total) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, cursor = excluded.cursor,
            household_total = excluded.household_total",
    )?
    .execute(rusqlite::params![
        turf.0,
        page.turf.name,
        page.cursor,
        page.household_total
    ])?;
    {
        // A household is filed under the turf whose scope it came through, so it leaves
        // with that scope.
        let mut upsert = tx.prepare_cached(
            "INSERT INTO households (id, turf, street, number, unit, city, zip, lat, lon, walk_order)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
             ON CONFLICT (id) DO UPDATE SET turf = excluded.turf, street = excluded.street,
                number = excluded.number, unit = excluded.unit, city = excluded.city,
                zip = excluded.zip, lat = excluded.lat, lon = excluded.lon,
                walk_order = excluded.walk_order",
        )?;
        for h in &page.households {
            upsert.execute(rusqlite::params![
                h.id.0,
                turf.0,
                h.street,
                h.number,
                h.unit,
                h.city,
                h.zip,
                h.lat,
                h.lon,
                h.walk_order
            ])?;
        }
    }
    {
        let mut upsert = tx.prepare_cached(
            "INSERT INTO people (id, household, source_id, first_name, last_name, birth_year,
                                 party, phone, language)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (id) DO UPDATE SET household = excluded.household,
                source_id = excluded.source_id, first_name = excluded.first_name,
                last_name = excluded.last_name, birth_year = excluded.birth_year,
                party = excluded.party, phone = excluded.phone, language = excluded.language",
        )?;
        for p in &page.people {
            upsert.execute(rusqlite::params![
                p.id,
                p.household.0,
                p.source_id,
                p.first_name,
                p.last_name,
                p.birth_year,
                p.party,
                p.phone,
                p.language
            ])?;
        }
    }
    for event in &page.events {
        events::upsert_pulled(tx, event)?;
    }
    for household in &page.removed_households {
        let removed = tx
            .prepare_cached("DELETE FROM households WHERE id = ?1 AND turf = ?2")?
            .execute([household.0, turf.0])?;
        // Moved to another turf this device holds: it stays, with its people and events.
        if removed > 0 {
            tx.prepare_cached("DELETE FROM people WHERE household = ?1")?
                .execute([household.0])?;
            events::delete_for_household(tx, *household)?;
            drafts::delete_orphans(tx)?;
        }
    }
    for person in &page.removed_people {
        // Only while the person lives in this turf: someone who moved to a household of
        // another turf this device holds (whose page may have come first) stays.
        let removed = tx
            .prepare_cached(
                "DELETE FROM people WHERE id = ?1
                 AND household IN (SELECT id FROM households WHERE turf = ?2)",
            )?
            .execute(rusqlite::params![person, turf.0])?;
        if removed > 0 {
            events::delete_for_person(tx, *person)?;
        }
    }
    // Records a lead dismissed: this phone may hold one as delivered (it made it).
    events::delete_dismissed(tx, &page.removed_events)?;
    match &page.map {
        // The turf has no map any more (tag 0): drop the one held.
        Some(map) if map.tag == 0 => {
            tx.prepare_cached("DELETE FROM turf_maps WHERE turf = ?1")?
                .execute([turf.0])?;
        }
        Some(map) => {
            tx.prepare_cached(
                "INSERT INTO turf_maps (turf, tag, map) VALUES (?1, ?2, ?3)
                 ON CONFLICT (turf) DO UPDATE SET tag = excluded.tag, map = excluded.map",
            )?
            .execute(rusqlite::params![
                turf.0,
                map.tag,
                serde_json::to_string(map)?
            ])?;
        }
        None => {}
    }
    Ok((page.households.len()
        + page.people.len()
        + page.events.len()
        + page.removed_households.len()
        + page.removed_people.len()
        + page.removed_events.len()) as u64)
}

/// Drop a turf and all its voter data (households, people, events, unsaved door forms,
/// and any events, people or drafts left without a held household). The outbox is not
/// touched.
fn remove_turf(tx: &Transaction, turf: TurfId) -> Result<u64, StoreError> {
    let households = tx.execute("DELETE FROM households WHERE turf = ?1", [turf.0])?;
    tx.execute("DELETE FROM turfs WHERE id = ?1", [turf.0])?;
    tx.execute("DELETE FROM turf_maps WHERE turf = ?1", [turf.0])?;
    let people = tx.execute(
        "DELETE FROM people WHERE household NOT IN (SELECT id FROM households)",
        [],
    )?;
    let events = events::delete_without_household(tx)?;
    drafts::delete_orphans(tx)?;
    tracing::info!(turf = turf.0, households, "turf left this device's scope");
    Ok((households + people + events) as u64)
}
