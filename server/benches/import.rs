//! Voter-file import benchmark: generates North Carolina `ncvoter`-layout files (Latin-1,
//! tab-separated, quoted, all 67 columns, realistic values and the usual mess) of 100,000
//! and 1,000,000 rows, imports each into a fresh store, and prints rows/s and peak memory
//! (VmHWM) beside two baselines from the same run: reading and decoding the file with `csv`
//! alone, and raw SQLite inserts of the same rows with no look-ups. With
//! `GROUNDGAME_TEST_POSTGRES` set (an admin URL, as `scripts/pg-cluster.sh` prints) it also
//! imports each file into a fresh PostgreSQL database beside two raw `COPY`s of the same
//! rows' fields: into one plain table (the fastest way in), and into the server's own
//! tables with their indexes and foreign keys (the like-for-like floor). Peak memory there
//! is the importing process's; the database server's is its own.
//! Each measurement runs in
//! its own child process, so every peak-memory figure is that measurement's own. Prints a
//! table; asserts nothing.
//!
//! `cargo bench -p groundgame-server --bench import` (release build).

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use groundgame_core::CampaignId;
use groundgame_server::import::columns::NCVOTER_COLUMNS as COLUMNS;
use groundgame_server::import::Format;
use groundgame_server::ops::import_file as run;
use groundgame_server::{SqliteStore, Store};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

mod support;

const LAST: &[&str] = &[
    "SMITH",
    "JOHNSON",
    "WILLIAMS",
    "BROWN",
    "JONES",
    "GARCIA",
    "MILLER",
    "DAVIS",
    "RODRIGUEZ",
    "MARTINEZ",
    "HERNANDEZ",
    "LOPEZ",
    "GONZALEZ",
    "WILSON",
    "ANDERSON",
    "THOMAS",
    "TAYLOR",
    "MOORE",
    "JACKSON",
    "MARTIN",
    "LEE",
    "PEREZ",
    "THOMPSON",
    "WHITE",
    "HARRIS",
    "MUÑOZ",
    "NGUYEN",
    "O'BRIEN",
    "MCDONALD",
    "BÉLANGER",
];
const FIRST: &[&str] = &[
    "JAMES",
    "MARY",
    "ROBERT",
    "PATRICIA",
    "JOHN",
    "JENNIFER",
    "MICHAEL",
    "LINDA",
    "DAVID",
    "ELIZABETH",
    "WILLIAM",
    "BARBARA",
    "JOSÉ",
    "MARÍA",
    "ANA",
    "LUIS",
    "KEISHA",
    "DEANDRE",
    "MEI",
    "SOFÍA",
];
const STREETS: &[&str] = &[
    "MAIN",
    "OAK",
    "PINE",
    "MAPLE",
    "CEDAR",
    "ELM",
    "WALNUT",
    "CHESTNUT",
    "HILLSBOROUGH",
    "GLENWOOD",
    "PEACE",
    "FAYETTEVILLE",
    "SALISBURY",
    "WADE",
    "OBERLIN",
    "BLOUNT",
    "PERSON",
    "NEW BERN",
    "HARGETT",
    "MARTIN LUTHER KING JR",
];
const TYPES: &[&str] = &[
    "ST", "AVE", "RD", "DR", "LN", "CT", "BLVD", "WAY", "PL", "CIR",
];
const CITIES: &[(&str, &str)] = &[
    ("RALEIGH", "27601"),
    ("DURHAM", "27701"),
    ("CARY", "27511"),
    ("CHAPEL HILL", "27514"),
    ("APEX", "27502"),
];

fn latin1(s: &str, out: &mut Vec<u8>) {
    out.extend(
        s.chars()
            .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')),
    );
}

