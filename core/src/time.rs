//! Dates and times, one way for both sides. Instants travel and are stored as milliseconds
//! since the Unix epoch (UTC); a calendar day is a [`NaiveDate`] (`YYYY-MM-DD` on the wire);
//! a place's clock is a named [`TimeZone`] (IANA, `America/New_York`), never a fixed offset,
//! so "tomorrow at 10 am" and "the lead's figures by hour" stay right across a
//! daylight-saving change. Every calendar computation goes through chrono and chrono-tz
//! (whose zone table is compiled in: a phone with no signal still knows the rules); nothing
//! here does calendar arithmetic by hand.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, LocalResult, NaiveDateTime, TimeZone as _, Timelike, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use chrono::{NaiveDate, NaiveTime};
pub use chrono_tz::Tz;

/// The instant `ms` (since the Unix epoch) in UTC; instants past chrono's range clamp to
/// its end.
pub fn utc(ms: u64) -> DateTime<Utc> {
    i64::try_from(ms)
        .ok()
        .and_then(DateTime::from_timestamp_millis)
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// `ms` as ISO 8601 in UTC, to the millisecond: `2027-01-15T08:00:00.000Z`.
pub fn iso_time(ms: u64) -> String {
    utc(ms).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The UTC calendar day of `ms`.
pub fn utc_date(ms: u64) -> NaiveDate {
    utc(ms).date_naive()
}

/// The milliseconds since the epoch of a `chrono` instant (0 before 1970).
pub fn ms_of<Z: chrono::TimeZone>(at: &DateTime<Z>) -> u64 {
    u64::try_from(at.timestamp_millis()).unwrap_or(0)
}

/// A named time zone from the IANA database (`America/New_York`, `UTC`). A campaign has
/// one (the lead's hours and days, the export's dates, which follow-ups are due); a device
/// has its own (a call-back's time, "due today" on the phone). On the wire and in the
/// database it is its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TimeZone(Tz);

/// A name that is not in the time-zone database.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{0}\" is not a time zone name; use one like America/New_York or America/Chicago")]
pub struct ZoneError(pub String);

impl TimeZone {
    pub const UTC: TimeZone = TimeZone(Tz::UTC);

    /// The zone named `name` (IANA, case as in the database: `America/New_York`).
    pub fn parse(name: &str) -> Result<TimeZone, ZoneError> {
        let name = name.trim();
        name.parse::<Tz>()
            .map(TimeZone)
            .map_err(|_| ZoneError(name.chars().take(60).collect()))
    }

    pub fn name(self) -> &'static str {
        self.0.name()
    }

    pub fn tz(self) -> Tz {
        self.0
    }

    /// The instant `ms` on this zone's clocks.
    pub fn at(self, ms: u64) -> DateTime<Tz> {
        utc(ms).with_timezone(&self.0)
    }

    /// The wall-clock date and time of `ms` here.
    pub fn local(self, ms: u64) -> NaiveDateTime {
        self.at(ms).naive_local()
    }

    /// The calendar day `ms` falls on here.
    pub fn date_of(self, ms: u64) -> NaiveDate {
        self.at(ms).date_naive()
    }

    /// The hour of the day (0–23) `ms` falls in here.
    pub fn hour_of(self, ms: u64) -> u8 {
        self.at(ms).hour() as u8
    }

    /// The year `ms` falls in here.
    pub fn year_of(self, ms: u64) -> i32 {
        self.at(ms).year()
    }

    /// The instant this zone's clocks show `local`. When clocks spring forward and `local`
    /// is in the skipped hour, the first instant after the gap (02:30 on a spring-forward
    /// night is 03:00); when they fall back and `local` happens twice, the first of the two.
    pub fn instant(self, local: NaiveDateTime) -> u64 {
        match self.0.from_local_datetime(&local) {
            LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => ms_of(&at),
            LocalResult::None => {
                // Walk forward to the end of the gap (gaps are whole quarter hours, and
                // never longer than a day).
                let mut probe = local;
                for _ in 0..(24 * 4) {
                    probe = next_quarter(probe);
                    if let Some(at) = self.0.from_local_datetime(&probe).earliest() {
                        return ms_of(&at);
                    }
                }
                ms_of(&self.0.from_utc_datetime(&local))
            }
        }
    }

    /// The instant this zone's clocks show `time` on `date` (see [`TimeZone::instant`]).
    pub fn instant_on(self, date: NaiveDate, time: NaiveTime) -> u64 {
        self.instant(date.and_time(time))
    }
}

/// `t` rounded up to the next quarter hour strictly after it.
fn next_quarter(t: NaiveDateTime) -> NaiveDateTime {
    let into = i64::from(t.minute() % 15) * 60 + i64::from(t.second());
    t + chrono::Duration::seconds(15 * 60 - into)
}

impl Default for TimeZone {
    fn default() -> Self {
        TimeZone::UTC
    }
}

impl fmt::Display for TimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for TimeZone {
    type Err = ZoneError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TimeZone::parse(s)
    }
}

