//! One test on both backends: a fresh embedded store and a fresh PostgreSQL database (in
//! the cluster named by `GROUNDGAME_TEST_POSTGRES`) per run, the backend named when a test
//! fails on it, and, for [`same`], the two answers required to be equal.

use std::fmt::Debug;
use std::sync::Arc;

use crate::store::postgres::ScratchDb;
use crate::store::{PgStore, SqliteStore, Store};

/// A store of each kind, with what keeps it alive and a way to look at its rows.
pub(super) enum Backend {
    Sqlite {
        _dir: tempfile::TempDir,
        sqlite: Arc<SqliteStore>,
        store: Arc<dyn Store>,
    },
    Postgres {
        db: ScratchDb,
        store: Arc<dyn Store>,
    },
}

impl Backend {
    pub(super) fn store(&self) -> &dyn Store {
        match self {
            Backend::Sqlite { store, .. } | Backend::Postgres { store, .. } => store.as_ref(),
        }
    }

    /// The first column of `sql`'s rows (text, in SQL both databases read alike), sorted.
    pub(super) fn probe(&self, sql: &str) -> Vec<String> {
        let mut rows: Vec<String> = match self {
            Backend::Sqlite { sqlite, .. } => sqlite
                .read(|tx| {
                    let mut stmt = tx.prepare(sql)?;
                    let rows = stmt
                        .query_map([], |r| r.get::<_, String>(0))?
                        .collect::<Result<Vec<_>, _>>()?;
                    Ok(rows)
                })
                .expect("probe sqlite"),
            Backend::Postgres { db, .. } => postgres::Client::connect(&db.url, postgres::NoTls)
                .expect("connect")
                .query(sql, &[])
                .expect("probe postgres")
                .iter()
                .map(|r| r.get(0))
                .collect(),
        };
        rows.sort();
        rows
    }
}

pub(super) fn backends() -> Vec<Backend> {
    let dir = tempfile::tempdir().expect("temp dir");
    let sqlite = Arc::new(SqliteStore::open(&dir.path().join("s.sqlite")).expect("open sqlite"));
    let db = ScratchDb::for_tests();
    let pg = PgStore::connect(&db.url).expect("connect postgres");
    vec![
        Backend::Sqlite {
            _dir: dir,
            store: sqlite.clone(),
            sqlite,
        },
        Backend::Postgres {
            db,
            store: Arc::new(pg),
        },
    ]
}

/// Run `test` against each backend, naming the backend on failure.
pub(super) fn each_backend(test: impl Fn(&dyn Store)) {
    same(|b| test(b.store()));
}

/// Run `test` against each backend (naming the backend on failure) and require the same
/// answer from both; returns it.
pub(super) fn same<T: PartialEq + Debug>(test: impl Fn(&Backend) -> T) -> T {
    let mut answers = Vec::new();
    for backend in backends() {
        let name = backend.store().backend();
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| test(&backend))) {
            Ok(answer) => answers.push(answer),
            Err(e) => {
                eprintln!("failed on the {name} backend");
                std::panic::resume_unwind(e);
            }
        }
    }
    let postgres = answers.pop().expect("a PostgreSQL answer");
    let sqlite = answers.pop().expect("a SQLite answer");
    assert_eq!(
        sqlite, postgres,
        "SQLite (left) and PostgreSQL (right) disagree"
    );
    sqlite
}

/// [`same`] for a test that needs only the store.
pub(super) fn same_on_both<T: PartialEq + Debug>(test: impl Fn(&dyn Store) -> T) -> T {
    same(|b| test(b.store()))
}