/// Write an ncvoter file of `rows` rows; returns its size in bytes.
fn generate(path: &Path, rows: u64) -> u64 {
    let mut rng = StdRng::seed_from_u64(rows);
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(path).expect("create"));
    let header: Vec<String> = COLUMNS.iter().map(|c| format!("\"{c}\"")).collect();
    out.write_all(header.join("\t").as_bytes()).expect("write");
    out.write_all(b"\r\n").expect("write");
    let households = rows / 2 + 1;
    let mut line = Vec::with_capacity(1024);
    for i in 0..rows {
        line.clear();
        // Two voters per household on average; addresses repeat, ids never do.
        let h = rng.gen_range(0..households);
        let (city, zip) = CITIES[(h % CITIES.len() as u64) as usize];
        let street = STREETS[(h / 7 % STREETS.len() as u64) as usize];
        let kind = TYPES[(h / 3 % TYPES.len() as u64) as usize];
        let number = 100 + h / 13 % 4000;
        let address = match h % 20 {
            0..=2 => format!(
                "{number} {street} {kind} APT {}{}",
                h % 4 + 1,
                ['A', 'B', 'C'][(h % 3) as usize]
            ),
            3 => format!("{number} N {street} {kind} #{}", h % 30 + 1),
            4 => format!("{street} {kind}"),
            _ => format!("{number} {street} {kind}"),
        };
        let status = match rng.gen_range(0..100) {
            0..=84 => ("A", "ACTIVE"),
            85..=92 => ("I", "INACTIVE"),
            93..=97 => ("R", "REMOVED"),
            98 => ("D", "DENIED"),
            _ => ("S", "TEMPORARY"),
        };
        let address = if status.0 == "R" {
            "REMOVED".to_string()
        } else {
            address
        };
        let phone = match rng.gen_range(0..10) {
            0..=2 => String::new(),
            3 => format!("({}) 555-{:04}", 919, i % 10_000),
            4 => format!("919.555.{:04}", i % 10_000),
            5 => format!("+1 984 555 {:04}", i % 10_000),
            6 => format!("1-919-555-{:04} x{}", i % 10_000, i % 90),
            7 => "555-0100".to_string(),
            _ => format!("919555{:04}", i % 10_000),
        };
        let birth_year = 1925 + rng.gen_range(0..85u32);
        let precinct = format!("{:02}-{:02}", h % 20 + 1, h % 9 + 1);
        let values: Vec<String> = COLUMNS
            .iter()
            .map(|&c| match c {
                "county_id" => "92".into(),
                "county_desc" => "WAKE".into(),
                "voter_reg_num" => format!("{:012}", i + 1),
                "ncid" => format!("BN{:07}", (i * 7_919) % 9_999_991),
                "last_name" => LAST[rng.gen_range(0..LAST.len())].into(),
                "first_name" => FIRST[rng.gen_range(0..FIRST.len())].into(),
                "middle_name" => FIRST[rng.gen_range(0..FIRST.len())].into(),
                "name_suffix_lbl" => {
                    if i % 40 == 0 {
                        "JR".into()
                    } else {
                        String::new()
                    }
                }
                "status_cd" => status.0.into(),
                "voter_status_desc" => status.1.into(),
                "reason_cd" => "AV".into(),
                "voter_status_reason_desc" => "VERIFIED".into(),
                "res_street_address" => address.clone(),
                "res_city_desc" => city.into(),
                "state_cd" => "NC".into(),
                "zip_code" => zip.into(),
                "mail_addr1" => address.clone(),
                "mail_city" => city.into(),
                "mail_state" => "NC".into(),
                "mail_zipcode" => zip.into(),
                "full_phone_number" => phone.clone(),
                "confidential_ind" => {
                    if i % 200 == 0 {
                        "Y".into()
                    } else {
                        "N".into()
                    }
                }
                "registr_dt" => format!("{:02}/{:02}/{}", i % 12 + 1, i % 28 + 1, 1990 + i % 34),
                "race_code" => ["W", "B", "A", "O", "U"][(i % 5) as usize].into(),
                "ethnic_code" => ["NL", "HL", "UN"][(i % 3) as usize].into(),
                "party_cd" => ["DEM", "REP", "UNA", "LIB", "GRE"][(i % 5) as usize].into(),
                "gender_code" => ["F", "M", "U"][(i % 3) as usize].into(),
                "birth_year" => birth_year.to_string(),
                "age_at_year_end" => (2025 - birth_year).to_string(),
                "birth_state" => "NC".into(),
                "drivers_lic" => "Y".into(),
                "precinct_abbrv" => precinct.clone(),
                "precinct_desc" => format!("PRECINCT {precinct}"),
                c if c.ends_with("_abbrv") => (i % 17).to_string(),
                c if c.ends_with("_desc") => "DISTRICT DESCRIPTION".into(),
                _ => String::new(),
            })
            .collect();
        for (k, v) in values.iter().enumerate() {
            if k > 0 {
                line.push(b'\t');
            }
            line.push(b'"');
            latin1(v, &mut line);
            line.push(b'"');
        }
        line.extend_from_slice(b"\r\n");
        out.write_all(&line).expect("write");
    }
    out.flush().expect("flush");
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// Baseline 1: read and decode the file with `csv` (the fields the import uses).
fn read_only(file: &Path) -> u64 {
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .has_headers(true)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(std::fs::File::open(file).expect("open"));
    let mut record = csv::ByteRecord::new();
    let mut rows = 0;
    let mut chars = 0usize;
    while csv.read_byte_record(&mut record).expect("read") {
        for i in [3, 4, 5, 8, 12, 13, 15, 23, 24, 28, 30, 34] {
            let f = record.get(i).unwrap_or_default();
            chars += match std::str::from_utf8(f) {
                Ok(s) => s.len(),
                Err(_) => encoding_rs::WINDOWS_1252
                    .decode_without_bom_handling(f)
                    .0
                    .len(),
            };
        }
        rows += 1;
    }
    std::hint::black_box(chars);
    rows
}

