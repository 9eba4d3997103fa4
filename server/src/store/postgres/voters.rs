//! Campaign data in and out on PostgreSQL: voter-file imports, map locations, placing
//! imported households into turfs, and the results export. The same meaning as the SQLite
//! modules of the same names (`sqlite::voters`, `sqlite::placement`, `sqlite::export`):
//! the same counts, the same report lines in the same order, the same rows.
//!
//! **An import is one transaction that holds the campaign's feed row** (see the module doc
//! of `store::postgres`): all of the file or none of it, and every feed number it hands out
//! (a change to a placed voter, a tombstone) commits in order.
//!
//! **Rows go through in batches of [`BATCH`]**, so memory stays small however long the
//! file (a first import keeps only a hash of each voter id and address it has had: about 30
//! MB for a million rows) and no row costs a round trip of its own. For each batch the import looks up, in one
//! query each, the stored people with the batch's voter ids and the stored households with
//! its addresses (on a campaign's first import, only the ids and addresses an earlier batch
//! of the same file had: nothing else can be stored; see `Written`); then it applies the
//! rows one by one in file order in memory, exactly as the SQLite import applies them to
//! its tables (a later row sees what an earlier one did), and writes what they changed in a
//! few set-based statements: new households and people through binary `COPY`, updates as
//! one `UPDATE ... FROM unnest(...)` per table. A campaign's first import is therefore a
//! stream of `COPY`s with two index probes per row; a later one compares every row with
//! what is stored, as it must, one batch at a time. Pending writes are flushed before a
//! placed household is re-sent to devices, because that reads the household's people as the
//! rows before it left them.
//!
//! **Household ids are numbered as SQLite numbers them.** Person ids are UUIDv7, made here
//! as everywhere. A new household has a stand-in id (negative) until it is written; the
//! write draws real ids from the table's identity sequence in one query, as many as
//! SQLite's `AUTOINCREMENT` uses: one per insert it tries (on a campaign's first import
//! every row tries one, and a taken address key turns it into nothing), never given back.
//! So the same files give the same household ids on both backends, and the results export
//! of the same events is the same byte for byte.

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasher;

use groundgame_core::{
    CampaignId, DeviceId, EventBody, EventId, Hlc, HouseholdId, PersonId, TurfId,
};
use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::Type;
use postgres::{Statement, Transaction};
use uuid::Uuid;

use super::rows::{self, Feed};
use super::PgStore;
use crate::clock;
use crate::import::{
    Address, GeoIssue, GeoRow, GeocodeSummary, ImportError, ImportSummary, Issue, ReportLine, Row,
    VoterImport, VoterRecord,
};
use crate::store::{ExportedEvent, StoreError, UnplacedHousehold};

/// Rows read, looked up and written together.
const BATCH: usize = 4096;

/// Rows an export or a removal reads from its cursor at a time.
const PAGE: i32 = 2000;

