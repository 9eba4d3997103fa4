//! A test server: a temporary SQLite file (or, with `GROUNDGAME_TEST_BACKEND=postgres`, a
//! scratch PostgreSQL database), campaign 1 with turfs A and B, campaign 2 with turf C,
//! invite codes, and a wall clock the test controls.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use groundgame_core::event::Channel;
use groundgame_core::protocol::{
    ErrorBody, PullRequest, PullResponse, PushOutcome, PushRequest, PushResponse, RegisterRequest,
    RegisterResponse, ScopeCursor, PROTOCOL_VERSION,
};
use groundgame_core::{
    CampaignId, Event, EventBody, EventId, Hlc, HouseholdId, PersonId, Role, TurfId, VolunteerId,
};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

use crate::store::postgres::ScratchDb;
use crate::store::sqlite::people;
use crate::store::Location;
use crate::{app, AppState, NewHousehold, NewPerson, PgStore, SqliteStore, Store};

/// 2027-01-15T08:00:00Z: the server's "now" unless a test moves it.
pub const NOW: u64 = 1_800_000_000_000;
pub const DAY: u64 = 24 * 60 * 60 * 1000;

/// What a harness's store is, for the few helpers that look at rows directly.
pub enum Backing {
    Sqlite(Arc<SqliteStore>),
    Postgres(ScratchDb),
}

/// Whether in-process suites run on PostgreSQL (`GROUNDGAME_TEST_BACKEND=postgres`).
pub fn on_postgres() -> bool {
    std::env::var("GROUNDGAME_TEST_BACKEND").is_ok_and(|b| b == "postgres")
}

pub struct Harness {
    _dir: tempfile::TempDir,
    pub store: Arc<dyn Store>,
    pub backing: Backing,
    pub clock: Arc<AtomicU64>,
    app: Router,
    pub state: crate::AppState,
    pub campaign: CampaignId,
    pub other_campaign: CampaignId,
    pub turf_a: TurfId,
    pub turf_b: TurfId,
    pub turf_c: TurfId,
    pub volunteer_invite: String,
    pub lead_invite: String,
    pub other_lead_invite: String,
}

/// A device registered through the API.
#[derive(Debug, Clone)]
pub struct Device {
    pub token: String,
    pub reg: RegisterResponse,
}

pub fn households(
    street: &str,
    n: usize,
    people_each: usize,
) -> Vec<(NewHousehold, Vec<NewPerson>)> {
    (0..n)
        .map(|i| {
            (
                NewHousehold {
                    street: street.into(),
                    number: (100 + i).to_string(),
                    city: "Testville".into(),
                    zip: "27999".into(),
                    ..NewHousehold::default()
                },
                (0..people_each)
                    .map(|j| NewPerson {
                        source_id: format!("{street}-{i}-{j}"),
                        first_name: format!("First{j}"),
                        last_name: format!("Last{i}"),
                        ..NewPerson::default()
                    })
                    .collect(),
            )
        })
        .collect()
}

pub struct Response {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Response {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
    pub fn error_code(&self) -> String {
        let body: ErrorBody = serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not an error body ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        });
        body.error.code
    }
    pub fn parse<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "unexpected body ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