/// Baseline 2: the same rows inserted straight into SQLite (one household and one person
/// per row, prepared statements, one transaction, the import's page-cache size, no
/// look-ups, no normalising).
fn raw_inserts(file: &Path, db: &Path) -> u64 {
    let store = SqliteStore::open(db).expect("open");
    store
        .create_campaign("Bench", groundgame_core::TimeZone::UTC)
        .expect("campaign");
    drop(store);
    let mut conn = rusqlite::Connection::open(db).expect("open");
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -131072;",
    )
    .expect("pragmas");
    let tx = conn.transaction().expect("tx");
    let mut rows = 0u64;
    {
        let mut household = tx
            .prepare(
                "INSERT INTO households (campaign_id, seq, street, number, unit, city, zip,
                                         walk_order, address_key, precinct)
                 VALUES (1, 0, ?1, '', '', ?2, ?3, 0, ?4, ?5)",
            )
            .expect("prepare");
        let mut person = tx
            .prepare(
                "INSERT INTO people (id, campaign_id, household_id, seq, source_id, first_name,
                                     last_name, birth_year, party, phone, status)
                 VALUES (?1, 1, ?2, 0, ?3, ?4, ?5, ?6, ?7, ?8, 'active')",
            )
            .expect("prepare");
        let mut csv = csv::ReaderBuilder::new()
            .delimiter(b'\t')
            .flexible(true)
            .from_reader(std::fs::File::open(file).expect("open"));
        let mut record = csv::ByteRecord::new();
        while csv.read_byte_record(&mut record).expect("read") {
            let f = |i: usize| {
                encoding_rs::WINDOWS_1252
                    .decode_without_bom_handling(record.get(i).unwrap_or_default())
                    .0
                    .into_owned()
            };
            let key = format!("{}|{}|{}|{rows}", f(12), f(13), f(15));
            household
                .execute(rusqlite::params![f(12), f(13), f(15), key, f(34)])
                .expect("household");
            let h = tx.last_insert_rowid();
            person
                .execute(rusqlite::params![
                    uuid::Uuid::now_v7().as_bytes().as_slice(),
                    h,
                    format!("{}-{rows}", f(3)),
                    f(5),
                    f(4),
                    f(30).parse::<u16>().ok(),
                    f(28),
                    f(23)
                ])
                .expect("person");
            rows += 1;
        }
    }
    tx.commit().expect("commit");
    rows
}