fn ms(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn campaign_exists(tx: &mut Transaction<'_>, campaign: CampaignId) -> Result<bool, StoreError> {
    Ok(tx
        .query_opt("SELECT 1 FROM campaigns WHERE id = $1", &[&campaign.0])?
        .is_some())
}

impl PgStore {
    /// Record the start of an import and return its id, in its own transaction: a failed
    /// import leaves this row, with no summary, as the record of the attempt.
    pub(super) fn begin_import(
        &self,
        campaign: CampaignId,
        format: &str,
        file_name: &str,
    ) -> Result<i64, StoreError> {
        self.write(|tx| {
            if !campaign_exists(tx, campaign)? {
                return Err(StoreError::NotFound("campaign"));
            }
            let row = tx.query_one(
                "INSERT INTO imports (campaign_id, format, file_name, started_at)
                 VALUES ($1, $2, $3, $4) RETURNING id",
                &[&campaign.0, &format, &file_name, &ms(clock::system_ms())],
            )?;
            Ok(row.get(0))
        })
    }

    /// Apply a voter file's rows in one transaction: all of it is stored, or, on any error,
    /// none of it. Report lines go to `report` as they are found. Runs on this thread (the
    /// rows and the report are not `Send`): call it where blocking is allowed.
    pub(super) fn import_voters(
        &self,
        import: &VoterImport,
        rows: &mut dyn Iterator<Item = Result<Row, ImportError>>,
        report: &mut dyn FnMut(&ReportLine) -> std::io::Result<()>,
    ) -> Result<ImportSummary, ImportError> {
        let mut conn = self.conn()?;
        let mut tx = conn.transaction().map_err(StoreError::from)?;
        let summary = apply(&mut tx, import, rows, report, clock::system_ms())?;
        tx.commit().map_err(StoreError::from)?;
        Ok(summary)
    }

    /// Set households' locations from a geocoding file's rows, matched by address key, in
    /// one transaction. A placed household with a new location is re-sent to devices.
    pub(super) fn set_locations(
        &self,
        campaign: CampaignId,
        rows: &mut dyn Iterator<Item = Result<GeoRow, ImportError>>,
        report: &mut dyn FnMut(u64, &GeoIssue) -> std::io::Result<()>,
    ) -> Result<GeocodeSummary, ImportError> {
        let mut conn = self.conn()?;
        let mut tx = conn.transaction().map_err(StoreError::from)?;
        let summary = locate(&mut tx, campaign, rows, report)?;
        tx.commit().map_err(StoreError::from)?;
        Ok(summary)
    }

    /// The campaign's households with no turf that still have someone to visit (a household
    /// whose people were all removed from the voter file is left out), in id order.
    pub(super) fn unplaced_households(
        &self,
        campaign: CampaignId,
    ) -> Result<Vec<UnplacedHousehold>, StoreError> {
        self.read(|tx| {
            Ok(tx
                .query(
                    "SELECT h.id, h.street, h.number, h.unit, h.precinct, h.lat, h.lon
                     FROM households h
                     WHERE h.campaign_id = $1 AND h.turf_id IS NULL
                       AND EXISTS (SELECT 1 FROM people p
                                   WHERE p.household_id = h.id AND p.status <> 'removed')
                     ORDER BY h.id",
                    &[&campaign.0],
                )?
                .iter()
                .map(|r| UnplacedHousehold {
                    id: HouseholdId(r.get(0)),
                    street: r.get(1),
                    number: r.get(2),
                    unit: r.get(3),
                    precinct: r.get(4),
                    lat: r.get(5),
                    lon: r.get(6),
                })
                .collect())
        })
    }

    /// Create one turf per `(name, households)` and place the households there, all in one
    /// transaction: either every turf is made or none is. Every household must belong to the
    /// campaign and have no turf yet.
    pub(super) fn place_households(
        &self,
        campaign: CampaignId,
        plan: &[(String, Vec<HouseholdId>)],
    ) -> Result<Vec<TurfId>, StoreError> {
        if plan.is_empty() {
            return Ok(Vec::new());
        }
        self.write_feed(campaign, |tx, feed| {
            let now_ms = clock::system_ms();
            let mut made = Vec::with_capacity(plan.len());
            for (name, members) in plan {
                if members.is_empty() {
                    return Err(StoreError::Invalid(format!(
                        "turf \"{name}\" would have no doors; leave it out of the plan"
                    )));
                }
                let turf = rows::create_turf(tx, campaign, name, now_ms)?;
                place(tx, feed, campaign, turf, members)?;
                made.push(turf);
            }
            Ok(made)
        })
    }

    /// Stream every event of the campaign, in feed order, from one read snapshot, to `row`;
    /// the first error `row` returns stops the export and is returned. Events of volunteers
    /// under quarantine are left out. With `with_household_voters`, door and building
    /// results carry the household's voter ids. Returns how many events were read.
    pub(super) fn export_events(
        &self,
        campaign: CampaignId,
        with_household_voters: bool,
        row: &mut dyn FnMut(&ExportedEvent) -> Result<(), StoreError>,
    ) -> Result<u64, StoreError> {
        if crate::store::may_block_here() {
            return self.export_each(campaign, with_household_voters, row);
        }
        // Inside an async task the client may not run here: read on a thread of its own and
        // hand the rows over a short queue, so the export still streams. When `row` fails,
        // the queue closes and the reader stops at its next row.
        let (send, receive) = std::sync::mpsc::sync_channel::<ExportedEvent>(PAGE as usize);
        std::thread::scope(|s| {
            let reader = s.spawn(move || {
                self.export_each(campaign, with_household_voters, &mut |event| {
                    send.send(event.clone())
                        .map_err(|_| StoreError::Invalid("the export was stopped".into()))
                })
            });
            let mut failed = None;
            for event in receive.iter() {
                if let Err(e) = row(&event) {
                    failed = Some(e);
                    break;
                }
            }
            drop(receive);
            let read = match reader.join() {
                Ok(read) => read,
                Err(panic) => std::panic::resume_unwind(panic),
            };
            match failed {
                Some(e) => Err(e),
                None => read,
            }
        })
    }

    /// [`PgStore::export_events`] on this thread, which may block.
    fn export_each(
        &self,
        campaign: CampaignId,
        with_household_voters: bool,
        row: &mut dyn FnMut(&ExportedEvent) -> Result<(), StoreError>,
    ) -> Result<u64, StoreError> {
        self.read_here(|tx| {
            if !campaign_exists(tx, campaign)? {
                return Err(StoreError::NotFound("campaign"));
            }
            // Voter ids in byte order, as SQLite sorts them, whatever the database's
            // collation. Only results about no one in particular need them.
            let portal = tx.bind(
                "SELECT e.id, e.at, e.household_id, e.person_id, e.body, e.device_id,
                        e.stale_assignment, p.source_id, h.street, h.number, h.unit, h.city,
                        h.zip, v.name,
                        CASE WHEN $2 AND e.person_id IS NULL AND e.kind = 'contact' THEN
                            ARRAY(SELECT q.source_id FROM people q
                                  WHERE q.household_id = e.household_id AND q.source_id <> ''
                                  ORDER BY q.source_id COLLATE \"C\")
                        END
                 FROM events e
                 LEFT JOIN people p ON p.id = e.person_id
                 LEFT JOIN households h ON h.id = e.household_id
                 LEFT JOIN volunteers v ON v.id = e.volunteer_id
                 WHERE e.campaign_id = $1
                   AND e.volunteer_id NOT IN (SELECT volunteer_id FROM quarantines
                                              WHERE campaign_id = $1 AND released_at IS NULL)
                 ORDER BY e.seq",
                &[&campaign.0, &with_household_voters],
            )?;
            let mut count = 0;
            loop {
                let page = tx.query_portal(&portal, PAGE)?;
                if page.is_empty() {
                    return Ok(count);
                }
                for r in &page {
                    let event = exported(r, with_household_voters)?;
                    row(&event)?;
                    count += 1;
                }
            }
        })
    }
}

/// One row of the export query as what the export shows.
fn exported(r: &postgres::Row, with_household_voters: bool) -> Result<ExportedEvent, StoreError> {
    let body: EventBody = serde_json::from_str(r.get::<_, &str>(4))
        .map_err(|e| StoreError::Corrupt(format!("event body: {e}")))?;
    let person = r.get::<_, Option<Uuid>>(3).map(PersonId);
    let address = r
        .get::<_, Option<String>>(8)
        .map(|street| [street, r.get(9), r.get(10), r.get(11), r.get(12)]);
    let household_voters =
        if with_household_voters && person.is_none() && matches!(body, EventBody::Contact { .. }) {
            r.get::<_, Option<Vec<String>>>(14).unwrap_or_default()
        } else {
            Vec::new()
        };
    Ok(ExportedEvent {
        id: EventId(r.get(0)),
        at: Hlc(r.get::<_, i64>(1) as u64),
        household: HouseholdId(r.get(2)),
        person,
        body,
        source_id: r.get::<_, Option<String>>(7).unwrap_or_default(),
        address,
        volunteer_name: r.get::<_, Option<String>>(13).unwrap_or_default(),
        device: DeviceId(r.get(5)),
        stale_assignment: r.get(6),
        household_voters,
    })
}

// --- placing households --------------------------------------------------------------

/// Place unplaced households of the campaign into `turf`, which was just made (so every
/// door in it is new to it), and sequence it as `rows::resequence` would: each household
/// gets its walking position and a feed number in walking order, then its active people
/// follow, household by household in walking order, by id within one.
fn place(
    tx: &mut Transaction<'_>,
    feed: &mut Feed,
    campaign: CampaignId,
    turf: TurfId,
    members: &[HouseholdId],
) -> Result<(), StoreError> {
    let wanted: Vec<i64> = members.iter().map(|h| h.0).collect();
    let mut claimed: HashSet<i64> = tx
        .query(
            "UPDATE households SET turf_id = $3, seq = 0, walk_order = 0
             WHERE id = ANY($1) AND campaign_id = $2 AND turf_id IS NULL
             RETURNING id",
            &[&wanted, &campaign.0, &turf.0],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    // The first household that could not be claimed, in the plan's order (a household
    // listed twice cannot be claimed the second time).
    if let Some(h) = members.iter().find(|h| !claimed.remove(&h.0)) {
        return Err(StoreError::Invalid(format!(
            "household {} is not an unplaced household of this campaign (it may already be \
             in a turf); cut turfs again from the current data",
            h.0
        )));
    }
    let doors: Vec<_> = tx
        .query(
            "SELECT id, seq, walk_order, street, number, unit, lat, lon
             FROM households WHERE turf_id = $1",
            &[&turf.0],
        )?
        .iter()
        .map(super::rows::doorstep)
        .collect();
    let ids: Vec<i64> = super::rows::walking_order(tx, campaign, doors)?;
    let walk: Vec<i64> = (1..=ids.len() as i64).collect();
    let seqs: Vec<i64> = ids.iter().map(|_| feed.take()).collect();
    tx.execute(
        "UPDATE households h SET walk_order = u.walk_order, seq = u.seq
         FROM unnest($1::int8[], $2::int8[], $3::int8[]) AS u(id, walk_order, seq)
         WHERE h.id = u.id",
        &[&ids, &walk, &seqs],
    )?;
    let mut people: HashMap<i64, Vec<Uuid>> = HashMap::new();
    for r in tx.query(
        "SELECT household_id, id FROM people
         WHERE household_id = ANY($1) AND status <> 'removed' ORDER BY id",
        &[&ids],
    )? {
        people.entry(r.get(0)).or_default().push(r.get(1));
    }
    let persons: Vec<Uuid> = ids
        .iter()
        .flat_map(|id| people.remove(id).unwrap_or_default())
        .collect();
    let seqs: Vec<i64> = persons.iter().map(|_| feed.take()).collect();
    tx.execute(
        "UPDATE people p SET turf_id = $1, seq = u.seq
         FROM unnest($2::uuid[], $3::int8[]) AS u(id, seq)
         WHERE p.id = u.id",
        &[&turf.0, &persons, &seqs],
    )?;
    Ok(())
}

/// Give a placed household a new `seq` so devices receive its changed row, and move its
/// people and events after it, so in the turf's feed they still follow their household.
/// Returns how many rows devices will receive.
fn resend_household(
    tx: &mut Transaction<'_>,
    feed: &mut Feed,
    household: i64,
    turf: i64,
) -> Result<u64, StoreError> {
    let seq = feed.take();
    tx.execute(
        "UPDATE households SET seq = $2 WHERE id = $1",
        &[&household, &seq],
    )?;
    let people = tx.execute(
        "UPDATE people p SET seq = $3 + o.n
         FROM (SELECT id, row_number() OVER (ORDER BY seq) AS n FROM people
               WHERE household_id = $1 AND turf_id = $2) AS o
         WHERE p.id = o.id",
        &[&household, &turf, &feed.last],
    )?;
    feed.last += people as i64;
    let events = tx.execute(
        "UPDATE events e SET seq = $3 + o.n
         FROM (SELECT id, row_number() OVER (ORDER BY seq) AS n FROM events
               WHERE turf_id = $2 AND household_id = $1) AS o
         WHERE e.id = o.id",
        &[&household, &turf, &feed.last],
    )?;
    feed.last += events as i64;
    Ok(1 + people + events)
}

// --- map locations -------------------------------------------------------------------

/// A household a geocoding file names, as stored or as earlier rows left it.
struct Located {
    id: i64,
    turf: Option<i64>,
    lat: Option<f64>,
    lon: Option<f64>,
    dirty: bool,
}

fn locate(
    tx: &mut Transaction<'_>,
    campaign: CampaignId,
    rows: &mut dyn Iterator<Item = Result<GeoRow, ImportError>>,
    report: &mut dyn FnMut(u64, &GeoIssue) -> std::io::Result<()>,
) -> Result<GeocodeSummary, ImportError> {
    let mut feed = Feed::begin(tx, campaign)?;
    let find = tx
        .prepare(
            "SELECT address_key, id, turf_id, lat, lon FROM households
             WHERE campaign_id = $1 AND address_key = ANY($2) AND address_key <> ''",
        )
        .map_err(StoreError::from)?;
    let update = tx
        .prepare(
            "UPDATE households h SET lat = u.lat, lon = u.lon
             FROM unnest($1::int8[], $2::float8[], $3::float8[]) AS u(id, lat, lon)
             WHERE h.id = u.id",
        )
        .map_err(StoreError::from)?;
    let mut summary = GeocodeSummary::default();
    let mut batch = Vec::with_capacity(BATCH);
    loop {
        batch.clear();
        while batch.len() < BATCH {
            match rows.next() {
                Some(row) => batch.push(row),
                None => break,
            }
        }
        if batch.is_empty() {
            break;
        }
        let keys: Vec<&str> = batch
            .iter()
            .filter_map(|r| match r {
                Ok(GeoRow::Location { key, .. }) => Some(key.as_str()),
                _ => None,
            })
            .collect();
        let mut doors: HashMap<String, Located> = tx
            .query(&find, &[&campaign.0, &keys])
            .map_err(StoreError::from)?
            .iter()
            .map(|r| {
                let door = Located {
                    id: r.get(1),
                    turf: r.get(2),
                    lat: r.get(3),
                    lon: r.get(4),
                    dirty: false,
                };
                (r.get(0), door)
            })
            .collect();
        for row in batch.drain(..) {
            summary.rows += 1;
            let (row, key, lat, lon) = match row? {
                GeoRow::Location { row, key, lat, lon } => (row, key, lat, lon),
                GeoRow::Skipped { row, issue } => {
                    summary.bad_rows += 1;
                    report(row, &issue).map_err(ImportError::Report)?;
                    continue;
                }
            };
            let Some(door) = doors.get_mut(&key) else {
                summary.unmatched += 1;
                report(row, &GeoIssue::Unmatched).map_err(ImportError::Report)?;
                continue;
            };
            if (door.lat, door.lon) == (Some(lat), Some(lon)) {
                summary.unchanged += 1;
                continue;
            }
            (door.lat, door.lon, door.dirty) = (Some(lat), Some(lon), true);
            summary.updated += 1;
            if let Some(turf) = door.turf {
                summary.sent_to_devices += resend_household(tx, &mut feed, door.id, turf)?;
            }
        }
        let dirty: Vec<&Located> = doors.values().filter(|d| d.dirty).collect();
        if !dirty.is_empty() {
            let ids: Vec<i64> = dirty.iter().map(|d| d.id).collect();
            let lats: Vec<Option<f64>> = dirty.iter().map(|d| d.lat).collect();
            let lons: Vec<Option<f64>> = dirty.iter().map(|d| d.lon).collect();
            tx.execute(&update, &[&ids, &lats, &lons])
                .map_err(StoreError::from)?;
        }
    }
    feed.finish(tx)?;
    Ok(summary)
}

// --- voter-file imports --------------------------------------------------------------

/// A person a row of this batch names, as stored.
struct Stored {
    id: Uuid,
    household: i64,
    turf: Option<i64>,
    first_name: String,
    last_name: String,
    birth_year: Option<u16>,
    party: Option<String>,
    phone: Option<String>,
    language: Option<String>,
    status: String,
}

/// What the import knows of a voter id while applying a batch.
enum Known {
    /// Stored, and not in this file so far.
    Stored(Stored),
    /// Already on an earlier row of this file (added, updated or found unchanged): the
    /// same id again is a duplicate row.
    Seen,
}

/// A household a row of this batch lives at, as stored or as earlier rows left it.
struct Door {
    turf: Option<i64>,
    lat: Option<f64>,
    lon: Option<f64>,
    precinct: String,
    /// Made by this import and not written yet: its address and key.
    new: Option<(Address, String)>,
    /// Its location or precinct changed since it was read or written.
    dirty: bool,
}

/// The household a row was given.
struct Found {
    id: i64,
    turf: Option<i64>,
    /// Made by this row.
    created: bool,
}

/// A person row to insert, or the new values of a stored one.
struct PersonRow {
    id: Uuid,
    household: i64,
    turf: Option<i64>,
    seq: i64,
    source_id: String,
    first_name: String,
    last_name: String,
    birth_year: Option<i64>,
    party: Option<String>,
    phone: Option<String>,
    language: Option<String>,
    status: &'static str,
}

impl PersonRow {
    fn new(id: Uuid, household: i64, turf: Option<i64>, seq: i64, rec: VoterRecord) -> Self {
        PersonRow {
            id,
            household,
            turf,
            seq,
            status: rec.status.as_str(),
            birth_year: rec.birth_year.map(i64::from),
            source_id: rec.source_id,
            first_name: rec.first_name,
            last_name: rec.last_name,
            party: rec.party,
            phone: rec.phone,
            language: rec.language,
        }
    }
}

/// The statements an import runs once per batch, prepared once per import.
struct Statements {
    find_people: Statement,
    find_households: Statement,
    reserve_ids: Statement,
    update_households: Statement,
    update_people: Statement,
    mark_seen: Statement,
    tombstones: Statement,
}

impl Statements {
    fn prepare(tx: &mut Transaction<'_>) -> Result<Self, StoreError> {
        Ok(Statements {
            find_people: tx.prepare(
                "SELECT source_id, id, household_id, turf_id, first_name, last_name,
                        birth_year, party, phone, language, status, seen_import
                 FROM people
                 WHERE campaign_id = $1 AND source_id = ANY($2) AND source_id <> ''",
            )?,
            find_households: tx.prepare(
                "SELECT address_key, id, turf_id, lat, lon, precinct FROM households
                 WHERE campaign_id = $1 AND address_key = ANY($2) AND address_key <> ''",
            )?,
            reserve_ids: tx.prepare(
                "SELECT nextval(pg_get_serial_sequence('households', 'id'))
                 FROM generate_series(1, $1::int8)",
            )?,
            update_households: tx.prepare(
                "UPDATE households h SET lat = u.lat, lon = u.lon, precinct = u.precinct
                 FROM unnest($1::int8[], $2::float8[], $3::float8[], $4::text[])
                      AS u(id, lat, lon, precinct)
                 WHERE h.id = u.id",
            )?,
            update_people: tx.prepare(
                "UPDATE people p
                 SET household_id = u.household_id, turf_id = u.turf_id, seq = u.seq,
                     first_name = u.first_name, last_name = u.last_name,
                     birth_year = u.birth_year, party = u.party, phone = u.phone,
                     language = u.language, status = u.status, import_id = $1,
                     seen_import = $1
                 FROM unnest($2::uuid[], $3::int8[], $4::int8[], $5::int8[], $6::text[],
                             $7::text[], $8::int8[], $9::text[], $10::text[], $11::text[],
                             $12::text[])
                      AS u(id, household_id, turf_id, seq, first_name, last_name, birth_year,
                           party, phone, language, status)
                 WHERE p.id = u.id",
            )?,
            mark_seen: tx.prepare("UPDATE people SET seen_import = $1 WHERE id = ANY($2)")?,
            tombstones: tx.prepare(
                "INSERT INTO tombstones (seq, campaign_id, turf_id, person_id)
                 SELECT u.seq, $1, u.turf_id, u.person_id
                 FROM unnest($2::int8[], $3::int8[], $4::uuid[]) AS u(seq, turf_id, person_id)",
            )?,
        })
    }
}

/// The running totals of one import, and the sink its report lines go to.
struct Run<'a, 'r> {
    import: &'a VoterImport,
    summary: ImportSummary,
    report: &'a mut (dyn FnMut(&ReportLine) -> std::io::Result<()> + 'r),
    /// No person of the campaign had a voter id when the import began (its first import).
    /// As on SQLite, such an import gives each row its household before it knows whether
    /// the voter id repeats an earlier row's.
    fresh_people: bool,
    /// No household of the campaign had an address key when the import began: SQLite
    /// tries an insert first (using up an id) and looks up only when the key is taken.
    fresh_households: bool,
}

impl Run<'_, '_> {
    fn line(&mut self, row: u64, source_id: &str, issue: Issue) -> Result<(), ImportError> {
        self.summary.tally(issue.key(), issue.tally());
        (self.report)(&ReportLine {
            row,
            source_id: source_id.to_string(),
            issue,
        })
        .map_err(ImportError::Report)
    }
}

/// One import's transaction, feed and the batch it is applying.
struct Apply<'a, 't> {
    tx: &'a mut Transaction<'t>,
    st: Statements,
    feed: Feed,
    campaign: CampaignId,
    import_id: i64,
    /// Household ids used since the last write (stand-ins `-1`, `-2`, ... until then).
    ids_used: i64,
    /// The batch's voter ids, by voter id.
    people: HashMap<String, Known>,
    /// The batch's households, by id, and their ids by address key.
    doors: HashMap<i64, Door>,
    by_key: HashMap<String, i64>,
    /// Writes not sent yet.
    new_doors: Vec<i64>,
    inserts: Vec<PersonRow>,
    updates: Vec<PersonRow>,
    seen: Vec<Uuid>,
    tombstones: Vec<(i64, i64, Uuid)>,
    /// What the store can hold of a campaign's first import (see [`Written`]).
    written: Written,
}

/// On a campaign's first import, the store holds no voter id (or no address key) but those
/// this import wrote itself. So a batch need only ask the store about the ones an earlier
/// batch of this file had: a voter id repeated further down the file, a door shared with a
/// row in an earlier batch. The import keeps a 64-bit hash of each it has had (a few bytes
/// a row, not the text), and asks about a row's id or key only when its hash is there: a
/// hash shared by two texts costs a look-up that finds nothing, never a wrong answer. The
/// hashes are keyed afresh for each import, so no file can be made to collide on purpose.
/// `None`: not the first import, every row is looked up.
struct Written {
    hasher: std::hash::RandomState,
    ids: Option<HashSet<u64>>,
    keys: Option<HashSet<u64>>,
}

impl Written {
    fn new(fresh_people: bool, fresh_households: bool) -> Self {
        Written {
            hasher: std::hash::RandomState::new(),
            ids: fresh_people.then(HashSet::new),
            keys: fresh_households.then(HashSet::new),
        }
    }

    fn may_hold(&self, set: &Option<HashSet<u64>>, text: &str) -> bool {
        set.as_ref()
            .is_none_or(|had| had.contains(&self.hasher.hash_one(text)))
    }

    /// Note a batch's ids and keys: from the next batch on, the store may hold them.
    fn had<'r>(&mut self, batch: impl Iterator<Item = &'r VoterRecord>) {
        for rec in batch {
            if let Some(ids) = self.ids.as_mut() {
                ids.insert(self.hasher.hash_one(rec.source_id.as_str()));
            }
            if let Some(keys) = self.keys.as_mut() {
                keys.insert(self.hasher.hash_one(rec.address_key.as_str()));
            }
        }
    }
}

/// Apply every row of a voter file. The caller opened `tx` and commits it.
fn apply(
    tx: &mut Transaction<'_>,
    import: &VoterImport,
    rows: &mut dyn Iterator<Item = Result<Row, ImportError>>,
    report: &mut dyn FnMut(&ReportLine) -> std::io::Result<()>,
    now_ms: u64,
) -> Result<ImportSummary, ImportError> {
    let feed = Feed::begin(tx, import.campaign)?;
    let fresh_people = !tx
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM people WHERE campaign_id = $1 AND source_id <> '')",
            &[&import.campaign.0],
        )
        .map_err(StoreError::from)?
        .get::<_, bool>(0);
    let fresh_households = !tx
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM households
                            WHERE campaign_id = $1 AND address_key <> '')",
            &[&import.campaign.0],
        )
        .map_err(StoreError::from)?
        .get::<_, bool>(0);
    let st = Statements::prepare(tx)?;
    let mut run = Run {
        import,
        summary: ImportSummary {
            import_id: import.import_id,
            format: import.format.to_string(),
            full_file: import.full_file,
            ..ImportSummary::default()
        },
        report,
        fresh_people,
        fresh_households,
    };
    let mut apply = Apply {
        tx,
        st,
        feed,
        campaign: import.campaign,
        import_id: import.import_id,
        ids_used: 0,
        people: HashMap::new(),
        doors: HashMap::new(),
        by_key: HashMap::new(),
        new_doors: Vec::new(),
        inserts: Vec::new(),
        updates: Vec::new(),
        seen: Vec::new(),
        tombstones: Vec::new(),
        written: Written::new(run.fresh_people, run.fresh_households),
    };
    let mut batch = Vec::with_capacity(BATCH);
    loop {
        while batch.len() < BATCH {
            match rows.next() {
                Some(row) => batch.push(row?),
                None => break,
            }
        }
        if batch.is_empty() {
            break;
        }
        apply.look_up(&batch)?;
        for row in batch.drain(..) {
            match row {
                Row::Blank => run.summary.blank_rows += 1,
                Row::Skipped(line) => {
                    run.summary.rows += 1;
                    run.line(line.row, &line.source_id, line.issue)?;
                }
                Row::Voter(record) => {
                    run.summary.rows += 1;
                    apply.voter(&mut run, record)?;
                }
            }
        }
        apply.flush()?;
    }
    let s = &run.summary;
    if import.full_file && s.added + s.updated + s.unchanged == 0 {
        // A wrong file must not mark the whole campaign removed.
        return Err(ImportError::NothingImported);
    }
    if import.full_file {
        apply.remove_absent(&mut run)?;
    }
    let json = serde_json::to_string(&run.summary)
        .map_err(|e| StoreError::Corrupt(format!("import summary: {e}")))?;
    let Apply { tx, feed, .. } = apply;
    tx.execute(
        "UPDATE imports SET finished_at = $2, summary = $3 WHERE id = $1",
        &[&import.import_id, &ms(now_ms), &json],
    )
    .map_err(StoreError::from)?;
    feed.finish(tx)?;
    Ok(run.summary)
}

