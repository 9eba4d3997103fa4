//! Applying a voter file: upserting households by normalised address
//! (`campaign_id`, `address_key`) and people by the file's voter id (`campaign_id`,
//! `source_id`), so importing a newer file updates people instead of duplicating them.
//!
//! **Atomicity: the whole import is one write transaction.** A fatal error anywhere (the
//! file stops being readable, the database fails) rolls everything back, so a campaign is
//! never left half-imported; only the `imports` row made by [`begin`] in its own
//! transaction remains, with no summary, as the record of a failed attempt. SQLite keeps
//! memory flat however large the transaction (dirty pages spill to the WAL); the price is
//! that the database's one writer is busy for the length of the import (about ten seconds
//! per million rows), during which devices' pushes wait and retry.
//!
//! New households and people are *unplaced* (`turf_id` NULL, `seq` 0): no device sees them
//! until turfs are cut. A change to a person or household already in a turf takes a new
//! `seq`, so devices receive it on their next pull; a placed household's people and events
//! move after it in the feed, keeping every row behind the household it belongs to. A
//! placed voter who moves to another turf's address or to an unplaced one leaves a
//! tombstone in the old turf; a removed voter leaves one too.
//!
//! Removal: only a **full-file** import removes anyone, and only people last seen by an
//! earlier import of the **same format** (an ncvoter file never removes VAN people). Such
//! people absent from the new file get `status = 'removed'` and leave their turf; they are
//! kept for the history of what was recorded with them. A returning voter is reinstated.

use groundgame_core::{CampaignId, PersonId, TurfId};
use rusqlite::{
    params, Connection, OptionalExtension, Statement, Transaction, TransactionBehavior,
};

use super::sequence::Sequence;
use super::{campaigns, tombstones, StoreError};
use crate::import::geocode::{GeoIssue, GeoRow, GeocodeSummary};
use crate::import::{ImportError, ImportSummary, Issue, ReportLine, Row, VoterImport, VoterRecord};

/// Where report lines go as they are found (the report file, or a test's list).
pub type ReportSink<'a> = dyn FnMut(&ReportLine) -> std::io::Result<()> + 'a;

/// Record the start of an import and return its id. Runs in its own transaction.
pub(crate) fn begin(
    tx: &Transaction<'_>,
    campaign: CampaignId,
    format: &str,
    file_name: &str,
    now_ms: u64,
) -> Result<i64, StoreError> {
    if !campaigns::exists(tx, campaign)? {
        return Err(StoreError::NotFound("campaign"));
    }
    tx.prepare_cached(
        "INSERT INTO imports (campaign_id, format, file_name, started_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![campaign.0, format, file_name, now_ms])?;
    Ok(tx.last_insert_rowid())
}

/// A person as stored, for comparing with the file.
struct Stored {
    id: PersonId,
    household: i64,
    turf: Option<i64>,
    first_name: String,
    last_name: String,
    birth_year: Option<u16>,
    party: Option<String>,
    phone: Option<String>,
    language: Option<String>,
    status: String,
    seen_import: Option<i64>,
}

/// A household as stored.
struct Door {
    id: i64,
    turf: Option<i64>,
    /// Made by this row.
    created: bool,
}

/// The statements run once per row, prepared once per import. The look-ups repeat the
/// partial unique indexes' condition (`<> ''`): without it SQLite cannot use them and scans
/// the table for every row.
struct Statements<'c> {
    find_person: Statement<'c>,
    find_household: Statement<'c>,
    household_by_id: Statement<'c>,
    spend_household_id: Statement<'c>,
    update_household: Statement<'c>,
    update_person: Statement<'c>,
    mark_seen: Statement<'c>,
    /// A household insert that a taken address key turns into nothing (a look-up follows).
    try_insert_household: Statement<'c>,
    /// A person insert that a taken voter id turns into nothing: on a campaign's first
    /// import that is how a duplicate row is found, instead of looking every row up first.
    try_insert_person: Statement<'c>,
    delete_household: Statement<'c>,
}

