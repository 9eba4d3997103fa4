//! Moving a campaign server from its embedded SQLite file to PostgreSQL
//! (`groundgame-server migrate --from FILE --to postgres://...`): every table copied row by
//! row with its ids, in one PostgreSQL transaction (all of it or none of it), from one
//! SQLite snapshot. Devices keep syncing with the cursors they hold: SQLite's feed numbers
//! are one server-wide sequence, increasing within every campaign, so each campaign's
//! counter starts at the highest number it already used.
//!
//! This module knows both schemas on purpose: it is the one place rows cross from one
//! backend to the other. It refuses a PostgreSQL database that already holds a campaign.

use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::{ToSql, Type};
use rusqlite::types::ValueRef;

use super::{PgStore, SqliteStore, StoreError};

/// How a column's values cross.
#[derive(Clone, Copy)]
enum Kind {
    Int,
    Real,
    Text,
    /// A 16-byte BLOB in SQLite, a UUID in PostgreSQL.
    Uuid,
    /// A BLOB in SQLite, BYTEA in PostgreSQL (token and code hashes).
    Bytes,
    /// 0/1 in SQLite, BOOLEAN in PostgreSQL.
    Bool,
}

use Kind::*;

/// One table to copy: its name, the SQLite expression and kind of each column (in
/// PostgreSQL's column order), in an order that satisfies the foreign keys.
struct Table {
    name: &'static str,
    columns: &'static [(&'static str, &'static str, Kind)],
}