impl Apply<'_, '_> {
    /// Read what is stored of the batch's voter ids and addresses.
    fn look_up(&mut self, batch: &[Row]) -> Result<(), StoreError> {
        self.people.clear();
        self.doors.clear();
        self.by_key.clear();
        let voters = || {
            batch.iter().filter_map(|r| match r {
                Row::Voter(rec) => Some(rec),
                _ => None,
            })
        };
        if voters().next().is_none() {
            return Ok(());
        }
        let written = &self.written;
        let ids: Vec<&str> = voters()
            .map(|r| r.source_id.as_str())
            .filter(|id| written.may_hold(&written.ids, id))
            .collect();
        let keys: Vec<&str> = voters()
            .map(|r| r.address_key.as_str())
            .filter(|key| written.may_hold(&written.keys, key))
            .collect();
        let people = if ids.is_empty() {
            Vec::new()
        } else {
            self.tx
                .query(&self.st.find_people, &[&self.campaign.0, &ids])?
        };
        let households = if keys.is_empty() {
            Vec::new()
        } else {
            self.tx
                .query(&self.st.find_households, &[&self.campaign.0, &keys])?
        };
        self.written.had(voters());
        for r in people {
            let known = if r.get::<_, Option<i64>>(11) == Some(self.import_id) {
                Known::Seen
            } else {
                Known::Stored(Stored {
                    id: r.get(1),
                    household: r.get(2),
                    turf: r.get(3),
                    first_name: r.get(4),
                    last_name: r.get(5),
                    birth_year: r
                        .get::<_, Option<i64>>(6)
                        .and_then(|y| u16::try_from(y).ok()),
                    party: r.get(7),
                    phone: r.get(8),
                    language: r.get(9),
                    status: r.get(10),
                })
            };
            self.people.insert(r.get(0), known);
        }
        for r in households {
            let id: i64 = r.get(1);
            self.doors.insert(
                id,
                Door {
                    turf: r.get(2),
                    lat: r.get(3),
                    lon: r.get(4),
                    precinct: r.get(5),
                    new: None,
                    dirty: false,
                },
            );
            self.by_key.insert(r.get(0), id);
        }
        Ok(())
    }