impl<'c> Statements<'c> {
    const FIND_PERSON: &'static str =
        "SELECT id, household_id, turf_id, first_name, last_name, birth_year, party, phone,
                language, status, seen_import
         FROM people WHERE campaign_id = ?1 AND source_id = ?2 AND source_id <> ''";
    const FIND_HOUSEHOLD: &'static str = "SELECT id, turf_id, lat, lon, precinct FROM households
         WHERE campaign_id = ?1 AND address_key = ?2 AND address_key <> ''";
    const HOUSEHOLD_BY_ID: &'static str =
        "SELECT id, turf_id, lat, lon, precinct FROM households WHERE id = ?1";
    const SPEND_HOUSEHOLD_ID: &'static str =
        "UPDATE sqlite_sequence SET seq = seq + 1 WHERE name = 'households'";
    const UPDATE_HOUSEHOLD: &'static str =
        "UPDATE households SET lat = ?2, lon = ?3, precinct = ?4 WHERE id = ?1";
    const UPDATE_PERSON: &'static str =
        "UPDATE people SET household_id = ?2, turf_id = ?3, seq = ?4, first_name = ?5,
                           last_name = ?6, birth_year = ?7, party = ?8, phone = ?9,
                           language = ?10, status = ?11, import_id = ?12, seen_import = ?12
         WHERE id = ?1";
    const MARK_SEEN: &'static str = "UPDATE people SET seen_import = ?2 WHERE id = ?1";
    const TRY_INSERT_HOUSEHOLD: &'static str =
        "INSERT OR IGNORE INTO households (campaign_id, turf_id, seq, street, number, unit,
                                           city, zip, lat, lon, walk_order, address_key,
                                           precinct)
         VALUES (?1, NULL, 0, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?9, ?10)";
    const TRY_INSERT_PERSON: &'static str =
        "INSERT OR IGNORE INTO people (id, campaign_id, household_id, turf_id, seq, source_id,
                                       first_name, last_name, birth_year, party, phone,
                                       language, status, import_id, seen_import)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)";
    const DELETE_HOUSEHOLD: &'static str = "DELETE FROM households WHERE id = ?1";

    fn prepare(tx: &'c Transaction<'_>) -> Result<Self, StoreError> {
        Ok(Statements {
            find_person: tx.prepare(Self::FIND_PERSON)?,
            find_household: tx.prepare(Self::FIND_HOUSEHOLD)?,
            household_by_id: tx.prepare(Self::HOUSEHOLD_BY_ID)?,
            spend_household_id: tx.prepare(Self::SPEND_HOUSEHOLD_ID)?,
            update_household: tx.prepare(Self::UPDATE_HOUSEHOLD)?,
            update_person: tx.prepare(Self::UPDATE_PERSON)?,
            mark_seen: tx.prepare(Self::MARK_SEEN)?,
            try_insert_household: tx.prepare(Self::TRY_INSERT_HOUSEHOLD)?,
            try_insert_person: tx.prepare(Self::TRY_INSERT_PERSON)?,
            delete_household: tx.prepare(Self::DELETE_HOUSEHOLD)?,
        })
    }

    fn find_person(
        &mut self,
        campaign: CampaignId,
        source_id: &str,
    ) -> Result<Option<Stored>, StoreError> {
        Ok(self
            .find_person
            .query_row(params![campaign.0, source_id], |r| {
                Ok(Stored {
                    id: r.get::<_, PersonId>(0)?,
                    household: r.get(1)?,
                    turf: r.get(2)?,
                    first_name: r.get(3)?,
                    last_name: r.get(4)?,
                    birth_year: r.get(5)?,
                    party: r.get(6)?,
                    phone: r.get(7)?,
                    language: r.get(8)?,
                    status: r.get(9)?,
                    seen_import: r.get(10)?,
                })
            })
            .optional()?)
    }
}