impl From<Tz> for TimeZone {
    fn from(tz: Tz) -> Self {
        TimeZone(tz)
    }
}

impl Serialize for TimeZone {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for TimeZone {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        TimeZone::parse(&name).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for TimeZone {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("An IANA time zone name"))
            .examples(["America/New_York"])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for TimeZone {}

#[cfg(test)]
mod tests {
    use super::*;

    fn ny() -> TimeZone {
        TimeZone::parse("America/New_York").expect("zone")
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    fn hm(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).expect("time")
    }

    /// 2026-11-26 12:00 UTC.
    const NOON: u64 = 1_795_694_400_000;

    #[test]
    fn instants_print_as_iso_utc() {
        assert_eq!(iso_time(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso_time(NOON + 5), "2026-11-26T12:00:00.005Z");
        assert_eq!(utc_date(951_782_400_000), day(2000, 2, 29));
        // Far past chrono's range: clamped, not a panic.
        assert!(iso_time(u64::MAX).ends_with(".999Z"));
    }

    #[test]
    fn zones_parse_by_name_and_refuse_offsets() {
        assert_eq!(ny().name(), "America/New_York");
        assert_eq!(TimeZone::parse(" UTC ").expect("utc"), TimeZone::UTC);
        for bad in ["", "EST5", "-0500", "America/Nowhere", "new york"] {
            let e = TimeZone::parse(bad).expect_err(bad);
            assert!(e.to_string().contains("America/New_York"), "{e}");
        }
        let json = serde_json::to_string(&ny()).expect("json");
        assert_eq!(json, "\"America/New_York\"");
        assert_eq!(serde_json::from_str::<TimeZone>(&json).expect("back"), ny());
        assert!(serde_json::from_str::<TimeZone>("\"Mars/Olympus\"").is_err());
    }

    #[test]
    fn local_times_follow_the_2026_us_changes() {
        let z = ny();
        // Standard time before March 8: 10:00 is 15:00 UTC.
        assert_eq!(
            iso_time(z.instant_on(day(2026, 3, 7), hm(10, 0))),
            "2026-03-07T15:00:00.000Z"
        );
        // Daylight time from March 8: 10:00 is 14:00 UTC.
        assert_eq!(
            iso_time(z.instant_on(day(2026, 3, 8), hm(10, 0))),
            "2026-03-08T14:00:00.000Z"
        );
        // 02:30 on March 8 never happens: the first instant after the gap, 03:00 EDT.
        assert_eq!(
            iso_time(z.instant_on(day(2026, 3, 8), hm(2, 30))),
            "2026-03-08T07:00:00.000Z"
        );
        // 01:30 on November 1 happens twice: the first, still EDT.
        assert_eq!(
            iso_time(z.instant_on(day(2026, 11, 1), hm(1, 30))),
            "2026-11-01T05:30:00.000Z"
        );
        // And both of them read back as 01:00–02:00, the same day.
        let first = z.instant_on(day(2026, 11, 1), hm(1, 30));
        let second = first + 3_600_000;
        assert_eq!((z.hour_of(first), z.hour_of(second)), (1, 1));
        assert_eq!(z.date_of(second), day(2026, 11, 1));
        // 23:30 EST on December 31 is already next year in UTC, not here.
        let eve = z.instant_on(day(2026, 12, 31), hm(23, 30));
        assert_eq!((z.year_of(eve), utc(eve).year()), (2026, 2027));
    }
}