impl Harness {
    pub fn new() -> Harness {
        let dir = tempfile::tempdir().expect("temp dir");
        let (store, backing): (Arc<dyn Store>, Backing) = if on_postgres() {
            let db = ScratchDb::for_tests();
            let store = Arc::new(PgStore::connect(&db.url).expect("connect"));
            (store, Backing::Postgres(db))
        } else {
            let store =
                Arc::new(SqliteStore::open(&dir.path().join("server.sqlite")).expect("open"));
            (store.clone(), Backing::Sqlite(store))
        };
        let campaign = store
            .create_campaign("Test campaign", groundgame_core::TimeZone::UTC)
            .expect("campaign");
        let other_campaign = store
            .create_campaign("Other campaign", groundgame_core::TimeZone::UTC)
            .expect("campaign");
        let turf_a = store.create_turf(campaign, "A").expect("turf");
        let turf_b = store.create_turf(campaign, "B").expect("turf");
        let turf_c = store.create_turf(other_campaign, "C").expect("turf");
        store
            .add_households(turf_a, households("Oak St", 5, 2))
            .expect("households");
        store
            .add_households(turf_b, households("Elm St", 3, 1))
            .expect("households");
        store
            .add_households(turf_c, households("Pine St", 3, 1))
            .expect("households");
        let later = NOW + 30 * DAY;
        let volunteer_invite = store
            .create_invite(campaign, Role::Volunteer, 100, later)
            .expect("invite");
        let lead_invite = store
            .create_invite(campaign, Role::Lead, 10, later)
            .expect("invite");
        let other_lead_invite = store
            .create_invite(other_campaign, Role::Lead, 10, later)
            .expect("invite");
        let clock = Arc::new(AtomicU64::new(NOW));
        let read_clock = clock.clone();
        let state = AppState::with_clock(
            store.clone(),
            Arc::new(move || read_clock.load(Ordering::SeqCst)),
        );
        Harness {
            _dir: dir,
            store,
            backing,
            clock,
            app: app(state.clone()),
            state,
            campaign,
            other_campaign,
            turf_a,
            turf_b,
            turf_c,
            volunteer_invite,
            lead_invite,
            other_lead_invite,
        }
    }

    pub fn now(&self) -> u64 {
        self.clock.load(Ordering::SeqCst)
    }

    /// Every committed row of every table ([`crate::store::digest`]).
    pub fn digest(&self) -> crate::store::digest::Digest {
        let location = match &self.backing {
            Backing::Sqlite(_) => Location::Sqlite(self._dir.path().join("server.sqlite")),
            Backing::Postgres(db) => Location::Postgres(db.url.clone()),
        };
        location.digest().expect("digest")
    }