/// The running totals of one import, and the sink its report lines go to.
struct Run<'a, 'r> {
    import: &'a VoterImport,
    summary: ImportSummary,
    report: &'a mut ReportSink<'r>,
    /// No person of the campaign had a voter id when the import began, so a voter id
    /// already stored can only be a duplicate row of this file.
    fresh_people: bool,
    /// No household of the campaign had an address key when the import began.
    fresh_households: bool,
    /// The unique indexes this first import builds after its rows.
    deferred: Deferred,
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

/// A campaign's first import writes its rows before the two unique indexes whose inserts
/// come in random order — voter id and address, the cost of an import that otherwise only
/// appends — and builds them after, in one sorted pass. Meanwhile the same questions they
/// answered ("is this voter id taken?", "which household has this address?") are answered
/// from memory, for this campaign's keys only (no other row of the campaign has one, or
/// the indexes are not deferred): a duplicate row and a shared door are reported row by
/// row exactly as before. Keys are kept as 128 bits of their SHA-256 (about 40 bytes a
/// voter, against a file's hundreds), so memory stays bounded: past
/// [`DEFERRED_MAX_KEYS`] the indexes are built there and the import goes on through them.
/// A failed import rolls the dropped indexes back with everything else.
#[derive(Default)]
struct Deferred {
    /// The definitions of the indexes dropped, to build them again.
    indexes: Vec<String>,
    /// Voter ids seen, while `people_source` is deferred.
    people: Option<std::collections::HashSet<u128>>,
    /// Households made, by address, while `households_address` is deferred.
    households: Option<std::collections::HashMap<u128, i64>>,
}

/// The page cache while a first import writes its rows before its indexes (KiB).
const DEFERRED_CACHE_KIB: i64 = -32_768;

/// The most keys held in memory before the deferred indexes are built (about 80 MB).
const DEFERRED_MAX_KEYS: usize = 2_000_000;

#[cfg(test)]
thread_local! {
    /// Tests lower the bound to see an import build its indexes half-way.
    pub(crate) static TEST_DEFERRED_MAX_KEYS: std::cell::Cell<usize> =
        const { std::cell::Cell::new(DEFERRED_MAX_KEYS) };
}

fn deferred_max_keys() -> usize {
    #[cfg(test)]
    return TEST_DEFERRED_MAX_KEYS.with(std::cell::Cell::get);
    #[cfg(not(test))]
    DEFERRED_MAX_KEYS
}

impl Deferred {
    /// Drop the indexes a first import may build after its rows: the address index when
    /// the campaign has no addressed household yet, the voter-id index when it also has no
    /// voter with an id (a placed door would need look-ups by voter id).
    fn begin(tx: &Transaction<'_>, people: bool, households: bool) -> Result<Self, StoreError> {
        let mut deferred = Deferred::default();
        if households {
            deferred.drop_index(tx, "households_address")?;
            deferred.households = Some(Default::default());
        }
        if people && households {
            deferred.drop_index(tx, "people_source")?;
            deferred.people = Some(Default::default());
        }
        if !deferred.indexes.is_empty() {
            // Rows that only append need little cache; the keys in memory take the rest.
            tx.execute_batch(&format!("PRAGMA cache_size = {DEFERRED_CACHE_KIB}"))?;
        }
        Ok(deferred)
    }

    fn drop_index(&mut self, tx: &Transaction<'_>, name: &str) -> Result<(), StoreError> {
        let sql: Option<String> = tx
            .query_row(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?1",
                [name],
                |r| r.get(0),
            )
            .optional()?;
        let sql = sql.ok_or_else(|| StoreError::Corrupt(format!("the index {name} is missing")))?;
        tx.execute_batch(&format!("DROP INDEX {name}"))?;
        self.indexes.push(sql);
        Ok(())
    }

    fn key(text: &str) -> u128 {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(text.as_bytes());
        let mut first = [0u8; 16];
        first.copy_from_slice(&digest[..16]);
        u128::from_le_bytes(first)
    }