    /// Use up the next household id: its stand-in until the next write.
    fn use_id(&mut self) -> i64 {
        self.ids_used += 1;
        -self.ids_used
    }

    /// One voter row: duplicate check, household upsert, person insert or update (the
    /// steps and their order of `sqlite::voters::voter`).
    fn voter(&mut self, run: &mut Run<'_, '_>, rec: VoterRecord) -> Result<(), ImportError> {
        let mut door = None;
        if run.fresh_people {
            // The campaign's first voters: each row gets its door first; a row whose
            // voter id repeats an earlier one leaves no household of its own behind.
            let found = self.household(run, &rec)?;
            if found.turf.is_none() {
                if self.see(&rec.source_id).is_some() {
                    if found.created {
                        self.forget_new_door(found.id);
                        run.summary.households_added -= 1;
                    }
                    return run.line(rec.row, &rec.source_id, Issue::Duplicate);
                }
                for w in &rec.warnings {
                    run.line(rec.row, &rec.source_id, w.clone())?;
                }
                self.inserts
                    .push(PersonRow::new(PersonId::new_v7().0, found.id, None, 0, rec));
                run.summary.added += 1;
                return Ok(());
            }
            door = Some(found);
        }
        let stored = match self.see(&rec.source_id) {
            Some(Known::Seen) => return run.line(rec.row, &rec.source_id, Issue::Duplicate),
            Some(Known::Stored(p)) => Some(p),
            None => None,
        };
        for w in &rec.warnings {
            run.line(rec.row, &rec.source_id, w.clone())?;
        }
        let door = match door {
            Some(door) => door,
            None => self.household(run, &rec)?,
        };
        let Some(p) = stored else {
            let seq = door.turf.map_or(0, |_| self.feed.take());
            self.inserts.push(PersonRow::new(
                PersonId::new_v7().0,
                door.id,
                door.turf,
                seq,
                rec,
            ));
            run.summary.added += 1;
            if door.turf.is_some() {
                run.summary.sent_to_devices += 1;
            }
            return Ok(());
        };
        let moved = p.household != door.id;
        let changed = moved
            || p.turf != door.turf
            || p.status != rec.status.as_str()
            || p.first_name != rec.first_name
            || p.last_name != rec.last_name
            || p.birth_year != rec.birth_year
            || p.party != rec.party
            || p.phone != rec.phone
            || p.language != rec.language;
        if !changed {
            self.seen.push(p.id);
            run.summary.unchanged += 1;
            return Ok(());
        }
        if let Some(old) = p.turf.filter(|&old| Some(old) != door.turf) {
            let seq = self.feed.take();
            self.tombstones.push((seq, old, p.id));
            run.summary.sent_to_devices += 1;
        }
        let seq = door.turf.map_or(0, |_| self.feed.take());
        let moved_unplaced = moved && p.turf.is_some() && door.turf.is_none();
        let (row, source_id) = (rec.row, rec.source_id.clone());
        self.updates
            .push(PersonRow::new(p.id, door.id, door.turf, seq, rec));
        run.summary.updated += 1;
        if door.turf.is_some() {
            run.summary.sent_to_devices += 1;
        }
        if moved {
            run.summary.moved += 1;
            if moved_unplaced {
                run.summary.moved_unplaced += 1;
                run.line(row, &source_id, Issue::MovedUnplaced)?;
            }
        }
        Ok(())
    }

