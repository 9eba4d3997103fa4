//! A scratch database for tests and benchmarks: made fresh in a cluster (the URL names any
//! database there, typically `postgres`), dropped with the value. Never used by the server.

/// A database of its own, dropped (connections and all) when this is dropped.
pub struct ScratchDb {
    admin: String,
    name: String,
    /// Where the scratch database is.
    pub url: String,
}

impl ScratchDb {
    /// A fresh database in the cluster `admin_url` points at.
    pub fn create(admin_url: &str) -> Result<ScratchDb, postgres::Error> {
        super::off_runtime(|| Self::create_here(admin_url))
    }

    fn create_here(admin_url: &str) -> Result<ScratchDb, postgres::Error> {
        let name = format!("gg_scratch_{}", uuid::Uuid::new_v4().simple());
        let mut client = postgres::Client::connect(admin_url, postgres::NoTls)?;
        client.batch_execute(&format!("CREATE DATABASE {name}"))?;
        let base = admin_url
            .rsplit_once('/')
            .map_or(admin_url, |(base, _)| base);
        Ok(ScratchDb {
            url: format!("{base}/{name}"),
            admin: admin_url.to_string(),
            name,
        })
    }

    /// A fresh database in the test cluster named by `GROUNDGAME_TEST_POSTGRES` (which
    /// `scripts/test.sh` starts); panics with what to do when there is none.
    pub fn for_tests() -> ScratchDb {
        let admin = std::env::var("GROUNDGAME_TEST_POSTGRES").unwrap_or_else(|_| {
            panic!(
                "GROUNDGAME_TEST_POSTGRES is not set: start the test cluster with \
                 `export GROUNDGAME_TEST_POSTGRES=$(bash scripts/pg-cluster.sh)` \
                 (scripts/test.sh does this)"
            )
        });
        ScratchDb::create(&admin).unwrap_or_else(|e| panic!("cannot reach the test cluster: {e}"))
    }
}

impl Drop for ScratchDb {
    fn drop(&mut self) {
        super::off_runtime(|| self.drop_here());
    }
}

impl ScratchDb {
    fn drop_here(&self) {
        if let Ok(mut client) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = client.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}