    /// Build the dropped indexes (at the end, or when memory would grow past the bound);
    /// from then on the indexes answer.
    fn build(&mut self, tx: &Transaction<'_>) -> Result<(), StoreError> {
        if self.indexes.is_empty() {
            return Ok(());
        }
        for sql in self.indexes.drain(..) {
            tx.execute_batch(&sql)?;
        }
        // Any rows after this go through the indexes again, in random order.
        tx.execute_batch(&format!("PRAGMA cache_size = {IMPORT_CACHE_KIB}"))?;
        self.people = None;
        self.households = None;
        Ok(())
    }

    fn build_if_full(&mut self, tx: &Transaction<'_>) -> Result<(), StoreError> {
        let held = self.people.as_ref().map_or(0, |p| p.len())
            + self.households.as_ref().map_or(0, |h| h.len());
        if held >= deferred_max_keys() {
            self.build(tx)?;
        }
        Ok(())
    }

    /// While the voter-id index is deferred: whether `source_id` is new (and now taken).
    /// None when the index answers.
    fn take_voter_id(&mut self, source_id: &str) -> Option<bool> {
        let people = self.people.as_mut()?;
        // The index is partial: an empty id never conflicts.
        Some(source_id.is_empty() || people.insert(Self::key(source_id)))
    }

    /// While the address index is deferred: the household already made at this address,
    /// as `Some(Some(id))`; `Some(None)` when there is none. None when the index answers.
    fn household_at(&self, address_key: &str) -> Option<Option<i64>> {
        let households = self.households.as_ref()?;
        if address_key.is_empty() {
            return Some(None);
        }
        Some(households.get(&Self::key(address_key)).copied())
    }

    fn made_household(&mut self, address_key: &str, id: i64) {
        if let Some(households) = self.households.as_mut() {
            if !address_key.is_empty() {
                households.insert(Self::key(address_key), id);
            }
        }
    }

    fn removed_household(&mut self, address_key: &str) {
        if let Some(households) = self.households.as_mut() {
            households.remove(&Self::key(address_key));
        }
    }
}

/// The page cache while an import runs (negative: KiB). The unique indexes on voter id and
/// address take inserts in random order, so throughput holds while they fit in the cache
/// (about two million voters at 128 MiB) and falls when they do not; memory stays bounded
/// by this figure either way.
const IMPORT_CACHE_KIB: i64 = -131_072;

/// Apply every row of a voter file in one transaction on the writer connection, with
/// foreign-key checks off while it runs: every row it writes points at the campaign checked
/// in [`begin`] or at a household it has just found or made, so the checks would only repeat
/// three look-ups per row. They are on again afterwards, and the page cache back to its
/// size ([`IMPORT_CACHE_KIB`] while importing), whatever happened.
pub(crate) fn import(
    conn: &mut Connection,
    import: &VoterImport,
    rows: impl Iterator<Item = Result<Row, ImportError>>,
    report: &mut ReportSink<'_>,
    now_ms: u64,
) -> Result<ImportSummary, ImportError> {
    let cache: i64 = conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
    conn.execute_batch("PRAGMA foreign_keys = OFF")?;
    conn.execute(&format!("PRAGMA cache_size = {IMPORT_CACHE_KIB}"), [])?;
    let result = (|| {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let summary = apply(&tx, import, rows, report, now_ms)?;
        tx.commit()?;
        Ok(summary)
    })();
    conn.execute_batch("PRAGMA foreign_keys = ON")?;
    conn.execute(&format!("PRAGMA cache_size = {cache}"), [])?;
    result
}

/// Apply every row of a voter file. The caller opened `tx` and commits it.
fn apply(
    tx: &Transaction<'_>,
    import: &VoterImport,
    rows: impl Iterator<Item = Result<Row, ImportError>>,
    report: &mut ReportSink<'_>,
    now_ms: u64,
) -> Result<ImportSummary, ImportError> {
    let mut seq = Sequence::begin(tx)?;
    let mut run = Run {
        import,
        summary: ImportSummary {
            import_id: import.import_id,
            format: import.format.to_string(),
            full_file: import.full_file,
            ..ImportSummary::default()
        },
        report,
        fresh_people: !tx
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM people WHERE campaign_id = ?1 AND source_id <> '')",
            )?
            .query_row([import.campaign.0], |r| r.get::<_, bool>(0))?,
        fresh_households: !tx
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM households
                                WHERE campaign_id = ?1 AND address_key <> '')",
            )?
            .query_row([import.campaign.0], |r| r.get::<_, bool>(0))?,
        deferred: Deferred::default(),
    };
    run.deferred = Deferred::begin(tx, run.fresh_people, run.fresh_households)?;
    {
        let mut st = Statements::prepare(tx)?;
        for row in rows {
            match row? {
                Row::Blank => run.summary.blank_rows += 1,
                Row::Skipped(line) => {
                    run.summary.rows += 1;
                    run.line(line.row, &line.source_id, line.issue)?;
                }
                Row::Voter(record) => {
                    run.summary.rows += 1;
                    voter(tx, &mut st, &mut seq, &mut run, record)?;
                    run.deferred.build_if_full(tx)?;
                }
            }
        }
    }
    run.deferred.build(tx)?;
    let s = &run.summary;
    if import.full_file && s.added + s.updated + s.unchanged == 0 {
        // A wrong file must not mark the whole campaign removed.
        return Err(ImportError::NothingImported);
    }
    if import.full_file {
        remove_absent(tx, &mut seq, &mut run)?;
    }
    let json = serde_json::to_string(&run.summary)
        .map_err(|e| StoreError::Corrupt(format!("import summary: {e}")))?;
    tx.prepare_cached("UPDATE imports SET finished_at = ?2, summary = ?3 WHERE id = ?1")?
        .execute(params![import.import_id, now_ms, json])?;
    seq.finish(tx)?;
    Ok(run.summary)
}