/// `(PostgreSQL column, SQLite expression, kind)`.
const TABLES: &[Table] = &[
    Table {
        name: "campaigns",
        columns: &[
            ("id", "id", Int),
            ("name", "name", Text),
            ("config", "config", Text),
            ("created_at", "created_at", Int),
            ("time_zone", "time_zone", Text),
        ],
    },
    Table {
        name: "invites",
        columns: &[
            ("code_hash", "code_hash", Bytes),
            ("campaign_id", "campaign_id", Int),
            ("role", "role", Text),
            ("uses_left", "uses_left", Int),
            ("expires_at", "expires_at", Int),
            ("created_at", "created_at", Int),
            ("id", "id", Int),
            ("max_uses", "COALESCE(max_uses, uses_left)", Int),
        ],
    },
    Table {
        name: "volunteers",
        columns: &[
            ("id", "id", Int),
            ("campaign_id", "campaign_id", Int),
            ("name", "name", Text),
            ("role", "role", Text),
            ("created_at", "created_at", Int),
        ],
    },
    Table {
        name: "devices",
        columns: &[
            ("id", "id", Int),
            ("volunteer_id", "volunteer_id", Int),
            ("name", "name", Text),
            ("token_hash", "token_hash", Bytes),
            ("app_version", "app_version", Text),
            ("created_at", "created_at", Int),
            ("last_seen_at", "last_seen_at", Int),
            ("pending", "pending", Int),
            ("revoked_at", "revoked_at", Int),
        ],
    },
    Table {
        name: "invite_joins",
        columns: &[
            ("invite_id", "invite_id", Int),
            ("volunteer_id", "volunteer_id", Int),
            ("device_id", "device_id", Int),
            ("joined_at", "joined_at", Int),
        ],
    },
    Table {
        name: "device_links",
        columns: &[
            ("code_hash", "code_hash", Bytes),
            ("volunteer_id", "volunteer_id", Int),
            ("created_by", "created_by", Int),
            ("created_at", "created_at", Int),
            ("expires_at", "expires_at", Int),
            ("used_at", "used_at", Int),
            ("used_by", "used_by", Int),
        ],
    },
    Table {
        name: "turfs",
        columns: &[
            ("id", "id", Int),
            ("campaign_id", "campaign_id", Int),
            ("name", "name", Text),
            ("created_at", "created_at", Int),
        ],
    },
    Table {
        name: "assignments",
        columns: &[
            ("turf_id", "turf_id", Int),
            ("volunteer_id", "volunteer_id", Int),
            ("assigned_at", "assigned_at", Int),
            ("unassigned_at", "unassigned_at", Int),
        ],
    },
    Table {
        name: "imports",
        columns: &[
            ("id", "id", Int),
            ("campaign_id", "campaign_id", Int),
            ("format", "format", Text),
            ("file_name", "file_name", Text),
            ("started_at", "started_at", Int),
            ("finished_at", "finished_at", Int),
            ("summary", "summary", Text),
        ],
    },
    Table {
        name: "households",
        columns: &[
            ("id", "id", Int),
            ("campaign_id", "campaign_id", Int),
            ("turf_id", "turf_id", Int),
            ("seq", "seq", Int),
            ("street", "street", Text),
            ("number", "number", Text),
            ("unit", "unit", Text),
            ("city", "city", Text),
            ("zip", "zip", Text),
            ("lat", "lat", Real),
            ("lon", "lon", Real),
            ("walk_order", "walk_order", Int),
            ("address_key", "address_key", Text),
            ("precinct", "precinct", Text),
        ],
    },
    Table {
        name: "people",
        columns: &[
            ("id", "id", Uuid),
            ("campaign_id", "campaign_id", Int),
            ("household_id", "household_id", Int),
            ("turf_id", "turf_id", Int),
            ("seq", "seq", Int),
            ("source_id", "source_id", Text),
            ("first_name", "first_name", Text),
            ("last_name", "last_name", Text),
            ("birth_year", "birth_year", Int),
            ("party", "party", Text),
            ("phone", "phone", Text),
            ("language", "language", Text),
            ("status", "status", Text),
            ("import_id", "import_id", Int),
            ("seen_import", "seen_import", Int),
        ],
    },
    Table {
        name: "events",
        columns: &[
            ("id", "id", Uuid),
            ("seq", "seq", Int),
            ("campaign_id", "campaign_id", Int),
            ("turf_id", "turf_id", Int),
            ("household_id", "household_id", Int),
            ("person_id", "person_id", Uuid),
            ("device_id", "device_id", Int),
            ("volunteer_id", "volunteer_id", Int),
            ("at", "at", Int),
            ("device_at", "device_at", Int),
            ("kind", "kind", Text),
            ("body", "body", Text),
            ("stale_assignment", "stale_assignment", Bool),
            ("received_at", "received_at", Int),
        ],
    },
    Table {
        name: "tombstones",
        columns: &[
            ("seq", "seq", Int),
            (
                "campaign_id",
                "(SELECT campaign_id FROM turfs t WHERE t.id = tombstones.turf_id)",
                Int,
            ),
            ("turf_id", "turf_id", Int),
            ("household_id", "household_id", Int),
            ("person_id", "person_id", Uuid),
            ("event_id", "event_id", Uuid),
        ],
    },
    Table {
        name: "scripts",
        columns: &[
            ("campaign_id", "campaign_id", Int),
            ("key", "key", Text),
            ("version", "version", Int),
            ("body", "body", Text),
            ("created_at", "created_at", Int),
        ],
    },
    Table {
        name: "call_lists",
        columns: &[
            ("id", "id", Int),
            ("campaign_id", "campaign_id", Int),
            ("name", "name", Text),
            ("script_key", "script_key", Text),
            ("created_at", "created_at", Int),
        ],
    },
    Table {
        name: "call_list_members",
        columns: &[
            ("call_list_id", "call_list_id", Int),
            ("position", "position", Int),
            ("person_id", "person_id", Uuid),
            ("phone", "phone", Text),
            ("round", "round", Int),
            ("due_at", "due_at", Int),
            ("last_call_at", "last_call_at", Int),
            ("call_back_by", "call_back_by", Int),
        ],
    },
    Table {
        name: "call_list_assignments",
        columns: &[
            ("call_list_id", "call_list_id", Int),
            ("volunteer_id", "volunteer_id", Int),
            ("assigned_at", "assigned_at", Int),
            ("unassigned_at", "unassigned_at", Int),
        ],
    },
    Table {
        name: "call_claims",
        columns: &[
            ("person_id", "person_id", Uuid),
            ("call_list_id", "call_list_id", Int),
            ("phone", "phone", Text),
            ("device_id", "device_id", Int),
            ("expires_at", "expires_at", Int),
        ],
    },
    Table {
        name: "do_not_call",
        columns: &[
            ("campaign_id", "campaign_id", Int),
            ("phone", "phone", Text),
            ("created_at", "created_at", Int),
        ],
    },
    Table {
        name: "do_not_call_additions",
        columns: &[
            ("id", "id", Int),
            ("campaign_id", "campaign_id", Int),
            ("phone", "phone", Text),
            ("person_id", "person_id", Uuid),
            ("event_id", "event_id", Uuid),
            ("volunteer_id", "volunteer_id", Int),
            ("device_id", "device_id", Int),
            ("created_at", "created_at", Int),
            ("retired", "retired", Text),
            ("undone_by", "undone_by", Int),
            ("undone_at", "undone_at", Int),
        ],
    },
    Table {
        name: "held_events",
        columns: &[
            ("id", "id", Uuid),
            ("campaign_id", "campaign_id", Int),
            ("turf_id", "turf_id", Int),
            ("household_id", "household_id", Int),
            ("person_id", "person_id", Uuid),
            ("device_id", "device_id", Int),
            ("volunteer_id", "volunteer_id", Int),
            ("at", "at", Int),
            ("device_at", "device_at", Int),
            ("kind", "kind", Text),
            ("body", "body", Text),
            ("received_at", "received_at", Int),
            ("status", "status", Text),
            ("decided_by", "decided_by", Int),
            ("decided_at", "decided_at", Int),
        ],
    },
    Table {
        name: "quarantines",
        columns: &[
            ("id", "id", Int),
            ("campaign_id", "campaign_id", Int),
            ("volunteer_id", "volunteer_id", Int),
            ("started_at", "started_at", Int),
            ("started_by", "started_by", Int),
            ("released_at", "released_at", Int),
            ("released_by", "released_by", Int),
        ],
    },
    Table {
        name: "network_records",
        columns: &[
            ("seq", "seq", Int),
            ("id", "id", Uuid),
            ("campaign_id", "campaign_id", Int),
            ("volunteer_id", "volunteer_id", Int),
            ("device_id", "device_id", Int),
            ("contact_id", "contact_id", Uuid),
            ("at", "at", Int),
            ("device_at", "device_at", Int),
            ("kind", "kind", Text),
            ("body", "body", Text),
            ("received_at", "received_at", Int),
        ],
    },
    Table {
        name: "map_streets",
        columns: &[
            ("id", "id", Int),
            ("campaign_id", "campaign_id", Int),
            ("name", "name", Text),
            ("street_key", "street_key", Text),
            ("class", "class", Text),
            ("points", "points", Text),
            ("min_lat", "min_lat", Real),
            ("min_lon", "min_lon", Real),
            ("max_lat", "max_lat", Real),
            ("max_lon", "max_lon", Real),
        ],
    },
    Table {
        name: "map_address_points",
        columns: &[
            ("id", "id", Int),
            ("campaign_id", "campaign_id", Int),
            ("street_key", "street_key", Text),
            ("number", "number", Text),
            ("lat", "lat", Real),
            ("lon", "lon", Real),
        ],
    },
];

