//! The read behind the results export: every field event of a campaign with what a row of
//! the export needs beside it (the voter's id from the source file, the address, who
//! recorded it), streamed in sequence order from one read snapshot so memory stays flat
//! however many events the campaign has.
//!
//! Households and people taken out of a turf are deleted, but their events are kept: such
//! rows come with no address and no source id (the person id is still there).
//!
//! Events of volunteers under quarantine (`store::quarantine`) are left out until the lead
//! releases them; [`SqliteStore::quarantined_event_count`] says how many.

use groundgame_core::{CampaignId, DeviceId, EventBody, EventId, Hlc, HouseholdId, PersonId};
use rusqlite::Connection;

use super::{campaigns, SqliteStore, StoreError};

/// One stored event with what the export shows beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportedEvent {
    pub id: EventId,
    /// The server's time for it.
    pub at: Hlc,
    pub household: HouseholdId,
    pub person: Option<PersonId>,
    pub body: EventBody,
    /// The person's id in the voter file; empty for people added at the door, and for
    /// events not about a person or whose person is no longer listed.
    pub source_id: String,
    /// Street, number, unit, city, zip; `None` once the household left its turf.
    pub address: Option<[String; 5]>,
    pub volunteer_name: String,
    pub device: DeviceId,
    /// Recorded after the volunteer's assignment to the turf had ended.
    pub stale_assignment: bool,
    /// Source ids of the people listed at the household, when asked for and the event is a
    /// result about no one in particular (a door or building result).
    pub household_voters: Vec<String>,
}

/// Call `row` with each event of the campaign, in sequence order; stops at its first error.
/// Returns how many events were read.
fn each<E: From<StoreError>>(
    conn: &Connection,
    campaign: CampaignId,
    with_household_voters: bool,
    row: &mut dyn FnMut(&ExportedEvent) -> Result<(), E>,
) -> Result<u64, E> {
    if !campaigns::exists(conn, campaign)? {
        return Err(StoreError::NotFound("campaign").into());
    }
    let mut stmt = conn
        .prepare_cached(
            "SELECT e.id, e.at, e.household_id, e.person_id, e.body, e.device_id,
                    e.stale_assignment, p.source_id, h.street, h.number, h.unit, h.city, h.zip,
                    v.name
             FROM events e
             LEFT JOIN people p ON p.id = e.person_id
             LEFT JOIN households h ON h.id = e.household_id
             LEFT JOIN volunteers v ON v.id = e.volunteer_id
             WHERE e.campaign_id = ?1
               AND e.volunteer_id NOT IN (SELECT volunteer_id FROM quarantines
                                          WHERE campaign_id = ?1 AND released_at IS NULL)
             ORDER BY e.seq",
        )
        .map_err(StoreError::from)?;
    let mut voters = conn
        .prepare_cached(
            "SELECT source_id FROM people WHERE household_id = ?1 AND source_id <> ''
             ORDER BY source_id",
        )
        .map_err(StoreError::from)?;
    let mut rows = stmt.query([campaign.0]).map_err(StoreError::from)?;
    let mut count = 0;
    while let Some(r) = rows.next().map_err(StoreError::from)? {
        let read = || -> Result<ExportedEvent, StoreError> {
            let body: EventBody =
                serde_json::from_str(r.get_ref(4)?.as_str().map_err(rusqlite::Error::from)?)
                    .map_err(|e| StoreError::Corrupt(format!("event body: {e}")))?;
            let person: Option<PersonId> = r.get(3)?;
            let street: Option<String> = r.get(8)?;
            let address = match street {
                Some(street) => Some([street, r.get(9)?, r.get(10)?, r.get(11)?, r.get(12)?]),
                None => None,
            };
            Ok(ExportedEvent {
                id: r.get(0)?,
                at: Hlc(r.get::<_, i64>(1)? as u64),
                household: HouseholdId(r.get(2)?),
                person,
                body,
                device: DeviceId(r.get(5)?),
                stale_assignment: r.get(6)?,
                source_id: r.get::<_, Option<String>>(7)?.unwrap_or_default(),
                address,
                volunteer_name: r.get::<_, Option<String>>(13)?.unwrap_or_default(),
                household_voters: Vec::new(),
            })
        };
        let mut event = read()?;
        if with_household_voters
            && event.person.is_none()
            && matches!(event.body, EventBody::Contact { .. })
        {
            event.household_voters = voters
                .query_map([event.household.0], |r| r.get(0))
                .map_err(StoreError::from)?
                .collect::<Result<_, _>>()
                .map_err(StoreError::from)?;
        }
        row(&event)?;
        count += 1;
    }
    Ok(count)
}

impl SqliteStore {
    /// Stream every event of the campaign, in sequence order, from one read snapshot, to
    /// `row`; the first error `row` returns stops the export and is returned. With
    /// `with_household_voters`, door and building results carry the household's voter ids.
    /// Returns how many events were read.
    pub fn export_events<E: From<StoreError>>(
        &self,
        campaign: CampaignId,
        with_household_voters: bool,
        mut row: impl FnMut(&ExportedEvent) -> Result<(), E>,
    ) -> Result<u64, E> {
        let mut conn = self.readers.get();
        let tx = conn.transaction().map_err(StoreError::from)?;
        let count = each(&tx, campaign, with_household_voters, &mut row)?;
        tx.finish().map_err(StoreError::from)?;
        Ok(count)
    }
}