    /// Mark a voter id as on a row of this file; what was known of it before.
    fn see(&mut self, source_id: &str) -> Option<Known> {
        if source_id.is_empty() {
            // Not a voter id the unique index knows: never found, never a duplicate.
            return None;
        }
        self.people.insert(source_id.to_string(), Known::Seen)
    }

    /// Find or create the record's household; take the file's precinct and location for
    /// it (the file's location, when it has one, replaces the stored one; an empty
    /// precinct never erases a known one).
    fn household(
        &mut self,
        run: &mut Run<'_, '_>,
        rec: &VoterRecord,
    ) -> Result<Found, ImportError> {
        let existing = match rec.address_key.as_str() {
            "" => None,
            key => self.by_key.get(key).copied(),
        };
        // SQLite's order of work, for the ids it uses up: on a campaign's first households
        // it tries the insert first, and a taken key wastes the id.
        let tried = run.fresh_households.then(|| self.use_id());
        let Some(id) = existing else {
            let id = tried.unwrap_or_else(|| self.use_id());
            return Ok(self.new_door(run, rec, id));
        };
        let door = self.doors.get_mut(&id).ok_or_else(|| {
            StoreError::Corrupt("a household found a moment ago is missing".into())
        })?;
        let located = rec.lat.is_some() && (door.lat, door.lon) != (rec.lat, rec.lon);
        let new_precinct = !rec.precinct.is_empty() && door.precinct != rec.precinct;
        if located {
            (door.lat, door.lon) = (rec.lat, rec.lon);
        }
        if new_precinct {
            door.precinct.clone_from(&rec.precinct);
        }
        door.dirty |= located || new_precinct;
        let turf = door.turf;
        if let (true, Some(placed)) = (located, turf) {
            // The re-send reads the household's people as the rows before left them.
            self.flush()?;
            run.summary.sent_to_devices += resend_household(self.tx, &mut self.feed, id, placed)?;
        }
        Ok(Found {
            id,
            turf,
            created: false,
        })
    }