/// Tables whose integer `id` (or `seq`) is an identity to move past the copied values.
const IDENTITIES: &[(&str, &str)] = &[
    ("campaigns", "id"),
    ("invites", "id"),
    ("volunteers", "id"),
    ("devices", "id"),
    ("turfs", "id"),
    ("imports", "id"),
    ("households", "id"),
    ("call_lists", "id"),
    ("quarantines", "id"),
    ("network_records", "seq"),
    ("do_not_call_additions", "id"),
    ("map_streets", "id"),
    ("map_address_points", "id"),
];

/// Rows copied, per table, in copy order.
pub type Copied = Vec<(&'static str, u64)>;

fn pg_type(kind: Kind) -> Type {
    match kind {
        Int => Type::INT8,
        Real => Type::FLOAT8,
        Text => Type::TEXT,
        Uuid => Type::UUID,
        Bytes => Type::BYTEA,
        Bool => Type::BOOL,
    }
}

/// One SQLite value as the PostgreSQL column wants it.
fn value(kind: Kind, v: ValueRef<'_>, table: &str) -> Result<Box<dyn ToSql + Sync>, StoreError> {
    let bad = |what: &str| StoreError::Corrupt(format!("{table}: {what}"));
    if v == ValueRef::Null {
        return Ok(match kind {
            Int => Box::new(None::<i64>),
            Real => Box::new(None::<f64>),
            Text => Box::new(None::<String>),
            Uuid => Box::new(None::<uuid::Uuid>),
            Bytes => Box::new(None::<Vec<u8>>),
            Bool => Box::new(None::<bool>),
        });
    }
    Ok(match (kind, v) {
        (Int, ValueRef::Integer(i)) => Box::new(i),
        (Real, ValueRef::Real(f)) => Box::new(f),
        (Real, ValueRef::Integer(i)) => Box::new(i as f64),
        (Text, ValueRef::Text(t)) => Box::new(
            std::str::from_utf8(t)
                .map_err(|_| bad("text that is not UTF-8"))?
                .to_string(),
        ),
        (Uuid, ValueRef::Blob(b)) => {
            Box::new(uuid::Uuid::from_slice(b).map_err(|_| bad("an id that is not 16 bytes"))?)
        }
        (Bytes, ValueRef::Blob(b)) => Box::new(b.to_vec()),
        (Bool, ValueRef::Integer(i)) => Box::new(i != 0),
        _ => return Err(bad("a value of an unexpected type")),
    })
}

/// Copy everything in `from` into `to`, which must hold no campaign yet. Invite codes are
/// copied as their keyed hashes: they open `to` only where it was connected with `from`'s
/// code key (`PgStore::connect_with_code_key`, as the `migrate` command does).
pub fn copy(from: &SqliteStore, to: &PgStore) -> Result<Copied, StoreError> {
    super::postgres::off_runtime(|| copy_here(from, to))
}

fn copy_here(from: &SqliteStore, to: &PgStore) -> Result<Copied, StoreError> {
    from.read(|src| {
        to.write_here(|dst| {
            let existing: i64 = dst.query_one("SELECT COUNT(*) FROM campaigns", &[])?.get(0);
            if existing > 0 {
                return Err(StoreError::Invalid(
                    "the PostgreSQL database already holds campaigns; move into an empty one"
                        .into(),
                ));
            }
            let mut copied = Vec::with_capacity(TABLES.len());
            for table in TABLES {
                copied.push((table.name, copy_table(src, dst, table)?));
            }
            finish(src, dst)?;
            Ok(copied)
        })
    })
}

fn copy_table(
    src: &rusqlite::Transaction<'_>,
    dst: &mut postgres::Transaction<'_>,
    table: &Table,
) -> Result<u64, StoreError> {
    let pg_columns: Vec<&str> = table.columns.iter().map(|c| c.0).collect();
    let sqlite_columns: Vec<&str> = table.columns.iter().map(|c| c.1).collect();
    let types: Vec<Type> = table.columns.iter().map(|c| pg_type(c.2)).collect();
    let sink = dst.copy_in(&format!(
        "COPY {} ({}) FROM STDIN (FORMAT binary)",
        table.name,
        pg_columns.join(", ")
    ))?;
    let mut writer = BinaryCopyInWriter::new(sink, &types);
    let mut stmt = src.prepare(&format!(
        "SELECT {} FROM {}",
        sqlite_columns.join(", "),
        table.name
    ))?;
    let mut rows = stmt.query([])?;
    let mut n = 0u64;
    while let Some(row) = rows.next()? {
        let mut values = Vec::with_capacity(table.columns.len());
        for (i, (_, _, kind)) in table.columns.iter().enumerate() {
            values.push(value(*kind, row.get_ref(i)?, table.name)?);
        }
        let refs: Vec<&(dyn ToSql + Sync)> = values.iter().map(|v| v.as_ref()).collect();
        writer.write(&refs)?;
        n += 1;
    }
    writer.finish()?;
    Ok(n)
}

/// Each campaign's feed counter and clock mark, and the identities past the copied ids.
fn finish(
    src: &rusqlite::Transaction<'_>,
    dst: &mut postgres::Transaction<'_>,
) -> Result<(), StoreError> {
    let (last_seq, last_hlc): (i64, i64) = src.query_row(
        "SELECT last_seq, last_hlc FROM sync_state WHERE id = 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    // Every campaign continues after the last number SQLite handed out, so no cursor a
    // device holds can be above a number PostgreSQL hands out next.
    dst.execute(
        "INSERT INTO campaign_feeds (campaign_id, last_seq, last_hlc)
         SELECT id, $1, $2 FROM campaigns",
        &[&last_seq, &last_hlc],
    )?;
    for (table, column) in IDENTITIES {
        dst.execute(
            &format!(
                "SELECT setval(pg_get_serial_sequence('{table}', '{column}'),
                               GREATEST((SELECT COALESCE(MAX({column}), 0) FROM {table}), 1),
                               (SELECT COUNT(*) > 0 FROM {table}))"
            ),
            &[],
        )?;
    }
    Ok(())
}

/// How many rows each table holds, in PostgreSQL and in SQLite: for the command to show
/// and the test to compare.
pub fn counts(
    from: &SqliteStore,
    to: &PgStore,
) -> Result<Vec<(&'static str, i64, i64)>, StoreError> {
    let sqlite: Vec<i64> = from.read(|tx| {
        TABLES
            .iter()
            .map(|t| {
                Ok(
                    tx.query_row(&format!("SELECT COUNT(*) FROM {}", t.name), [], |r| {
                        r.get(0)
                    })?,
                )
            })
            .collect()
    })?;
    let pg: Vec<i64> = to.read_here(|tx| {
        TABLES
            .iter()
            .map(|t| {
                Ok(tx
                    .query_one(&format!("SELECT COUNT(*) FROM {}", t.name), &[])?
                    .get(0))
            })
            .collect()
    })?;
    Ok(TABLES
        .iter()
        .zip(sqlite.into_iter().zip(pg))
        .map(|(t, (s, p))| (t.name, s, p))
        .collect())
}