/// One voter row: duplicate check, household upsert, person insert or update.
fn voter(
    tx: &Transaction<'_>,
    st: &mut Statements<'_>,
    seq: &mut Sequence,
    run: &mut Run<'_, '_>,
    rec: VoterRecord,
) -> Result<(), ImportError> {
    let campaign = run.import.campaign;
    let import_id = run.import.import_id;
    let status = rec.status.as_str();
    let mut door = None;
    if run.fresh_people {
        // The campaign's first voters: insert, and let the unique index on the voter id
        // say whether this row repeats one. Saves a look-up per row. Only for an unplaced
        // door, which needs no feed number (numbers are gapless: none may be taken for a
        // row that turns out to be a duplicate).
        let found = household(tx, st, seq, run, &rec)?;
        if found.turf.is_none() {
            let inserted = match run.deferred.take_voter_id(&rec.source_id) {
                Some(false) => 0,
                _ => new_person(st, run.import, found.id, None, 0, &rec)?,
            };
            if inserted == 0 {
                if found.created {
                    // Made for this row alone: a duplicate leaves no empty household.
                    st.delete_household.execute([found.id])?;
                    run.deferred.removed_household(&rec.address_key);
                    run.summary.households_added -= 1;
                }
                return run.line(rec.row, &rec.source_id, Issue::Duplicate);
            }
            for w in &rec.warnings {
                run.line(rec.row, &rec.source_id, w.clone())?;
            }
            run.summary.added += 1;
            return Ok(());
        }
        door = Some(found);
    }
    let stored = st.find_person(campaign, &rec.source_id)?;
    if stored
        .as_ref()
        .is_some_and(|p| p.seen_import == Some(import_id))
    {
        return run.line(rec.row, &rec.source_id, Issue::Duplicate);
    }
    for w in &rec.warnings {
        run.line(rec.row, &rec.source_id, w.clone())?;
    }
    let door = match door {
        Some(door) => door,
        None => household(tx, st, seq, run, &rec)?,
    };
    let Some(p) = stored else {
        let turf_seq = door.turf.map_or(0, |_| seq.take());
        if new_person(st, run.import, door.id, door.turf, turf_seq, &rec)? == 0 {
            return Err(StoreError::Corrupt(
                "a voter id not found a moment ago is taken; nothing was imported".into(),
            )
            .into());
        }
        run.summary.added += 1;
        if door.turf.is_some() {
            run.summary.sent_to_devices += 1;
        }
        return Ok(());
    };
    let moved = p.household != door.id;
    let changed = moved
        || p.turf != door.turf
        || p.status != status
        || p.first_name != rec.first_name
        || p.last_name != rec.last_name
        || p.birth_year != rec.birth_year
        || p.party != rec.party
        || p.phone != rec.phone
        || p.language != rec.language;
    if !changed {
        st.mark_seen.execute(params![p.id, import_id])?;
        run.summary.unchanged += 1;
        return Ok(());
    }
    if let Some(old) = p.turf.filter(|&old| Some(old) != door.turf) {
        tombstones::person(tx, seq.take(), TurfId(old), p.id)?;
        run.summary.sent_to_devices += 1;
    }
    let turf_seq = door.turf.map_or(0, |_| seq.take());
    st.update_person.execute(params![
        p.id,
        door.id,
        door.turf,
        turf_seq,
        rec.first_name,
        rec.last_name,
        rec.birth_year,
        rec.party,
        rec.phone,
        rec.language,
        status,
        import_id,
    ])?;
    run.summary.updated += 1;
    if door.turf.is_some() {
        run.summary.sent_to_devices += 1;
    }
    if moved {
        run.summary.moved += 1;
        if p.turf.is_some() && door.turf.is_none() {
            run.summary.moved_unplaced += 1;
            run.line(rec.row, &rec.source_id, Issue::MovedUnplaced)?;
        }
    }
    Ok(())
}

