//! The device's own time zone, as the renderer knows it: the screens show hours and dates
//! in it (the lead's hours and days, a call-back's time, a device code's expiry, which
//! follow-ups are due today). Headless renders cannot tell, and get UTC.

use dioxus::prelude::*;

/// The device's local time minus UTC, in minutes (UTC−12:00 to UTC+14:00; 0 where the
/// platform cannot tell).
pub async fn offset_minutes() -> i32 {
    document::eval("return -new Date().getTimezoneOffset();")
        .await
        .ok()
        .and_then(|v| v.as_i64())
        .map_or(0, |m| m.clamp(-12 * 60, 14 * 60) as i32)
}

/// [`offset_minutes`] as a memo: 0 until the platform answers.
pub fn use_tz_offset() -> Memo<i32> {
    let offset = use_resource(offset_minutes);
    use_memo(move || offset.read().unwrap_or(0))
}
