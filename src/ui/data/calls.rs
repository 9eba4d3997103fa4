//! What the phone-bank screens read from the local store, shaped for display, and the
//! small rules of display they follow: which script a list reads, the dispositions a
//! caller is offered (core's `CampaignConfig::phone_result_codes`), why
//! nobody is left to call, and the call-back times offered (in the device's local time).
//! Each loader runs a fixed, small number of indexed queries, whatever the list's size.

use chrono::{NaiveDateTime, Timelike};
use groundgame_core::domain::ResultCode;
use groundgame_core::script::VersionedScript;
use groundgame_core::time::{NaiveDate, NaiveTime};
use groundgame_core::{CallListId, CampaignConfig, PersonId, TimeZone};

use crate::store::calls::{HeldContact, LocalCallList};
use crate::store::{Store, StoreError};
use crate::sync::{SyncState, SyncStatus};

/// The dispositions a caller is offered, in this order (core's, with the campaign's own
/// codes filtered by it).
pub use groundgame_core::domain::PHONE_DISPOSITIONS;

/// The call-back disposition (asks for a time).
pub const CALL_BACK: &str = "call_back";

/// The call screen's data.
#[derive(Debug, Clone, PartialEq)]
pub struct CallSession {
    pub list: LocalCallList,
    /// Who to call now; `None` when nobody is left on this device.
    pub contact: Option<HeldContact>,
    pub campaign: Option<CampaignConfig>,
}

/// The call lists on this device.
pub fn call_lists(store: &Store) -> Result<Vec<LocalCallList>, StoreError> {
    store.call_lists()
}

/// The call screen's data for `list`: the contact being called (`current`, while it is
/// still held and not reached) or the next one. `None` when the list is not on this
/// device.
pub fn call_session(
    store: &Store,
    list: CallListId,
    current: Option<PersonId>,
) -> Result<Option<CallSession>, StoreError> {
    let Some(info) = store.call_list(list)? else {
        return Ok(None);
    };
    let contact = match current {
        Some(person) => match store.next_call_if_still(list, person)? {
            Some(c) => Some(c),
            None => store.next_call(list)?,
        },
        None => store.next_call(list)?,
    };
    Ok(Some(CallSession {
        list: info,
        contact,
        campaign: store.campaign()?,
    }))
}

/// The script a list's callers read: the one it names, else the campaign's first phone
/// script (`phone*`), else none (the fixed support question and asks are used).
pub fn call_script<'a>(
    config: &'a CampaignConfig,
    key: Option<&str>,
) -> Option<&'a VersionedScript> {
    key.and_then(|k| config.scripts.iter().find(|s| s.script.key == k))
        .or_else(|| {
            config
                .scripts
                .iter()
                .find(|s| s.script.key.starts_with("phone"))
        })
}

/// The campaign's phone dispositions, in [`PHONE_DISPOSITIONS`] order
/// (`CampaignConfig::phone_result_codes`).
pub fn phone_dispositions(config: &CampaignConfig) -> Vec<ResultCode> {
    config.phone_result_codes()
}

/// Why there is nobody to call on this device now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nobody {
    /// Offline, and everything held was called.
    Offline,
    /// The server had nobody more to give at the last sync, and nothing waits here.
    Finished,
    /// Online, and the next sync brings contacts.
    Fetching,
    /// Only call-backs wait here, the next one at this time (ms since the epoch).
    CallBacksLater(u64),
}

/// Why `list` has nobody to call now, given the sync status.
pub fn why_nobody(list: &LocalCallList, status: &SyncStatus) -> Nobody {
    if let Some(at) = list.next_call_back {
        if list.exhausted || status.state == SyncState::Offline {
            return Nobody::CallBacksLater(at);
        }
    }
    match status.state {
        SyncState::Offline | SyncState::SignedOut | SyncState::Revoked => Nobody::Offline,
        _ if status.last_error.is_some() && status.state != SyncState::Syncing => Nobody::Offline,
        _ if list.exhausted => Nobody::Finished,
        _ => Nobody::Fetching,
    }
}

const HOUR_MS: u64 = 3_600_000;

/// A quick call-back choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuickTime {
    InOneHour,
    ThisEvening,
    TomorrowMorning,
    TomorrowEvening,
}

/// The quick call-back choices that make sense now (this evening only before 5 pm), with
/// their times, on the clocks of `zone` (the device's). "Tomorrow morning" is 10:00 on
/// tomorrow's date there, whatever the clocks do overnight.
pub fn quick_times(now_ms: u64, zone: TimeZone) -> Vec<(QuickTime, u64)> {
    let now = zone.local(now_ms);
    let today = now.date();
    let tomorrow = today.succ_opt().unwrap_or(today);
    let at = |date: NaiveDate, hour: u32| {
        zone.instant_on(
            date,
            NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or_default(),
        )
    };
    let mut out = vec![(QuickTime::InOneHour, now_ms + HOUR_MS)];
    if now.hour() < 17 {
        out.push((QuickTime::ThisEvening, at(today, 18)));
    }
    out.push((QuickTime::TomorrowMorning, at(tomorrow, 10)));
    out.push((QuickTime::TomorrowEvening, at(tomorrow, 18)));
    out
}

/// The `datetime-local` form ("2026-11-26T18:30").
const INPUT_FORMAT: &str = "%Y-%m-%dT%H:%M";

