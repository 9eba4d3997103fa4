//! The device's own time zone, as the platform knows it: the screens show hours and dates
//! in it (a call-back's time, a device code's expiry, which follow-ups are due today, the
//! date on a printed walk list). It is the named IANA zone the webview reports
//! (`Intl.DateTimeFormat().resolvedOptions().timeZone`), never a fixed offset, so "tomorrow
//! at 10" is right on the far side of a daylight-saving change; the rules come from the
//! zone table compiled into the app (chrono-tz), so this works with no signal. Headless
//! renders and platforms that cannot tell get UTC. (The lead's hours and days are in the
//! campaign's zone instead: the server sends it with the figures.)

use dioxus::prelude::*;
use groundgame_core::TimeZone;

/// The device's time zone (UTC where the platform cannot tell, or names a zone this
/// app's table does not have).
pub async fn time_zone() -> TimeZone {
    document::eval("return Intl.DateTimeFormat().resolvedOptions().timeZone || '';")
        .await
        .ok()
        .and_then(|v| v.as_str().and_then(|name| TimeZone::parse(name).ok()))
        .unwrap_or(TimeZone::UTC)
}

/// [`time_zone`] as a memo: UTC until the platform answers.
pub fn use_time_zone() -> Memo<TimeZone> {
    let zone = use_resource(time_zone);
    use_memo(move || zone.read().unwrap_or(TimeZone::UTC))
}