fn import(file: &Path, db: &Path) -> u64 {
    let store = SqliteStore::open(db).expect("open");
    let campaign: CampaignId = store
        .create_campaign("Bench", groundgame_core::TimeZone::UTC)
        .expect("campaign");
    let done = run::import_file(
        &store,
        &run::ImportRequest {
            campaign,
            format: Format::NcVoter,
            file: file.to_path_buf(),
            report: Some(db.with_extension("report.csv")),
            full_file: true,
            show_progress: false,
            lang: groundgame_server::lang::Lang::En,
        },
    )
    .expect("import");
    done.summary.rows
}

/// Baseline 3: the same rows' fields `COPY`ed straight into one plain PostgreSQL table (no
/// indexes, no look-ups, no normalising): the fastest way in that PostgreSQL has.
fn raw_copy(file: &Path, url: &str) -> u64 {
    let mut db = postgres::Client::connect(url, postgres::NoTls).expect("connect");
    db.batch_execute(
        "CREATE TABLE raw_voters (ncid TEXT, first_name TEXT, last_name TEXT, street TEXT,
                                  city TEXT, zip TEXT, precinct TEXT, party TEXT,
                                  phone TEXT, birth_year TEXT)",
    )
    .expect("table");
    let mut tx = db.transaction().expect("tx");
    let mut rows = 0u64;
    {
        let mut copy = std::io::BufWriter::with_capacity(
            1 << 16,
            tx.copy_in("COPY raw_voters FROM STDIN").expect("copy"),
        );
        let mut csv = csv::ReaderBuilder::new()
            .delimiter(b'\t')
            .flexible(true)
            .from_reader(std::fs::File::open(file).expect("open"));
        let mut record = csv::ByteRecord::new();
        let mut line = String::new();
        while csv.read_byte_record(&mut record).expect("read") {
            line.clear();
            for (n, i) in [3, 5, 4, 12, 13, 15, 34, 28, 23, 30]
                .into_iter()
                .enumerate()
            {
                if n > 0 {
                    line.push('\t');
                }
                let field = encoding_rs::WINDOWS_1252
                    .decode_without_bom_handling(record.get(i).unwrap_or_default())
                    .0;
                for c in field.chars() {
                    match c {
                        '\\' => line.push_str("\\\\"),
                        '\t' => line.push_str("\\t"),
                        '\n' => line.push_str("\\n"),
                        '\r' => line.push_str("\\r"),
                        c => line.push(c),
                    }
                }
            }
            line.push('\n');
            copy.write_all(line.as_bytes()).expect("copy row");
            rows += 1;
        }
        copy.into_inner()
            .map_err(|e| e.into_error())
            .expect("flush")
            .finish()
            .expect("copy");
    }
    tx.commit().expect("commit");
    rows
}

