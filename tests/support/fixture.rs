//! Small campaigns made directly in the server's store: a few turfs of households with a
//! couple of people each, and invites.

use std::collections::BTreeMap;

use groundgame_core::{CampaignId, HouseholdId, Role, TurfId};
use groundgame_server::{NewHousehold, NewPerson, Store};

pub struct Fixture {
    pub campaign: CampaignId,
    /// Each turf with its households.
    pub turfs: Vec<(TurfId, Vec<HouseholdId>)>,
    pub volunteer_invite: String,
    pub lead_invite: String,
}

impl Fixture {
    /// Which turf each household is in.
    pub fn turf_of(&self) -> BTreeMap<HouseholdId, TurfId> {
        self.turfs
            .iter()
            .flat_map(|(t, hs)| hs.iter().map(move |h| (*h, *t)))
            .collect()
    }
}

const STREETS: [&str; 4] = ["Maple Street", "Oak Avenue", "Jefferson Road", "Calle Luna"];
const FIRST: [&str; 6] = ["Ana", "Ben", "Carmen", "Dele", "Eva", "Farid"];
const LAST: [&str; 5] = ["Garcia", "Okafor", "Smith", "Nguyen", "Rossi"];

/// `turfs` turfs of `households` households of `people` people each.
pub fn small_campaign(
    store: &dyn Store,
    turfs: usize,
    households: usize,
    people: usize,
) -> Fixture {
    let campaign = store
        .create_campaign("Test campaign", groundgame_core::TimeZone::UTC)
        .expect("campaign");
    let in_90_days = now_ms() + 90 * 86_400_000;
    let volunteer_invite = store
        .create_invite(campaign, Role::Volunteer, 1000, in_90_days)
        .expect("invite");
    let lead_invite = store
        .create_invite(campaign, Role::Lead, 10, in_90_days)
        .expect("invite");
    let mut out = Vec::new();
    for t in 0..turfs {
        let turf = store
            .create_turf(campaign, &format!("Turf {}", t + 1))
            .expect("turf");
        let rows = (0..households)
            .map(|h| {
                let household = NewHousehold {
                    street: STREETS[t % STREETS.len()].to_string(),
                    number: format!("{}", 100 + h),
                    unit: String::new(),
                    city: "Riverton".into(),
                    zip: "27601".into(),
                    lat: Some(35.77 + t as f64 * 0.01),
                    lon: Some(-78.63 + h as f64 * 0.0005),
                };
                let residents = (0..people)
                    .map(|p| NewPerson {
                        source_id: format!("V{t:02}{h:03}{p}"),
                        first_name: FIRST[(h + p) % FIRST.len()].into(),
                        last_name: LAST[h % LAST.len()].into(),
                        birth_year: Some(1950 + ((h * 7 + p * 13) % 50) as u16),
                        party: Some("UNA".into()),
                        phone: Some(format!("+1919555{:04}", t * 1000 + h * 10 + p)),
                        language: Some(if p % 3 == 2 { "es" } else { "en" }.into()),
                    })
                    .collect();
                (household, residents)
            })
            .collect();
        let ids = store.add_households(turf, rows).expect("households");
        out.push((turf, ids));
    }
    Fixture {
        campaign,
        turfs: out,
        volunteer_invite,
        lead_invite,
    }
}

pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}
