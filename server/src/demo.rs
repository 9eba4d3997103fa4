//! A demo campaign in a fictional town, so the app can be tried without a voter file:
//! made-up streets around a center point, odd and even house numbers, some apartment
//! buildings, one to four people per household with plausible names, birth years, parties,
//! some phones (in the 555-01xx range reserved for fiction) and some Spanish speakers.
//! Everything but the invite codes is determined by the seed; it is written in one
//! transaction, so 20,000 voters take a fraction of a second.

use groundgame_core::{CallListId, CampaignId, PersonId, Role, TurfId};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use crate::clock::{self, DAY_MS};
use crate::store::sqlite::sequence::Sequence;
use crate::store::sqlite::{campaigns, households, invites, turfs};
use crate::store::{CallListFilter, NewHousehold, NewPerson};
use crate::{SqliteStore, StoreError};
use groundgame_core::TimeZone;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoOptions {
    pub seed: u64,
    pub voters: u32,
    pub turfs: u32,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            seed: 1,
            voters: 20_000,
            turfs: 10,
        }
    }
}

/// What the demo created: the campaign, its turfs and two invite codes to join it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoCampaign {
    pub campaign: CampaignId,
    pub turfs: Vec<TurfId>,
    /// A phone bank of every voter with a phone, reading the demo script.
    pub call_list: Option<CallListId>,
    pub volunteer_invite: String,
    pub lead_invite: String,
}

const TOWN: &str = "Maple Hollow";
const ZIP: &str = "27999";
const CENTER: (f64, f64) = (35.9132, -79.0558);

const STREETS: &[&str] = &[
    "Juniper Lane",
    "Quarry Road",
    "Tamarack Street",
    "Heron Way",
    "Larkspur Avenue",
    "Copperfield Drive",
    "Bramble Court",
    "Foxglove Street",
    "Millrace Road",
    "Cinder Hill Road",
    "Wren Hollow Lane",
    "Saltbox Avenue",
    "Thistle Street",
    "Orchard Bend",
    "Kestrel Drive",
    "Lantern Way",
    "Mossy Creek Road",
    "Harrow Street",
    "Brightwater Avenue",
    "Sparrowgrass Lane",
    "Ironwood Drive",
    "Pennyroyal Street",
    "Cobble Run",
    "Goldfinch Court",
    "Meadowlark Avenue",
    "Sycamore Bend",
    "Ridgeback Road",
    "Alder Glen Way",
    "Chapel Fork Road",
    "Bluestem Street",
];
const DIRECTIONS: &[&str] = &[
    "", "North ", "South ", "East ", "West ", "Old ", "Upper ", "Lower ",
];

const FIRST_NAMES: &[&str] = &[
    "Ana", "James", "Mary", "Robert", "Patricia", "Michael", "Jennifer", "David", "Linda",
    "William", "Keisha", "DeShawn", "Emily", "Tyler", "Grace", "Noah", "Olivia", "Ethan", "Mei",
    "Hannah", "Samuel", "Priya", "Marcus", "Aaliyah", "Jordan", "Ruth", "Walter", "Dorothy",
    "Tomás", "Lucía", "Hiroshi", "Fatima", "Caleb", "Naomi", "Elijah", "Sophia", "Trevor",
];
const LAST_NAMES: &[&str] = &[
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Moore",
    "Taylor", "Thomas", "Jackson", "White", "Harris", "Martin", "Thompson", "Robinson", "Clark",
    "Lewis", "Walker", "Allen", "Young", "King", "Wright", "Scott", "Green", "Baker", "Nguyen",
    "Patel", "Kim", "Okafor", "Hill", "Campbell", "Mitchell", "Carter", "Chen", "Adams",
];
const SPANISH_FIRST_NAMES: &[&str] = &[
    "José",
    "María",
    "Juan",
    "Guadalupe",
    "Carlos",
    "Rosa",
    "Luis",
    "Carmen",
    "Miguel",
    "Alejandra",
    "Javier",
    "Sofía",
    "Diego",
    "Valentina",
    "Andrés",
    "Isabel",
    "Mateo",
    "Elena",
];
const SPANISH_LAST_NAMES: &[&str] = &[
    "García",
    "Rodríguez",
    "Martínez",
    "Hernández",
    "López",
    "González",
    "Pérez",
    "Sánchez",
    "Ramírez",
    "Torres",
    "Flores",
    "Rivera",
    "Gómez",
    "Díaz",
    "Morales",
    "Ortiz",
    "Castillo",
];
const AREA_CODES: &[&str] = &["919", "984", "336", "704", "828", "910", "252"];
/// (party, weight out of 100).
const PARTIES: &[(&str, u32)] = &[
    ("DEM", 35),
    ("REP", 30),
    ("UNA", 32),
    ("LIB", 2),
    ("GRE", 1),
];

/// Person ids are UUIDv7 with timestamps from here on, so they are deterministic too.
const PERSON_ID_EPOCH_MS: u64 = 1_735_689_600_000; // 2025-01-01