    pub async fn send(&self, request: Request<Body>) -> Response {
        let response = self.app.clone().oneshot(request).await.expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
            .to_vec();
        Response {
            status,
            headers,
            body,
        }
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Response {
        let mut builder = Request::builder().method(method).uri(path);
        if let Some(token) = token {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let body = match body {
            Some(v) => {
                builder = builder.header(header::CONTENT_TYPE, "application/json");
                Body::from(serde_json::to_vec(&v).expect("json"))
            }
            None => Body::empty(),
        };
        self.send(builder.body(body).expect("request")).await
    }

    /// A lead's POST that must succeed, its answer parsed.
    pub async fn post_ok<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        token: &str,
        body: Value,
    ) -> T {
        let r = self.call(Method::POST, path, Some(token), Some(body)).await;
        assert_eq!(
            r.status,
            StatusCode::OK,
            "POST {path}: {}",
            String::from_utf8_lossy(&r.body)
        );
        r.parse()
    }

    pub async fn register_with(&self, code: &str, name: &str) -> Response {
        let req = RegisterRequest {
            protocol: PROTOCOL_VERSION,
            invite_code: code.into(),
            volunteer_name: name.into(),
            device_name: format!("{name}'s phone"),
            app_version: "0.1.0".into(),
        };
        self.call(
            Method::POST,
            "/api/v1/register",
            None,
            Some(serde_json::to_value(req).expect("json")),
        )
        .await
    }

    pub async fn register(&self, code: &str, name: &str) -> Device {
        let r = self.register_with(code, name).await;
        assert_eq!(
            r.status,
            StatusCode::OK,
            "{}",
            String::from_utf8_lossy(&r.body)
        );
        let reg: RegisterResponse = r.parse();
        Device {
            token: reg.token.clone(),
            reg,
        }
    }

    /// Give volunteers a call list of the campaign, as a phone bank would: the server takes
    /// phone results only from volunteers with one.
    pub fn callers(&self, volunteers: &[VolunteerId]) {
        give_call_list(self.store.as_ref(), self.campaign, volunteers);
    }

    /// A volunteer device assigned to `turf`.
    pub async fn volunteer_on(&self, turf: TurfId, name: &str) -> Device {
        let d = self.register(&self.volunteer_invite.clone(), name).await;
        let mut assignees = self.store.assignees(turf).expect("assignees");
        assignees.push(d.reg.volunteer);
        self.store.set_assignees(turf, &assignees).expect("assign");
        d
    }

    pub async fn push_raw(&self, device: &Device, events: &[Event]) -> Response {
        let req = PushRequest {
            protocol: PROTOCOL_VERSION,
            events: events.to_vec(),
            pending: 0,
        };
        self.call(
            Method::POST,
            "/api/v1/push",
            Some(&device.token),
            Some(serde_json::to_value(req).expect("json")),
        )
        .await
    }

    pub async fn push(&self, device: &Device, events: &[Event]) -> Vec<PushOutcome> {
        let r = self.push_raw(device, events).await;
        assert_eq!(
            r.status,
            StatusCode::OK,
            "{}",
            String::from_utf8_lossy(&r.body)
        );
        r.parse::<PushResponse>().results
    }

    pub async fn pull(
        &self,
        device: &Device,
        scopes: &[(TurfId, u64)],
        limit: Option<u32>,
    ) -> PullResponse {
        let req = PullRequest {
            maps: false,
            protocol: PROTOCOL_VERSION,
            scopes: scopes
                .iter()
                .map(|(turf, cursor)| ScopeCursor {
                    map: None,
                    turf: *turf,
                    cursor: *cursor,
                })
                .collect(),
            limit,
        };
        let r = self
            .call(
                Method::POST,
                "/api/v1/pull",
                Some(&device.token),
                Some(serde_json::to_value(req).expect("json")),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::OK,
            "{}",
            String::from_utf8_lossy(&r.body)
        );
        r.parse()
    }

    /// The SQLite store, for a test that reads its rows directly (SQLite runs only).
    pub fn sqlite(&self) -> &SqliteStore {
        match &self.backing {
            Backing::Sqlite(store) => store,
            Backing::Postgres(_) => panic!("this test reads SQLite's rows directly"),
        }
    }

    /// Run `f` on a connection to the PostgreSQL database, when the harness runs on one
    /// (on a thread of its own: the client must not block inside the test's runtime).
    pub fn on_postgres<T: Send>(
        &self,
        f: impl FnOnce(&mut postgres::Client) -> T + Send,
    ) -> Option<T> {
        match &self.backing {
            Backing::Sqlite(_) => None,
            Backing::Postgres(db) => Some(crate::store::postgres::off_runtime(|| {
                let mut client =
                    postgres::Client::connect(&db.url, postgres::NoTls).expect("connect");
                f(&mut client)
            })),
        }
    }

    /// How many rows a table holds, on either backend.
    pub fn rows_in(&self, table: &str) -> i64 {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        match self.on_postgres(|pg| pg.query_one(&sql, &[]).expect("count").get(0)) {
            Some(n) => n,
            None => self
                .sqlite()
                .read(|tx| Ok(tx.query_row(&sql, [], |r| r.get(0))?))
                .expect("count"),
        }
    }

    /// The households of a turf, by walk order.
    pub fn households_of(&self, turf: TurfId) -> Vec<HouseholdId> {
        let on_pg = self.on_postgres(|pg| {
            pg.query(
                "SELECT id FROM households WHERE turf_id = $1 ORDER BY walk_order",
                &[&turf.0],
            )
            .expect("households")
            .iter()
            .map(|r| HouseholdId(r.get(0)))
            .collect()
        });
        if let Some(found) = on_pg {
            return found;
        }
        let mut hs = self
            .sqlite()
            .read(|tx| crate::store::sqlite::households::page(tx, turf, 0, i64::MAX))
            .expect("households");
        hs.sort_by_key(|h| h.walk_order);
        hs.into_iter().map(|h| h.id).collect()
    }

    /// Some person living at the household.
    pub fn person_at(&self, household: HouseholdId) -> PersonId {
        let on_pg = self.on_postgres(|pg| {
            let row = pg
                .query_one(
                    "SELECT id FROM people WHERE household_id = $1 AND turf_id IS NOT NULL
                     ORDER BY seq LIMIT 1",
                    &[&household.0],
                )
                .expect("someone lives there");
            PersonId(row.get(0))
        });
        if let Some(found) = on_pg {
            return found;
        }
        let store = self.sqlite();
        let turf = store
            .read(|tx| crate::store::sqlite::households::lookup(tx, household))
            .expect("lookup")
            .expect("household exists")
            .0;
        store
            .read(|tx| people::page(tx, turf, 0, i64::MAX))
            .expect("people")
            .into_iter()
            .find(|p| p.household == household)
            .expect("someone lives there")
            .id
    }

    /// A household as an import leaves it: in the campaign, in no turf, with its voters
    /// given as (source id, phone, status).
    pub fn imported_household(
        &self,
        street: &str,
        number: &str,
        precinct: &str,
        voters: &[(&str, Option<&str>, &str)],
    ) -> HouseholdId {
        let campaign = self.campaign;
        let key = format!("{number}|{street}");
        let on_pg = self.on_postgres(|pg| {
            let mut tx = pg.transaction().expect("begin");
            let household: i64 = tx
                .query_one(
                    "INSERT INTO households (campaign_id, seq, street, number, unit, city, zip,
                                             walk_order, address_key, precinct)
                     VALUES ($1, 0, $2, $3, '', 'Testville', '27999', 0, $4, $5) RETURNING id",
                    &[&campaign.0, &street, &number, &key, &precinct],
                )
                .expect("household")
                .get(0);
            for (source, phone, status) in voters {
                tx.execute(
                    "INSERT INTO people (id, campaign_id, household_id, seq, source_id,
                                         first_name, last_name, phone, status)
                     VALUES ($1, $2, $3, 0, $4, 'F', $4, $5, $6)",
                    &[
                        &PersonId::new_v7().0,
                        &campaign.0,
                        &household,
                        source,
                        phone,
                        status,
                    ],
                )
                .expect("person");
            }
            tx.commit().expect("commit");
            HouseholdId(household)
        });
        if let Some(found) = on_pg {
            return found;
        }
        self.sqlite()
            .write(|tx| {
                tx.execute(
                    "INSERT INTO households (campaign_id, seq, street, number, unit, city, zip,
                                             walk_order, address_key, precinct)
                     VALUES (?1, 0, ?2, ?3, '', 'Testville', '27999', 0, ?4, ?5)",
                    rusqlite::params![campaign.0, street, number, key, precinct],
                )?;
                let household = tx.last_insert_rowid();
                for (source, phone, status) in voters {
                    tx.execute(
                        "INSERT INTO people (id, campaign_id, household_id, seq, source_id,
                                             first_name, last_name, phone, status)
                         VALUES (?1, ?2, ?3, 0, ?4, 'F', ?4, ?5, ?6)",
                        rusqlite::params![
                            PersonId::new_v7().0.as_bytes().as_slice(),
                            campaign.0,
                            household,
                            source,
                            phone,
                            status
                        ],
                    )?;
                }
                Ok(HouseholdId(household))
            })
            .expect("insert an imported household")
    }

    pub fn count(&self) -> u64 {
        self.store.event_count(self.campaign).expect("count")
    }
}

/// An event recorded now (by the test clock) at `household`.
pub fn event_at(
    at_ms: u64,
    household: HouseholdId,
    person: Option<PersonId>,
    body: EventBody,
) -> Event {
    Event {
        id: EventId::new_v7(),
        at: Hlc::new(at_ms, 0),
        household,
        person,
        body,
    }
}

pub fn knock(result: &str) -> EventBody {
    EventBody::Contact {
        channel: Channel::Door,
        result: result.into(),
        call_back_at: None,
    }
}

/// Give volunteers a call list of `campaign` (made from its voters; it may have no one on
/// it): the server takes phone results only from volunteers with one.
pub fn give_call_list(store: &dyn Store, campaign: CampaignId, volunteers: &[VolunteerId]) {
    let list = store
        .create_call_list(
            campaign,
            "Phone bank",
            &crate::store::CallListFilter::default(),
        )
        .expect("call list")
        .id;
    store
        .set_call_list_callers(list, volunteers, NOW - 30 * DAY)
        .expect("callers");
}
