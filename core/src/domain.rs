//! The campaign's world as a device sees it: turfs of households in walking order, the
//! people who live there, and the campaign's own result codes and survey questions (which
//! are data with sensible defaults, never code).

use serde::{Deserialize, Serialize};

use crate::ids::{
    CallListId, CampaignId, DeviceId, HouseholdId, PersonId, ScriptId, TurfId, VolunteerId,
};

/// What a volunteer may do. Leads see their whole campaign; admins run the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Volunteer,
    Lead,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Volunteer => "volunteer",
            Role::Lead => "lead",
            Role::Admin => "admin",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "volunteer" => Some(Role::Volunteer),
            "lead" => Some(Role::Lead),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
    /// Leads and admins see every turf of their campaign.
    pub fn sees_whole_campaign(self) -> bool {
        matches!(self, Role::Lead | Role::Admin)
    }
}

/// A person who volunteers or leads for a campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Volunteer {
    pub id: VolunteerId,
    pub campaign: CampaignId,
    pub name: String,
    pub role: Role,
}

/// One registered phone or laptop. A revoked device is refused and wipes its voter data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Device {
    pub id: DeviceId,
    pub volunteer: VolunteerId,
    pub name: String,
    pub revoked: bool,
}

/// Who walks a turf. A turf may have several canvassers (pairs are common); the set is
/// decided by the lead on the server, and a device receives only its volunteer's turfs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    pub turf: TurfId,
    pub volunteers: Vec<VolunteerId>,
}

/// A phone bank's list of people to call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CallList {
    pub id: CallListId,
    pub campaign: CampaignId,
    pub name: String,
    pub script: Option<ScriptId>,
}

/// A turf: the households one canvasser walks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Turf {
    pub id: TurfId,
    pub campaign: CampaignId,
    pub name: String,
}

/// One door. `walk_order` is the position in the turf's walking order (street, side of the
/// street, house number; in a building top floor down, then unit), computed by the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Household {
    pub id: HouseholdId,
    pub turf: TurfId,
    pub street: String,
    /// House number as written ("12", "12B", "" when the file had none).
    pub number: String,
    /// Apartment or unit ("" when none).
    pub unit: String,
    pub city: String,
    pub zip: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub walk_order: u32,
}

/// A person living at a household.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Person {
    pub id: PersonId,
    pub household: HouseholdId,
    /// The voter's id in the source file (ncid, VAN id); empty for people added at the door.
    pub source_id: String,
    pub first_name: String,
    pub last_name: String,
    pub birth_year: Option<u16>,
    pub party: Option<String>,
    /// Phone in E.164 form, when known.
    pub phone: Option<String>,
    /// Preferred language, as a BCP-47 tag ("en", "es").
    pub language: Option<String>,
}

/// At which level a result applies (see BRIEF: building, door, person).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ResultLevel {
    Building,
    Door,
    Person,
}

/// What a result means for the door's status and the campaign's figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ResultEffect {
    /// Nobody reached; try again in a later pass (not home, literature left).
    TryAgain,
    /// Someone asked to be visited or called again later.
    ComeBack,
    /// The door or person cannot be contacted any more (moved, deceased, vacant, inaccessible).
    Closed,
    /// Reached, declined to talk.
    Refused,
    /// Reached and talked: counts as a contact made.
    Contacted,
}

/// One result code of a campaign: the key recorded in events, with labels in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResultCode {
    pub key: String,
    pub level: ResultLevel,
    pub effect: ResultEffect,
    pub label_en: String,
    pub label_es: String,
}

/// The result codes that belong to phone banking: no one at a door records them.
pub const PHONE_ONLY_RESULTS: &[&str] = &[
    "no_answer",
    "left_message",
    "busy",
    "wrong_number",
    "disconnected",
    "call_back",
    "do_not_call",
];

/// The results a caller is offered, in the order callers meet them.
pub const PHONE_DISPOSITIONS: &[&str] = &[
    "no_answer",
    "left_message",
    "busy",
    "wrong_number",
    "disconnected",
    "talked",
    "refused",
    "language_barrier",
    "deceased",
    "call_back",
    "do_not_call",
];

impl ResultCode {
    /// A phone-banking result ([`PHONE_ONLY_RESULTS`]), not offered at a door.
    pub fn is_phone_only(&self) -> bool {
        PHONE_ONLY_RESULTS.contains(&self.key.as_str())
    }
}

/// A survey question with its answer choices (keys plus labels in both languages).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SurveyQuestion {
    pub key: String,
    pub text_en: String,
    pub text_es: String,
    pub choices: Vec<SurveyChoice>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SurveyChoice {
    pub key: String,
    pub label_en: String,
    pub label_es: String,
}

/// The campaign data a device needs to record results: its codes and questions, and the
/// scripts volunteers read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CampaignConfig {
    pub id: CampaignId,
    pub name: String,
    pub result_codes: Vec<ResultCode>,
    pub questions: Vec<SurveyQuestion>,
    /// The latest version of each of the campaign's scripts, by key. The server keeps
    /// scripts in their own versioned table and fills this in when it sends the config.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scripts: Vec<crate::script::VersionedScript>,
    /// Numbers nobody may call (E.164): in a pull, the campaign's do-not-call numbers that
    /// are on the device's call lists, so the call screen hides them at once. Filled in by
    /// the server when it sends the config, like `scripts`; empty when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub do_not_call: Vec<String>,
    /// The campaign's time zone (the lead's hours and days are in it). Kept in its own
    /// column and filled in by the server when it sends the config, like `scripts`.
    #[serde(default)]
    pub time_zone: crate::time::TimeZone,
}