struct Town {
    rng: StdRng,
    people_made: u64,
}

impl Town {
    fn street_name(&self, i: usize) -> String {
        let direction = DIRECTIONS[(i / STREETS.len()) % DIRECTIONS.len()];
        let lap = i / (STREETS.len() * DIRECTIONS.len());
        let name = format!("{direction}{}", STREETS[i % STREETS.len()]);
        if lap == 0 {
            name
        } else {
            format!("{name} {}", lap + 1)
        }
    }

    fn party(&mut self) -> String {
        let mut roll = self.rng.gen_range(0..100);
        for (party, weight) in PARTIES {
            if roll < *weight {
                return (*party).to_string();
            }
            roll -= weight;
        }
        "UNA".to_string()
    }

    fn person(&mut self, last_name: &str, spanish: bool) -> NewPerson {
        self.people_made += 1;
        let names = if spanish && self.rng.gen_bool(0.8) {
            SPANISH_FIRST_NAMES
        } else {
            FIRST_NAMES
        };
        let first = names.choose(&mut self.rng).copied().unwrap_or("Alex");
        let phone = self.rng.gen_bool(0.6).then(|| {
            let area = AREA_CODES.choose(&mut self.rng).copied().unwrap_or("919");
            format!("+1{area}55501{:02}", self.rng.gen_range(0..100))
        });
        NewPerson {
            source_id: format!("MH{:08}", self.people_made),
            first_name: first.to_string(),
            last_name: last_name.to_string(),
            birth_year: Some(self.rng.gen_range(1940..=2006)),
            party: Some(self.party()),
            phone,
            language: Some(
                if spanish && self.rng.gen_bool(0.6) {
                    "es"
                } else {
                    "en"
                }
                .to_string(),
            ),
        }
    }

    fn household_people(&mut self, remaining: u32) -> Vec<NewPerson> {
        let size = match self.rng.gen_range(0..10) {
            0..=2 => 1,
            3..=6 => 2,
            7..=8 => 3,
            _ => 4,
        }
        .min(remaining);
        let spanish = self.rng.gen_bool(0.2);
        let surnames = if spanish {
            SPANISH_LAST_NAMES
        } else {
            LAST_NAMES
        };
        let family = surnames.choose(&mut self.rng).copied().unwrap_or("Doe");
        (0..size)
            .map(|_| {
                // Most people in a household share a surname; some do not.
                let last = if self.rng.gen_bool(0.8) {
                    family
                } else {
                    surnames.choose(&mut self.rng).copied().unwrap_or(family)
                };
                self.person(last, spanish)
            })
            .collect()
    }

    /// The town's map, as an OpenStreetMap extract would give it: each street of houses
    /// (one way, residential, a little past its first and last house), and an arterial
    /// between each row of streets, so the canvasser's map and the lead's draw real streets.
    fn streets(&self, streets: usize) -> Vec<groundgame_core::map::Street> {
        use groundgame_core::map::{GeoPoint, Street};
        let mut out = Vec::new();
        let mut rows = std::collections::BTreeSet::new();
        for i in 0..streets {
            let (row, col) = ((i / 6) as f64, (i % 6) as f64);
            let base = (
                CENTER.0 + (row - 5.0) * 0.004,
                CENTER.1 + (col - 3.0) * 0.006,
            );
            let name = self.street_name(i);
            out.push(Street {
                key: crate::import::address::street_key(&name),
                name,
                class: "residential".into(),
                points: vec![
                    GeoPoint::new(base.0, base.1 + 95.0 * 0.00005),
                    GeoPoint::new(base.0, base.1 + 165.0 * 0.00005),
                ],
            });
            rows.insert(i / 6);
        }
        for row in rows {
            let lat = CENTER.0 + (row as f64 - 5.0) * 0.004 + 0.002;
            out.push(Street {
                name: format!("Commerce Boulevard {}", row + 1),
                key: format!("COMMERCE BLVD {}", row + 1),
                class: "secondary".into(),
                points: vec![
                    GeoPoint::new(lat, CENTER.1 - 3.0 * 0.006),
                    GeoPoint::new(lat, CENTER.1 + 3.0 * 0.006 + 0.009),
                ],
            });
        }
        out
    }