/// Find or create the record's household; take the file's precinct and location for it.
fn household(
    tx: &Transaction<'_>,
    st: &mut Statements<'_>,
    seq: &mut Sequence,
    run: &mut Run<'_, '_>,
    rec: &VoterRecord,
) -> Result<Door, ImportError> {
    let campaign = run.import.campaign;
    if run.fresh_households {
        // The campaign's first households: insert, and look up only when the address key
        // is taken (another voter of this file at the same door).
        if let Some(door) = new_household(tx, st, run, rec)? {
            return Ok(door);
        }
    }
    let found = match run.deferred.household_at(&rec.address_key) {
        Some(None) => Err(rusqlite::Error::QueryReturnedNoRows),
        Some(Some(id)) => st.household_by_id.query_row(params![id], stored_door),
        None => st
            .find_household
            .query_row(params![campaign.0, rec.address_key], stored_door),
    }
    .optional()?;
    let Some((door, lat, lon, precinct)) = found else {
        return new_household(tx, st, run, rec)?.ok_or_else(|| {
            StoreError::Corrupt("a household missing from its campaign could not be added".into())
                .into()
        });
    };
    // The file's location, when it has one, replaces the stored one; an empty precinct
    // never erases a known one.
    let located = rec.lat.is_some() && (lat, lon) != (rec.lat, rec.lon);
    let new_precinct = !rec.precinct.is_empty() && precinct != rec.precinct;
    if located || new_precinct {
        st.update_household.execute(params![
            door.id,
            if located { rec.lat } else { lat },
            if located { rec.lon } else { lon },
            if new_precinct {
                &rec.precinct
            } else {
                &precinct
            },
        ])?;
    }
    if let (true, Some(turf)) = (located, door.turf) {
        run.summary.sent_to_devices += resend_household(tx, seq, door.id, TurfId(turf))?;
    }
    Ok(door)
}

/// A household row as [`Statements::FIND_HOUSEHOLD`] and `HOUSEHOLD_BY_ID` read it, with
/// its location and precinct.
fn stored_door(
    r: &rusqlite::Row<'_>,
) -> rusqlite::Result<(Door, Option<f64>, Option<f64>, String)> {
    Ok((
        Door {
            id: r.get(0)?,
            turf: r.get(1)?,
            created: false,
        },
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
    ))
}