/// Read a `datetime-local` value ("2026-11-26T18:30") on the clocks of `zone` as ms since
/// the epoch. `None` when it is not such a value. A time the clocks skip (2:30 on the
/// night they spring forward) is the first moment after the gap.
pub fn parse_local_time(value: &str, zone: TimeZone) -> Option<u64> {
    let value = value.trim();
    // Some webviews add seconds ("2026-11-26T18:30:00").
    let local = NaiveDateTime::parse_from_str(value, INPUT_FORMAT)
        .or_else(|_| NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S"))
        .ok()?;
    Some(zone.instant(local))
}

/// A time as the device shows it: "2026-11-26 18:30" (for a `datetime-local` input, use
/// [`input_time`]).
pub fn show_time(utc: u64, zone: TimeZone) -> String {
    zone.local(utc).format("%Y-%m-%d %H:%M").to_string()
}

/// A time as a `datetime-local` input value: "2026-11-26T18:30".
pub fn input_time(utc: u64, zone: TimeZone) -> String {
    zone.local(utc).format(INPUT_FORMAT).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-11-26 12:00 UTC.
    const NOON: u64 = 1_795_694_400_000;

    fn zone(name: &str) -> TimeZone {
        TimeZone::parse(name).expect("zone")
    }

    fn utc(iso: &str) -> u64 {
        parse_local_time(iso, TimeZone::UTC).expect("a time")
    }

    #[test]
    fn local_times_round_trip_across_zones() {
        let ny = zone("America/New_York");
        assert_eq!(input_time(NOON, TimeZone::UTC), "2026-11-26T12:00");
        assert_eq!(input_time(NOON, ny), "2026-11-26T07:00");
        assert_eq!(parse_local_time("2026-11-26T07:00", ny), Some(NOON));
        assert_eq!(parse_local_time("2026-11-26T07:00:00", ny), Some(NOON));
        assert_eq!(
            parse_local_time("2026-11-26T12:00", TimeZone::UTC),
            Some(NOON)
        );
        assert_eq!(parse_local_time("tomorrow", ny), None);
        assert_eq!(parse_local_time("2026-13-01T10:00", ny), None);
        assert_eq!(parse_local_time("2026-02-30T10:00", ny), None);
        assert_eq!(show_time(NOON, zone("Europe/Madrid")), "2026-11-26 13:00");
        // The same wall time is a different instant in summer.
        assert_eq!(
            parse_local_time("2026-07-01T07:00", ny),
            Some(utc("2026-07-01T11:00"))
        );
    }

    #[test]
    fn quick_times_follow_the_local_clock() {
        let ny = zone("America/New_York");
        // 7 am in New York: this evening is offered.
        let q = quick_times(NOON, ny);
        assert_eq!(q[0], (QuickTime::InOneHour, NOON + HOUR_MS));
        assert_eq!(q[1].0, QuickTime::ThisEvening);
        assert_eq!(input_time(q[1].1, ny), "2026-11-26T18:00");
        assert_eq!(input_time(q[2].1, ny), "2026-11-27T10:00");
        // 8 pm in Madrid (UTC+1 at 19:00 UTC): no "this evening".
        let madrid = zone("Europe/Madrid");
        let late = quick_times(NOON + 7 * HOUR_MS, madrid);
        assert!(late.iter().all(|(k, _)| *k != QuickTime::ThisEvening));
        assert_eq!(input_time(late[1].1, madrid), "2026-11-27T10:00");
    }

    #[test]
    fn tomorrow_morning_is_ten_oclock_across_the_2026_us_changes() {
        let ny = zone("America/New_York");
        // Saturday March 7, 8 pm EST; clocks spring forward overnight. Tomorrow at 10 is
        // 10:00 EDT, 14:00 UTC: 13 hours later, not 14 (a fixed -5:00 would say 15:00 UTC).
        let sat = utc("2026-03-08T01:00");
        let q = quick_times(sat, ny);
        let (kind, morning) = q[1];
        assert_eq!(kind, QuickTime::TomorrowMorning);
        assert_eq!(morning, utc("2026-03-08T14:00"));
        assert_eq!(input_time(morning, ny), "2026-03-08T10:00");
        assert_eq!(
            q[2].1,
            utc("2026-03-08T22:00"),
            "tomorrow evening, 6 pm EDT"
        );
        // Saturday October 31, 8 pm EDT; clocks fall back overnight: 10:00 EST is 15:00 UTC.
        let halloween = utc("2026-11-01T00:00");
        let q = quick_times(halloween, ny);
        assert_eq!(q[1].1, utc("2026-11-01T15:00"));
        assert_eq!(input_time(q[1].1, ny), "2026-11-01T10:00");
        // "In one hour" is an hour of real time, even across the change.
        assert_eq!(q[0].1, halloween + HOUR_MS);
        // A call-back typed for 2:30 on March 8 (a time that never happens) is 3:00 EDT;
        // one typed for 1:30 on November 1 (which happens twice) is the first, EDT.
        assert_eq!(
            parse_local_time("2026-03-08T02:30", ny),
            Some(utc("2026-03-08T07:00"))
        );
        assert_eq!(
            parse_local_time("2026-11-01T01:30", ny),
            Some(utc("2026-11-01T05:30"))
        );
    }
}
