//! What the phone-bank screens read from the local store, shaped for display, and the
//! small pure rules they follow: which script a list reads, which dispositions a caller is
//! offered (the campaign's phone result codes, in the order callers meet them), why
//! nobody is left to call, and the call-back times offered (in the device's local time).
//! Each loader runs a fixed, small number of indexed queries, whatever the list's size.

use groundgame_core::domain::ResultCode;
use groundgame_core::script::VersionedScript;
use groundgame_core::{CallListId, CampaignConfig, PersonId};

use crate::store::calls::{HeldContact, LocalCallList};
use crate::store::{Store, StoreError};
use crate::sync::{SyncState, SyncStatus};

/// The dispositions a caller is offered, in this order, when the campaign has them.
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

/// The campaign's phone dispositions, in [`PHONE_DISPOSITIONS`] order.
pub fn phone_dispositions(config: &CampaignConfig) -> Vec<ResultCode> {
    PHONE_DISPOSITIONS
        .iter()
        .filter_map(|k| config.result_code(k).cloned())
        .collect()
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

const MINUTE_MS: u64 = 60_000;
const HOUR_MS: u64 = 60 * MINUTE_MS;
const DAY_MS: u64 = 24 * HOUR_MS;

/// A quick call-back choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuickTime {
    InOneHour,
    ThisEvening,
    TomorrowMorning,
    TomorrowEvening,
}

/// The quick call-back choices that make sense now (this evening only before 5 pm), with
/// their times. `offset_min`: the device's local time minus UTC, in minutes.
pub fn quick_times(now_ms: u64, offset_min: i32) -> Vec<(QuickTime, u64)> {
    let local = local_ms(now_ms, offset_min);
    let midnight = local - local % DAY_MS;
    let at = |local_target: u64| utc_ms(local_target, offset_min);
    let mut out = vec![(QuickTime::InOneHour, now_ms + HOUR_MS)];
    if local < midnight + 17 * HOUR_MS {
        out.push((QuickTime::ThisEvening, at(midnight + 18 * HOUR_MS)));
    }
    out.push((
        QuickTime::TomorrowMorning,
        at(midnight + DAY_MS + 10 * HOUR_MS),
    ));
    out.push((
        QuickTime::TomorrowEvening,
        at(midnight + DAY_MS + 18 * HOUR_MS),
    ));
    out
}

fn local_ms(utc: u64, offset_min: i32) -> u64 {
    (utc as i64 + i64::from(offset_min) * MINUTE_MS as i64).max(0) as u64
}

fn utc_ms(local: u64, offset_min: i32) -> u64 {
    (local as i64 - i64::from(offset_min) * MINUTE_MS as i64).max(0) as u64
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian; Howard Hinnant's method).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day number (inverse of [`days_from_civil`]).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Read a `datetime-local` value ("2026-11-26T18:30") as ms since the epoch, the device
/// being `offset_min` minutes ahead of UTC. `None` when it is not such a value.
pub fn parse_local_time(value: &str, offset_min: i32) -> Option<u64> {
    let (date, time) = value.trim().split_once('T')?;
    let mut d = date.split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let mut t = time.split(':').map(|p| p.parse::<i64>().ok());
    let (h, min) = (t.next()??, t.next()??);
    if !(1..=12).contains(&m)
        || !(1..=31).contains(&day)
        || !(0..24).contains(&h)
        || !(0..60).contains(&min)
    {
        return None;
    }
    let local = (days_from_civil(y, m, day) * 24 + h) * 60 + min;
    let utc = (local - i64::from(offset_min)) * MINUTE_MS as i64;
    u64::try_from(utc).ok()
}

/// A time as the device shows it: "2026-11-26 18:30" (for a `datetime-local` input, use
/// [`input_time`]).
pub fn show_time(utc: u64, offset_min: i32) -> String {
    input_time(utc, offset_min).replacen('T', " ", 1)
}

/// A time as a `datetime-local` input value: "2026-11-26T18:30".
pub fn input_time(utc: u64, offset_min: i32) -> String {
    let local = local_ms(utc, offset_min) / MINUTE_MS;
    let (days, minutes) = ((local / (24 * 60)) as i64, local % (24 * 60));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}",
        minutes / 60,
        minutes % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-11-26 12:00 UTC.
    const NOON: u64 = 1_795_694_400_000;

    #[test]
    fn local_times_round_trip_across_offsets() {
        assert_eq!(input_time(NOON, 0), "2026-11-26T12:00");
        assert_eq!(input_time(NOON, -300), "2026-11-26T07:00");
        assert_eq!(parse_local_time("2026-11-26T07:00", -300), Some(NOON));
        assert_eq!(parse_local_time("2026-11-26T12:00", 0), Some(NOON));
        assert_eq!(parse_local_time("tomorrow", 0), None);
        assert_eq!(parse_local_time("2026-13-01T10:00", 0), None);
        assert_eq!(show_time(NOON, 60), "2026-11-26 13:00");
    }

    #[test]
    fn quick_times_follow_the_local_clock() {
        // 7 am in New York: this evening is offered.
        let q = quick_times(NOON, -300);
        assert_eq!(q[0], (QuickTime::InOneHour, NOON + HOUR_MS));
        assert_eq!(q[1].0, QuickTime::ThisEvening);
        assert_eq!(input_time(q[1].1, -300), "2026-11-26T18:00");
        assert_eq!(input_time(q[2].1, -300), "2026-11-27T10:00");
        // 8 pm in Madrid (UTC+1 at 19:00 UTC): no "this evening".
        let late = quick_times(NOON + 7 * HOUR_MS, 60);
        assert!(late.iter().all(|(k, _)| *k != QuickTime::ThisEvening));
        assert_eq!(input_time(late[1].1, 60), "2026-11-27T10:00");
    }
}