    /// Households street by street until `voters` people live in them.
    fn households(&mut self, voters: u32) -> Vec<(NewHousehold, Vec<NewPerson>)> {
        let mut out = Vec::new();
        let mut remaining = voters;
        let mut street_index = 0;
        while remaining > 0 {
            let street = self.street_name(street_index);
            let (row, col) = ((street_index / 6) as f64, (street_index % 6) as f64);
            let base = (
                CENTER.0 + (row - 5.0) * 0.004,
                CENTER.1 + (col - 3.0) * 0.006,
            );
            let addresses = self.rng.gen_range(20..=60);
            for k in 0..addresses {
                if remaining == 0 {
                    break;
                }
                let number = 100 + k;
                let odd_side = number % 2 == 1;
                let lat = base.0 + if odd_side { 0.0002 } else { -0.0002 };
                let lon = base.1 + (number as f64) * 0.00005;
                let units: Vec<String> = if self.rng.gen_bool(0.06) {
                    let floors = self.rng.gen_range(2..=4);
                    let per_floor = self.rng.gen_range(2..=4);
                    (1..=floors)
                        .flat_map(|f| (1..=per_floor).map(move |u| format!("{f}{u:02}")))
                        .collect()
                } else {
                    vec![String::new()]
                };
                for unit in units {
                    if remaining == 0 {
                        break;
                    }
                    let people = self.household_people(remaining);
                    remaining -= people.len() as u32;
                    let jitter = self.rng.gen_range(-0.00003..0.00003);
                    out.push((
                        NewHousehold {
                            street: street.clone(),
                            number: number.to_string(),
                            unit,
                            city: TOWN.to_string(),
                            zip: ZIP.to_string(),
                            lat: Some(lat + jitter),
                            lon: Some(lon + jitter),
                        },
                        people,
                    ));
                }
            }
            street_index += 1;
        }
        out
    }

    fn person_id(&mut self) -> PersonId {
        let mut random = [0u8; 10];
        self.rng.fill(&mut random);
        let ms = PERSON_ID_EPOCH_MS + self.people_made;
        PersonId(uuid::Builder::from_unix_timestamp_millis(ms, &random).into_uuid())
    }
}

/// The demo town's time zone: an East Coast campaign.
pub fn demo_time_zone() -> TimeZone {
    TimeZone::from(groundgame_core::time::Tz::America__New_York)
}

/// Create the demo campaign with `opts.voters` voters cut into `opts.turfs` turfs, the
/// example door script, a call list, and invites for volunteers (10,000 uses) and leads
/// (100 uses), valid for 90 days.
pub fn seed(store: &SqliteStore, opts: &DemoOptions) -> Result<DemoCampaign, StoreError> {
    if opts.turfs == 0 {
        return Err(StoreError::Invalid(
            "the demo needs at least one turf".into(),
        ));
    }
    let now = clock::system_ms();
    let mut town = Town {
        rng: StdRng::seed_from_u64(opts.seed),
        people_made: 0,
    };
    let all = town.households(opts.voters);
    let streets = all
        .iter()
        .map(|(h, _)| h.street.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let map = town.streets(streets);
    // Person ids are made while inserting; count them from zero again in the same order.
    town.people_made = 0;
    let per_turf = all.len().div_ceil(opts.turfs as usize).max(1);
    let made = store.write(|tx| {
        let campaign = campaigns::create(
            tx,
            &format!("{TOWN} for Everyone (demo)"),
            demo_time_zone(),
            now,
        )?;
        // The map first, so each turf is put in walking order along its streets.
        crate::store::sqlite::map::replace(tx, campaign, &map, &[])?;
        let mut seq = Sequence::begin(tx)?;
        let mut turf_ids = Vec::new();
        let mut chunks = all.chunks(per_turf);
        for n in 1..=opts.turfs {
            let chunk = chunks.next().unwrap_or(&[]);
            let name = match chunk.first() {
                Some((first, _)) => format!("Turf {n}: {} area", first.street),
                None => format!("Turf {n}"),
            };
            let turf = turfs::create(tx, campaign, &name, now)?;
            households::add(tx, &mut seq, turf, chunk, &mut |_| {
                town.people_made += 1;
                town.person_id()
            })?;
            turf_ids.push(turf);
        }
        seq.finish(tx)?;
        let expires = now + 90 * DAY_MS;
        let volunteer_invite = invites::create(
            tx,
            store.code_key(),
            campaign,
            Role::Volunteer,
            10_000,
            expires,
            now,
        )?;
        let lead_invite = invites::create(
            tx,
            store.code_key(),
            campaign,
            Role::Lead,
            100,
            expires,
            now,
        )?;
        Ok(DemoCampaign {
            campaign,
            turfs: turf_ids,
            call_list: None,
            volunteer_invite,
            lead_invite,
        })
    })?;
    // The bilingual door script every new campaign can start from, and a phone bank of
    // everyone with a phone.
    let script = crate::script_file::parse(DEMO_SCRIPT)
        .map_err(|e| StoreError::Corrupt(format!("the demo script: {e}")))?;
    store.save_script(made.campaign, &script)?;
    let calls = store.create_call_list(
        made.campaign,
        &format!("{TOWN} phone bank"),
        &CallListFilter {
            precincts: Vec::new(),
            script: Some(script.key.clone()),
        },
    )?;
    Ok(DemoCampaign {
        call_list: Some(calls.id),
        ..made
    })
}

/// The example door script shipped with the server.
const DEMO_SCRIPT: &str = include_str!("../examples/scripts/canvass.toml");