/// Insert the record as a new person of `household`; 0 when its voter id is taken.
fn new_person(
    st: &mut Statements<'_>,
    import: &VoterImport,
    household: i64,
    turf: Option<i64>,
    turf_seq: i64,
    rec: &VoterRecord,
) -> Result<usize, ImportError> {
    Ok(st.try_insert_person.execute(params![
        PersonId::new_v7().0.as_bytes().as_slice(),
        import.campaign.0,
        household,
        turf,
        turf_seq,
        rec.source_id,
        rec.first_name,
        rec.last_name,
        rec.birth_year,
        rec.party,
        rec.phone,
        rec.language,
        rec.status.as_str(),
        import.import_id,
    ])?)
}

/// Add the record's household, unplaced; `None` when its address key is already taken.
fn new_household(
    tx: &Transaction<'_>,
    st: &mut Statements<'_>,
    run: &mut Run<'_, '_>,
    rec: &VoterRecord,
) -> Result<Option<Door>, ImportError> {
    if let Some(Some(_)) = run.deferred.household_at(&rec.address_key) {
        // What the refused insert did with the index in place: the id it took is spent
        // (the table counts ids with AUTOINCREMENT, as PostgreSQL's sequence does).
        st.spend_household_id.execute([])?;
        return Ok(None);
    }
    let a = &rec.address;
    let inserted = st.try_insert_household.execute(params![
        run.import.campaign.0,
        a.street,
        a.number,
        a.unit,
        a.city,
        a.zip,
        rec.lat,
        rec.lon,
        rec.address_key,
        rec.precinct,
    ])?;
    if inserted == 0 {
        return Ok(None);
    }
    run.summary.households_added += 1;
    let id = tx.last_insert_rowid();
    run.deferred.made_household(&rec.address_key, id);
    Ok(Some(Door {
        id,
        turf: None,
        created: true,
    }))
}