    /// Add the record's household, unplaced, as `id` (a stand-in until it is written).
    fn new_door(&mut self, run: &mut Run<'_, '_>, rec: &VoterRecord, id: i64) -> Found {
        self.doors.insert(
            id,
            Door {
                turf: None,
                lat: rec.lat,
                lon: rec.lon,
                precinct: rec.precinct.clone(),
                new: Some((rec.address.clone(), rec.address_key.clone())),
                dirty: false,
            },
        );
        if !rec.address_key.is_empty() {
            self.by_key.insert(rec.address_key.clone(), id);
        }
        self.new_doors.push(id);
        run.summary.households_added += 1;
        Found {
            id,
            turf: None,
            created: true,
        }
    }

    /// Undo [`Apply::new_door`] for the household just made (its id stays used up, as
    /// SQLite's `AUTOINCREMENT` never gives one back).
    fn forget_new_door(&mut self, id: i64) {
        if let Some(Door {
            new: Some((_, key)),
            ..
        }) = self.doors.remove(&id)
        {
            if self.by_key.get(&key) == Some(&id) {
                self.by_key.remove(&key);
            }
        }
        self.new_doors.retain(|&d| d != id);
    }

    /// Draw real ids for the stand-ins used since the last write, and put them in place
    /// of the stand-ins everywhere they are held.
    fn draw_ids(&mut self) -> Result<(), StoreError> {
        if self.ids_used == 0 {
            return Ok(());
        }
        let mut drawn: Vec<i64> = self
            .tx
            .query(&self.st.reserve_ids, &[&self.ids_used])?
            .iter()
            .map(|r| r.get(0))
            .collect();
        drawn.sort_unstable();
        self.ids_used = 0;
        let real = |id: i64| -> Result<i64, StoreError> {
            if id >= 0 {
                return Ok(id);
            }
            usize::try_from(-id - 1)
                .ok()
                .and_then(|i| drawn.get(i).copied())
                .ok_or_else(|| StoreError::Corrupt("a household id was not drawn".into()))
        };
        for id in &mut self.new_doors {
            let stand_in = *id;
            *id = real(stand_in)?;
            if let Some(door) = self.doors.remove(&stand_in) {
                if let Some((_, key)) = &door.new {
                    if let Some(held) = self.by_key.get_mut(key).filter(|h| **h == stand_in) {
                        *held = *id;
                    }
                }
                self.doors.insert(*id, door);
            }
        }
        for p in self.inserts.iter_mut().chain(self.updates.iter_mut()) {
            p.household = real(p.household)?;
        }
        Ok(())
    }

