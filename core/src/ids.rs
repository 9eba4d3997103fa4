//! Typed identifiers. Server-made entities (campaigns, volunteers, devices, turfs,
//! households) use small integers; anything a device may create on its own (events, people
//! added at the door) uses a UUIDv7 made on the device, so no round trip is ever needed.
//!
//! With the `sqlite` feature every id is also a SQLite value (rusqlite's `ToSql` and
//! `FromSql`): integers as INTEGER, UUIDs as their 16 bytes in a BLOB, through rusqlite's own
//! `uuid` support, so no store converts an id by hand.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! int_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        sql_value!($name, i64);
    };
}

/// `ToSql` / `FromSql` for a newtype id, by way of the value it wraps.
macro_rules! sql_value {
    ($name:ident, $inner:ty) => {
        #[cfg(feature = "sqlite")]
        impl rusqlite::types::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                self.0.to_sql()
            }
        }

        #[cfg(feature = "sqlite")]
        impl rusqlite::types::FromSql for $name {
            fn column_result(
                value: rusqlite::types::ValueRef<'_>,
            ) -> rusqlite::types::FromSqlResult<Self> {
                <$inner>::column_result(value).map(Self)
            }
        }
    };
}
pub(crate) use sql_value;

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new time-ordered id (UUIDv7), made on this machine.
            pub fn new_v7() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        sql_value!($name, Uuid);
    };
}

int_id!(
    /// A campaign: one voter file, its turfs, lists, volunteers and results.
    CampaignId
);
int_id!(
    /// A person who volunteers (or leads) for a campaign.
    VolunteerId
);
int_id!(
    /// One registered phone or laptop of a volunteer.
    DeviceId
);
int_id!(
    /// A set of households one canvasser walks.
    TurfId
);
int_id!(
    /// One door: a residential address, unit-aware.
    HouseholdId
);
int_id!(
    /// A list of people to call in a phone bank.
    CallListId
);
int_id!(
    /// A script: what to say at the door or on the phone, and which questions to ask.
    ScriptId
);
uuid_id!(
    /// A person living at a household: from the voter file, or added at the door.
    PersonId
);
uuid_id!(
    /// One field event, made on the device that recorded it.
    EventId
);
