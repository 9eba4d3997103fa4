//! The shared heart of Groundgame: the domain model, the field events volunteers record,
//! the sync protocol's wire types, and the pure rules both the device and the server run
//! (event validation, the hybrid logical clock, the door and person status folds).
//!
//! This crate does no I/O. It knows nothing of HTTP, SQL or the UI, so the same code decides
//! the same thing on a phone and on the server.

pub mod conversation;
pub mod crash;
pub mod domain;
pub mod event;
pub mod fold;
pub mod hlc;
pub mod ids;
pub mod map;
pub mod network;
pub mod paths;
pub mod protocol;
pub mod script;
pub mod text;
pub mod time;

pub use domain::{
    Assignment, CallList, CampaignConfig, Device, Household, Person, ResultCode, ResultEffect,
    ResultLevel, Role, SurveyQuestion, Turf, Volunteer,
};
pub use event::{Event, EventBody, EventError};
pub use hlc::{Hlc, HlcClock};
pub use ids::{
    CallListId, CampaignId, DeviceId, EventId, HouseholdId, PersonId, ScriptId, TurfId, VolunteerId,
};
pub use script::{
    QuestionKind, Script, ScriptChoice, ScriptError, ScriptIssue, ScriptPlace, ScriptQuestion,
    VersionedScript,
};
pub use time::{NaiveDate, TimeZone};