/// Baseline 4: the same rows `COPY`ed straight into the server's own `households` and
/// `people` tables, with their indexes and foreign keys (one household and one person per
/// row, ids given, no look-ups, no normalising), in batches the size of the import's: the
/// PostgreSQL floor beside SQLite's raw inserts.
fn raw_copy_same_tables(file: &Path, url: &str) -> u64 {
    use postgres::binary_copy::BinaryCopyInWriter;
    use postgres::types::Type;
    const BATCH: usize = 4096;
    let store = groundgame_server::PgStore::connect(url).expect("connect");
    let campaign = store
        .create_campaign("Bench", groundgame_core::TimeZone::UTC)
        .expect("campaign")
        .0;
    drop(store);
    let mut db = postgres::Client::connect(url, postgres::NoTls).expect("connect");
    let mut tx = db.transaction().expect("tx");
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .flexible(true)
        .from_reader(std::fs::File::open(file).expect("open"));
    let mut record = csv::ByteRecord::new();
    let mut rows = 0u64;
    let mut batch: Vec<[String; 9]> = Vec::with_capacity(BATCH);
    let mut more = true;
    while more {
        batch.clear();
        while batch.len() < BATCH {
            if !csv.read_byte_record(&mut record).expect("read") {
                more = false;
                break;
            }
            let f = |i: usize| {
                encoding_rs::WINDOWS_1252
                    .decode_without_bom_handling(record.get(i).unwrap_or_default())
                    .0
                    .into_owned()
            };
            batch.push([f(3), f(5), f(4), f(12), f(13), f(15), f(34), f(28), f(23)]);
        }
        let first = rows as i64 + 1;
        let households = tx
            .copy_in(
                "COPY households (id, campaign_id, seq, street, number, unit, city, zip,
                                  walk_order, address_key, precinct)
                 FROM STDIN (FORMAT binary)",
            )
            .expect("copy");
        let mut w = BinaryCopyInWriter::new(
            households,
            &[
                Type::INT8,
                Type::INT8,
                Type::INT8,
                Type::TEXT,
                Type::TEXT,
                Type::TEXT,
                Type::TEXT,
                Type::TEXT,
                Type::INT8,
                Type::TEXT,
                Type::TEXT,
            ],
        );
        for (n, r) in batch.iter().enumerate() {
            let id = first + n as i64;
            let key = format!("{}|{}|{}|{id}", r[3], r[4], r[5]);
            w.write(&[
                &id, &campaign, &0i64, &r[3], &"", &"", &r[4], &r[5], &0i64, &key, &r[6],
            ])
            .expect("household");
        }
        w.finish().expect("households");
        let people = tx
            .copy_in(
                "COPY people (id, campaign_id, household_id, seq, source_id, first_name,
                              last_name, party, phone, status)
                 FROM STDIN (FORMAT binary)",
            )
            .expect("copy");
        let mut w = BinaryCopyInWriter::new(
            people,
            &[
                Type::UUID,
                Type::INT8,
                Type::INT8,
                Type::INT8,
                Type::TEXT,
                Type::TEXT,
                Type::TEXT,
                Type::TEXT,
                Type::TEXT,
                Type::TEXT,
            ],
        );
        for (n, r) in batch.iter().enumerate() {
            let id = first + n as i64;
            w.write(&[
                &uuid::Uuid::now_v7(),
                &campaign,
                &id,
                &0i64,
                &format!("{}-{id}", r[0]),
                &r[1],
                &r[2],
                &r[7],
                &r[8],
                &"active",
            ])
            .expect("person");
        }
        w.finish().expect("people");
        rows += batch.len() as u64;
    }
    tx.commit().expect("commit");
    rows
}

/// The real import into PostgreSQL (the server's own code path, as `import --database URL`).
fn import_pg(file: &Path, url: &str) -> u64 {
    let store = groundgame_server::PgStore::connect(url).expect("connect");
    let campaign: CampaignId = store
        .create_campaign("Bench", groundgame_core::TimeZone::UTC)
        .expect("campaign");
    let report = std::env::temp_dir().join(format!("pg-import-{}.report.csv", std::process::id()));
    let done = run::import_file(
        &store,
        &run::ImportRequest {
            campaign,
            format: Format::NcVoter,
            file: file.to_path_buf(),
            report: Some(report.clone()),
            full_file: true,
            show_progress: false,
            lang: groundgame_server::lang::Lang::En,
        },
    )
    .expect("import");
    let _ = std::fs::remove_file(report);
    done.summary.rows
}

/// In a child process: run one measurement and print "rows seconds vmhwm_kb".
fn child(what: &str, file: &Path, db: &Path) {
    let started = Instant::now();
    let rows = match what {
        "read" => read_only(file),
        "raw" => raw_inserts(file, db),
        "pg-raw" => raw_copy(file, db.to_str().expect("url")),
        "pg-tables" => raw_copy_same_tables(file, db.to_str().expect("url")),
        "pg-import" => import_pg(file, db.to_str().expect("url")),
        _ => import(file, db),
    };
    support::report_child(rows, started);
}