/// Give a placed household a new `seq` so devices receive its changed row, and move its
/// people and events after it, so in the turf's feed they still follow their household.
/// Returns how many rows devices will receive.
fn resend_household(
    tx: &Transaction<'_>,
    seq: &mut Sequence,
    household: i64,
    turf: TurfId,
) -> Result<u64, StoreError> {
    tx.prepare_cached("UPDATE households SET seq = ?2 WHERE id = ?1")?
        .execute(params![household, seq.take()])?;
    let persons: Vec<PersonId> = tx
        .prepare_cached(
            "SELECT id FROM people WHERE household_id = ?1 AND turf_id = ?2 ORDER BY seq",
        )?
        .query_map(params![household, turf.0], |r| r.get::<_, PersonId>(0))?
        .collect::<Result<_, _>>()?;
    let events: Vec<i64> = tx
        .prepare_cached(
            "SELECT seq FROM events WHERE turf_id = ?2 AND household_id = ?1 ORDER BY seq",
        )?
        .query_map(params![household, turf.0], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut move_person = tx.prepare_cached("UPDATE people SET seq = ?2 WHERE id = ?1")?;
    for p in &persons {
        move_person.execute(params![p, seq.take()])?;
    }
    let mut move_event = tx.prepare_cached("UPDATE events SET seq = ?2 WHERE seq = ?1")?;
    for old in &events {
        move_event.execute(params![old, seq.take()])?;
    }
    Ok(1 + persons.len() as u64 + events.len() as u64)
}

/// Mark removed the people an earlier import of this format saw and this full file did
/// not; a placed one leaves a tombstone in their turf. Works through them in chunks so
/// memory stays flat.
fn remove_absent(
    tx: &Transaction<'_>,
    seq: &mut Sequence,
    run: &mut Run<'_, '_>,
) -> Result<(), ImportError> {
    const CHUNK: u32 = 10_000;
    let import = run.import;
    let mut find = tx.prepare_cached(
        "SELECT id, turf_id, source_id FROM people
         WHERE campaign_id = ?1 AND source_id <> '' AND status <> 'removed'
           AND seen_import <> ?2
           AND seen_import IN (SELECT id FROM imports WHERE campaign_id = ?1 AND format = ?3)
         ORDER BY source_id LIMIT ?4",
    )?;
    let mut remove = tx.prepare_cached(
        "UPDATE people SET status = 'removed', turf_id = NULL, seq = 0, import_id = ?2
         WHERE id = ?1",
    )?;
    loop {
        let gone: Vec<(PersonId, Option<i64>, String)> = find
            .query_map(
                params![import.campaign.0, import.import_id, import.format, CHUNK],
                |r| Ok((r.get::<_, PersonId>(0)?, r.get(1)?, r.get(2)?)),
            )?
            .collect::<Result<_, _>>()?;
        if gone.is_empty() {
            return Ok(());
        }
        for (id, turf, source_id) in gone {
            if let Some(turf) = turf {
                tombstones::person(tx, seq.take(), TurfId(turf), id)?;
                run.summary.sent_to_devices += 1;
            }
            remove.execute(params![id, import.import_id])?;
            run.summary.removed += 1;
            run.line(0, &source_id, Issue::Removed)?;
        }
    }
}

/// Set households' locations from a geocoding file's rows, matched by address key.
/// The caller opened `tx` and commits it.
pub(crate) fn set_locations(
    tx: &Transaction<'_>,
    campaign: CampaignId,
    rows: impl Iterator<Item = Result<GeoRow, ImportError>>,
    report: &mut dyn FnMut(u64, &GeoIssue) -> std::io::Result<()>,
) -> Result<GeocodeSummary, ImportError> {
    if !campaigns::exists(tx, campaign)? {
        return Err(StoreError::NotFound("campaign").into());
    }
    let mut seq = Sequence::begin(tx)?;
    let mut summary = GeocodeSummary::default();
    let mut find = tx.prepare_cached(
        "SELECT id, turf_id, lat, lon FROM households
         WHERE campaign_id = ?1 AND address_key = ?2 AND address_key <> ''",
    )?;
    let mut update = tx.prepare_cached("UPDATE households SET lat = ?2, lon = ?3 WHERE id = ?1")?;
    for row in rows {
        summary.rows += 1;
        let (row, key, lat, lon) = match row? {
            GeoRow::Location { row, key, lat, lon } => (row, key, lat, lon),
            GeoRow::Skipped { row, issue } => {
                summary.bad_rows += 1;
                report(row, &issue).map_err(ImportError::Report)?;
                continue;
            }
        };
        let found = find
            .query_row(params![campaign.0, key], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, Option<i64>>(1)?,
                    r.get::<_, Option<f64>>(2)?,
                    r.get::<_, Option<f64>>(3)?,
                ))
            })
            .optional()?;
        let Some((id, turf, old_lat, old_lon)) = found else {
            summary.unmatched += 1;
            report(row, &GeoIssue::Unmatched).map_err(ImportError::Report)?;
            continue;
        };
        if (old_lat, old_lon) == (Some(lat), Some(lon)) {
            summary.unchanged += 1;
            continue;
        }
        update.execute(params![id, lat, lon])?;
        summary.updated += 1;
        if let Some(turf) = turf {
            summary.sent_to_devices += resend_household(tx, &mut seq, id, TurfId(turf))?;
        }
    }
    seq.finish(tx)?;
    Ok(summary)
}

/// Every campaign's id and name, oldest first (the command line shows them before making a
/// new one).
pub(crate) fn campaigns(tx: &Transaction<'_>) -> Result<Vec<(CampaignId, String)>, StoreError> {
    let rows = tx
        .prepare_cached("SELECT id, name FROM campaigns ORDER BY id")?
        .query_map([], |r| Ok((CampaignId(r.get(0)?), r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}