/// The key of the field's usual support question (1 = strong supporter ... 5 = strongly
/// opposed).
pub const SUPPORT_QUESTION: &str = "support";

impl CampaignConfig {
    /// A campaign with the default result codes and the support question.
    pub fn with_defaults(id: CampaignId, name: impl Into<String>) -> Self {
        CampaignConfig {
            id,
            name: name.into(),
            result_codes: default_result_codes(),
            questions: vec![default_support_question()],
            scripts: Vec::new(),
            do_not_call: Vec::new(),
            time_zone: crate::time::TimeZone::UTC,
        }
    }
    pub fn result_code(&self, key: &str) -> Option<&ResultCode> {
        self.result_codes.iter().find(|c| c.key == key)
    }
    /// The campaign's results a caller is offered, in [`PHONE_DISPOSITIONS`] order.
    pub fn phone_result_codes(&self) -> Vec<ResultCode> {
        PHONE_DISPOSITIONS
            .iter()
            .filter_map(|k| self.result_code(k).cloned())
            .collect()
    }
    /// The result codes that make sense at a door (every one but phone banking's), in the
    /// campaign's order: what the door screen and the paper walk list offer.
    pub fn door_result_codes(&self) -> Vec<ResultCode> {
        self.result_codes
            .iter()
            .filter(|c| !c.is_phone_only())
            .cloned()
            .collect()
    }
    pub fn question(&self, key: &str) -> Option<&SurveyQuestion> {
        self.questions.iter().find(|q| q.key == key)
    }
    /// The script a canvasser reads at the door: the one keyed `door`, else `canvass`, else
    /// the first script that is not for phone banking (`phone*`); none when there is none.
    pub fn door_script(&self) -> Option<&crate::script::VersionedScript> {
        ["door", "canvass"]
            .iter()
            .find_map(|k| self.scripts.iter().find(|s| s.script.key == *k))
            .or_else(|| {
                self.scripts
                    .iter()
                    .find(|s| !s.script.key.starts_with("phone"))
            })
    }
}

fn code(key: &str, level: ResultLevel, effect: ResultEffect, en: &str, es: &str) -> ResultCode {
    ResultCode {
        key: key.into(),
        level,
        effect,
        label_en: en.into(),
        label_es: es.into(),
    }
}

/// The result codes a campaign starts with: building, door and person level, door and phone.
pub fn default_result_codes() -> Vec<ResultCode> {
    use ResultEffect::*;
    use ResultLevel::*;
    vec![
        code(
            "inaccessible",
            Building,
            Closed,
            "Building inaccessible",
            "Edificio inaccesible",
        ),
        code("not_home", Door, TryAgain, "Not home", "No está en casa"),
        code(
            "literature_left",
            Door,
            TryAgain,
            "Left literature",
            "Dejé folleto",
        ),
        code(
            "address_not_found",
            Door,
            Closed,
            "Address not found",
            "Dirección no encontrada",
        ),
        code("vacant", Door, Closed, "Vacant", "Desocupada"),
        code(
            "come_back",
            Door,
            ComeBack,
            "Come back later",
            "Volver más tarde",
        ),
        code("talked", Person, Contacted, "Talked", "Conversamos"),
        code("refused", Person, Refused, "Refused", "Rechazó"),
        code("moved", Person, Closed, "Moved", "Se mudó"),
        code("deceased", Person, Closed, "Deceased", "Falleció"),
        code(
            "language_barrier",
            Person,
            TryAgain,
            "Language barrier",
            "Barrera de idioma",
        ),
        code("hostile", Person, Refused, "Hostile", "Hostil"),
        // Phone dispositions.
        code("no_answer", Person, TryAgain, "No answer", "No contestó"),
        code(
            "left_message",
            Person,
            TryAgain,
            "Left message",
            "Dejé mensaje",
        ),
        code("busy", Person, TryAgain, "Busy", "Ocupado"),
        code(
            "wrong_number",
            Person,
            Closed,
            "Wrong number",
            "Número equivocado",
        ),
        code(
            "disconnected",
            Person,
            Closed,
            "Disconnected",
            "Desconectado",
        ),
        code(
            "call_back",
            Person,
            ComeBack,
            "Call back later",
            "Llamar más tarde",
        ),
        code("do_not_call", Person, Closed, "Do not call", "No llamar"),
    ]
}

/// The support question on the field's usual 1–5 scale.
pub fn default_support_question() -> SurveyQuestion {
    let labels = [
        ("1", "Strong supporter", "Apoyo firme"),
        ("2", "Leaning supporter", "Se inclina a apoyar"),
        ("3", "Undecided", "Indeciso"),
        ("4", "Leaning against", "Se inclina en contra"),
        ("5", "Strongly opposed", "Totalmente en contra"),
    ];
    SurveyQuestion {
        key: SUPPORT_QUESTION.into(),
        text_en: "If the election were today, would you support our candidate?".into(),
        text_es: "Si la elección fuera hoy, ¿apoyaría a nuestra candidata?".into(),
        choices: labels
            .iter()
            .map(|(k, en, es)| SurveyChoice {
                key: (*k).into(),
                label_en: (*en).into(),
                label_es: (*es).into(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_code_and_choice_has_both_languages() {
        let config = CampaignConfig::with_defaults(CampaignId(1), "t");
        for c in &config.result_codes {
            assert!(
                !c.label_en.is_empty() && !c.label_es.is_empty(),
                "{}",
                c.key
            );
        }
        for q in &config.questions {
            assert!(!q.text_en.is_empty() && !q.text_es.is_empty());
            assert!(q
                .choices
                .iter()
                .all(|c| !c.label_en.is_empty() && !c.label_es.is_empty()));
        }
    }
}