fn measure(what: &str, file: &Path, dir: &Path) -> (u64, f64, f64, u64) {
    // PostgreSQL measurements get a fresh database of their own, dropped after.
    let scratch = what.starts_with("pg-").then(|| {
        let admin = std::env::var("GROUNDGAME_TEST_POSTGRES").expect("GROUNDGAME_TEST_POSTGRES");
        groundgame_server::store::postgres::ScratchDb::create(&admin).expect("scratch database")
    });
    let db = match &scratch {
        Some(s) => PathBuf::from(&s.url),
        None => dir.join(format!(
            "{what}-{}.sqlite",
            file.file_stem()
                .map_or_else(String::new, |s| s.to_string_lossy().into_owned())
        )),
    };
    let mut args = vec![std::ffi::OsString::from("--child"), what.into()];
    args.push(file.into());
    args.push(db.into());
    support::run_child(args)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--generate") {
        // Just write a file, for profiling: `--generate ROWS PATH`.
        let rows = args
            .get(at + 1)
            .and_then(|n| n.parse().ok())
            .unwrap_or(100_000);
        let path = PathBuf::from(args.get(at + 2).map_or("ncvoter.txt", String::as_str));
        println!("{} bytes", generate(&path, rows));
        return;
    }
    if let Some(at) = args.iter().position(|a| a == "--child") {
        let mut rest = args[at + 1..].iter();
        let (Some(what), Some(file), Some(db)) = (rest.next(), rest.next(), rest.next()) else {
            panic!("--child WHAT FILE DB");
        };
        child(what, &PathBuf::from(file), &PathBuf::from(db));
        return;
    }
    let dir = tempfile::Builder::new()
        .prefix("groundgame-import-bench-")
        .tempdir_in(std::env::var("GROUNDGAME_BENCH_DIR").unwrap_or_else(|_| "/tmp".into()))
        .expect("temp dir");
    let sizes: Vec<u64> = std::env::var("GROUNDGAME_IMPORT_ROWS")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![100_000, 1_000_000]);
    println!("voter-file import (ncvoter layout, Latin-1, 67 columns, CRLF), release build");
    println!(
        "{:<10} {:>8} {:<30} {:>8} {:>10} {:>8} {:>14} {:>12}",
        "rows", "file MB", "measurement", "wall s", "rows/s", "CPU s", "rows/CPU-s", "peak RSS MB"
    );
    let sizes_first = sizes.first().copied().unwrap_or_default();
    for rows in sizes {
        let file = dir.path().join(format!("ncvoter-{rows}.txt"));
        let started = Instant::now();
        let size = generate(&file, rows);
        let gen = started.elapsed().as_secs_f64();
        eprintln!(
            "generated {rows} rows ({:.0} MB) in {gen:.1} s",
            size as f64 / 1e6
        );
        let mut measurements = vec![
            ("read", "baseline: csv read+decode"),
            ("raw", "baseline: raw SQLite insert"),
            ("import", "import (groundgame)"),
        ];
        if std::env::var("GROUNDGAME_TEST_POSTGRES").is_ok() {
            measurements.push(("pg-raw", "baseline: raw PostgreSQL COPY"));
            measurements.push(("pg-tables", "baseline: raw COPY, same tables"));
            measurements.push(("pg-import", "import into PostgreSQL"));
        } else if rows == sizes_first {
            eprintln!("PostgreSQL rows skipped: set GROUNDGAME_TEST_POSTGRES=$(bash scripts/pg-cluster.sh)");
        }
        for (what, label) in measurements {
            let (n, secs, cpu, hwm) = measure(what, &file, dir.path());
            println!(
                "{:<10} {:>8.0} {:<30} {:>8.2} {:>10.0} {:>8.2} {:>14.0} {:>12.1}",
                rows,
                size as f64 / 1e6,
                label,
                secs,
                n as f64 / secs,
                cpu,
                n as f64 / cpu.max(0.01),
                hwm as f64 / 1024.0
            );
            let _ = std::io::stdout().flush();
        }
        let _ = std::fs::remove_file(&file);
    }
}