    /// Send every pending write, in an order the foreign keys accept.
    fn flush(&mut self) -> Result<(), StoreError> {
        self.draw_ids()?;
        let campaign = self.campaign.0;
        if !self.new_doors.is_empty() {
            let copy = self.tx.copy_in(
                "COPY households (id, campaign_id, seq, street, number, unit, city, zip, lat,
                                  lon, walk_order, address_key, precinct)
                 FROM STDIN (FORMAT binary)",
            )?;
            let mut w = BinaryCopyInWriter::new(
                copy,
                &[
                    Type::INT8,
                    Type::INT8,
                    Type::INT8,
                    Type::TEXT,
                    Type::TEXT,
                    Type::TEXT,
                    Type::TEXT,
                    Type::TEXT,
                    Type::FLOAT8,
                    Type::FLOAT8,
                    Type::INT8,
                    Type::TEXT,
                    Type::TEXT,
                ],
            );
            for id in self.new_doors.drain(..) {
                let Some(door) = self.doors.get_mut(&id) else {
                    continue;
                };
                let Some((a, key)) = door.new.take() else {
                    continue;
                };
                // Written with its values as of now: no update needed after.
                door.dirty = false;
                w.write(&[
                    &id,
                    &campaign,
                    &0i64,
                    &a.street,
                    &a.number,
                    &a.unit,
                    &a.city,
                    &a.zip,
                    &door.lat,
                    &door.lon,
                    &0i64,
                    &key,
                    &door.precinct,
                ])?;
            }
            w.finish()?;
        }
        let dirty: Vec<(i64, &Door)> = self
            .doors
            .iter()
            .filter(|(_, d)| d.dirty)
            .map(|(id, d)| (*id, d))
            .collect();
        if !dirty.is_empty() {
            let ids: Vec<i64> = dirty.iter().map(|(id, _)| *id).collect();
            let lats: Vec<Option<f64>> = dirty.iter().map(|(_, d)| d.lat).collect();
            let lons: Vec<Option<f64>> = dirty.iter().map(|(_, d)| d.lon).collect();
            let precincts: Vec<&str> = dirty.iter().map(|(_, d)| d.precinct.as_str()).collect();
            self.tx.execute(
                &self.st.update_households,
                &[&ids, &lats, &lons, &precincts],
            )?;
            for door in self.doors.values_mut() {
                door.dirty = false;
            }
        }
        if !self.inserts.is_empty() {
            let copy = self.tx.copy_in(
                "COPY people (id, campaign_id, household_id, turf_id, seq, source_id,
                              first_name, last_name, birth_year, party, phone, language,
                              status, import_id, seen_import)
                 FROM STDIN (FORMAT binary)",
            )?;
            let mut w = BinaryCopyInWriter::new(
                copy,
                &[
                    Type::UUID,
                    Type::INT8,
                    Type::INT8,
                    Type::INT8,
                    Type::INT8,
                    Type::TEXT,
                    Type::TEXT,
                    Type::TEXT,
                    Type::INT8,
                    Type::TEXT,
                    Type::TEXT,
                    Type::TEXT,
                    Type::TEXT,
                    Type::INT8,
                    Type::INT8,
                ],
            );
            for p in self.inserts.drain(..) {
                w.write(&[
                    &p.id,
                    &campaign,
                    &p.household,
                    &p.turf,
                    &p.seq,
                    &p.source_id,
                    &p.first_name,
                    &p.last_name,
                    &p.birth_year,
                    &p.party,
                    &p.phone,
                    &p.language,
                    &p.status,
                    &self.import_id,
                    &self.import_id,
                ])?;
            }
            w.finish()?;
        }
        if !self.updates.is_empty() {
            let u = std::mem::take(&mut self.updates);
            let ids: Vec<Uuid> = u.iter().map(|p| p.id).collect();
            let households: Vec<i64> = u.iter().map(|p| p.household).collect();
            let turfs: Vec<Option<i64>> = u.iter().map(|p| p.turf).collect();
            let seqs: Vec<i64> = u.iter().map(|p| p.seq).collect();
            let first: Vec<&str> = u.iter().map(|p| p.first_name.as_str()).collect();
            let last: Vec<&str> = u.iter().map(|p| p.last_name.as_str()).collect();
            let born: Vec<Option<i64>> = u.iter().map(|p| p.birth_year).collect();
            let party: Vec<Option<&str>> = u.iter().map(|p| p.party.as_deref()).collect();
            let phone: Vec<Option<&str>> = u.iter().map(|p| p.phone.as_deref()).collect();
            let language: Vec<Option<&str>> = u.iter().map(|p| p.language.as_deref()).collect();
            let status: Vec<&str> = u.iter().map(|p| p.status).collect();
            self.tx.execute(
                &self.st.update_people,
                &[
                    &self.import_id,
                    &ids,
                    &households,
                    &turfs,
                    &seqs,
                    &first,
                    &last,
                    &born,
                    &party,
                    &phone,
                    &language,
                    &status,
                ],
            )?;
        }
        if !self.seen.is_empty() {
            self.tx
                .execute(&self.st.mark_seen, &[&self.import_id, &self.seen])?;
            self.seen.clear();
        }
        if !self.tombstones.is_empty() {
            let seqs: Vec<i64> = self.tombstones.iter().map(|t| t.0).collect();
            let turfs: Vec<i64> = self.tombstones.iter().map(|t| t.1).collect();
            let persons: Vec<Uuid> = self.tombstones.iter().map(|t| t.2).collect();
            self.tx
                .execute(&self.st.tombstones, &[&campaign, &seqs, &turfs, &persons])?;
            self.tombstones.clear();
        }
        Ok(())
    }

    /// Mark removed the people an earlier import of this format saw and this full file did
    /// not; a placed one leaves a tombstone in their turf. Report lines and tombstones go in
    /// voter-id order (byte order, as SQLite sorts), read through a cursor.
    fn remove_absent(&mut self, run: &mut Run<'_, '_>) -> Result<(), ImportError> {
        const ABSENT: &str = "campaign_id = $1 AND source_id <> '' AND status <> 'removed'
               AND seen_import <> $2
               AND seen_import IN (SELECT id FROM imports
                                   WHERE campaign_id = $1 AND format = $3)";
        let import = run.import;
        let params: [&(dyn postgres::types::ToSql + Sync); 3] =
            [&import.campaign.0, &import.import_id, &import.format];
        let portal = self
            .tx
            .bind(
                &format!(
                    "SELECT source_id FROM people WHERE {ABSENT}
                     ORDER BY source_id COLLATE \"C\""
                ),
                &params,
            )
            .map_err(StoreError::from)?;
        loop {
            let page = self
                .tx
                .query_portal(&portal, PAGE)
                .map_err(StoreError::from)?;
            if page.is_empty() {
                break;
            }
            for r in &page {
                run.summary.removed += 1;
                run.line(0, r.get(0), Issue::Removed)?;
            }
        }
        let tombstoned = self
            .tx
            .execute(
                &format!(
                    "INSERT INTO tombstones (seq, campaign_id, turf_id, person_id)
                     SELECT $4 + row_number() OVER (ORDER BY source_id COLLATE \"C\"), $1,
                            turf_id, id
                     FROM people WHERE {ABSENT} AND turf_id IS NOT NULL"
                ),
                &[params[0], params[1], params[2], &self.feed.last],
            )
            .map_err(StoreError::from)?;
        self.feed.last += tombstoned as i64;
        run.summary.sent_to_devices += tombstoned;
        let removed = self
            .tx
            .execute(
                &format!(
                    "UPDATE people SET status = 'removed', turf_id = NULL, seq = 0,
                                       import_id = $2
                     WHERE {ABSENT}"
                ),
                &params,
            )
            .map_err(StoreError::from)?;
        if removed != run.summary.removed {
            return Err(StoreError::Corrupt(format!(
                "{removed} people were marked removed but {} were listed; nothing was \
                 imported, try again",
                run.summary.removed
            ))
            .into());
        }
        Ok(())
    }
}
