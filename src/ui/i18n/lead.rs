//! The lead screens' sentences with numbers in them, in English and Spanish (fixed
//! sentences are [`Msg`]s in `ui::i18n`).

use crate::ui::i18n::{Lang, Msg};
use groundgame_core::{Role, TimeZone};

/// "12 minutes ago", "just now", "3 hours ago", "2 days ago".
pub fn ago(lang: Lang, now_ms: u64, at_ms: u64) -> String {
    let minutes = now_ms.saturating_sub(at_ms) / 60_000;
    let hours = minutes / 60;
    let days = hours / 24;
    match lang {
        Lang::En => match (minutes, hours, days) {
            (0, _, _) => "just now".into(),
            (1, _, _) => "1 minute ago".into(),
            (m, 0, _) => format!("{m} minutes ago"),
            (_, 1, _) => "1 hour ago".into(),
            (_, h, 0) => format!("{h} hours ago"),
            (_, _, 1) => "1 day ago".into(),
            (_, _, d) => format!("{d} days ago"),
        },
        Lang::Es => match (minutes, hours, days) {
            (0, _, _) => "hace un momento".into(),
            (1, _, _) => "hace 1 minuto".into(),
            (m, 0, _) => format!("hace {m} minutos"),
            (_, 1, _) => "hace 1 hora".into(),
            (_, h, 0) => format!("hace {h} horas"),
            (_, _, 1) => "hace 1 día".into(),
            (_, _, d) => format!("hace {d} días"),
        },
    }
}

/// "Figures from 12 minutes ago".
pub fn figures_from(lang: Lang, now_ms: u64, fetched_ms: u64) -> String {
    match lang {
        Lang::En => format!("Figures from {}", ago(lang, now_ms, fetched_ms)),
        Lang::Es => format!("Cifras de {}", ago(lang, now_ms, fetched_ms)),
    }
}

/// "You're offline; these figures are from 12 minutes ago."
pub fn offline_figures(lang: Lang, now_ms: u64, fetched_ms: u64) -> String {
    match lang {
        Lang::En => format!(
            "You're offline; these figures are from {}.",
            ago(lang, now_ms, fetched_ms)
        ),
        Lang::Es => format!(
            "No tiene conexión; estas cifras son de {}.",
            ago(lang, now_ms, fetched_ms)
        ),
    }
}

/// "35%".
pub fn percent(rate: f64) -> String {
    if !rate.is_finite() {
        return "0%".into();
    }
    format!("{:.0}%", (rate * 100.0).clamp(0.0, 100.0))
}

/// "12 of 40".
pub fn of(lang: Lang, part: u64, whole: u64) -> String {
    match lang {
        Lang::En => format!("{part} of {whole}"),
        Lang::Es => format!("{part} de {whole}"),
    }
}

/// "$25.00 promised".
pub fn promised(lang: Lang, cents: u64) -> String {
    let dollars = format!("${}.{:02}", cents / 100, cents % 100);
    match lang {
        Lang::En => format!("{dollars} promised"),
        Lang::Es => format!("{dollars} prometidos"),
    }
}

/// "8 knocks · 25% talked".
pub fn knocks_and_rate(lang: Lang, knocks: u64, rate: f64) -> String {
    match lang {
        Lang::En => format!("{knocks} knocks · {} talked", percent(rate)),
        Lang::Es => format!("{knocks} toques · {} conversaron", percent(rate)),
    }
}

/// "Last synced 12 minutes ago".
pub fn last_synced(lang: Lang, now_ms: u64, at_ms: u64) -> String {
    match lang {
        Lang::En => format!("Last synced {}", ago(lang, now_ms, at_ms)),
        Lang::Es => format!("Última sincronización {}", ago(lang, now_ms, at_ms)),
    }
}

/// "3 records were waiting at its last sync".
pub fn pending_at_sync(lang: Lang, n: u32) -> String {
    match (lang, n) {
        (Lang::En, 0) => "Nothing was waiting at its last sync".into(),
        (Lang::En, 1) => "1 record was waiting at its last sync".into(),
        (Lang::En, n) => format!("{n} records were waiting at its last sync"),
        (Lang::Es, 0) => "Nada esperaba en su última sincronización".into(),
        (Lang::Es, 1) => "1 registro esperaba en su última sincronización".into(),
        (Lang::Es, n) => format!("{n} registros esperaban en su última sincronización"),
    }
}

/// "App version 0.1.0".
pub fn app_version(lang: Lang, version: &str) -> String {
    match lang {
        Lang::En => format!("App version {version}"),
        Lang::Es => format!("Versión de la aplicación {version}"),
    }
}

/// "7 households have no coordinates and are not drawn".
pub fn without_coordinates(lang: Lang, n: usize) -> String {
    match (lang, n) {
        (Lang::En, 0) => "Every household has coordinates.".into(),
        (Lang::En, 1) => "1 household has no coordinates and is not drawn.".into(),
        (Lang::En, n) => format!("{n} households have no coordinates and are not drawn."),
        (Lang::Es, 0) => "Todas las casas tienen coordenadas.".into(),
        (Lang::Es, 1) => "1 casa no tiene coordenadas y no se dibuja.".into(),
        (Lang::Es, n) => format!("{n} casas no tienen coordenadas y no se dibujan."),
    }
}

/// "40 doors".
pub fn doors(lang: Lang, n: u64) -> String {
    match (lang, n) {
        (Lang::En, 1) => "1 door".into(),
        (Lang::En, n) => format!("{n} doors"),
        (Lang::Es, 1) => "1 casa".into(),
        (Lang::Es, n) => format!("{n} casas"),
    }
}

/// "120 people".
pub fn people(lang: Lang, n: u32) -> String {
    match (lang, n) {
        (Lang::En, 1) => "1 person".into(),
        (Lang::En, n) => format!("{n} people"),
        (Lang::Es, 1) => "1 persona".into(),
        (Lang::Es, n) => format!("{n} personas"),
    }
}

/// "Ana: 3 records (2 knocks) in Oak North; 3 reached the server after the assignment ended".
pub fn old_assignment(
    lang: Lang,
    name: &str,
    turf: &str,
    events: u64,
    knocks: u64,
    after_end: u64,
) -> String {
    match lang {
        Lang::En => format!(
            "{name}: {events} records ({knocks} knocks) in {turf}; {after_end} reached the server after the assignment ended"
        ),
        Lang::Es => format!(
            "{name}: {events} registros ({knocks} toques) en {turf}; {after_end} llegaron al servidor después de terminar la asignación"
        ),
    }
}

/// "Ana: a person added at 12 Oak St (Turf 3)".
pub fn held_record(
    lang: Lang,
    name: &str,
    kind: &str,
    result: Option<&str>,
    address: &str,
    turf: &str,
) -> String {
    let what = match (lang, kind) {
        (Lang::En, "person_added") => "a person added".to_owned(),
        (Lang::Es, "person_added") => "una persona añadida".to_owned(),
        (Lang::En, "do_not_contact") => "a do-not-contact".to_owned(),
        (Lang::Es, "do_not_contact") => "un no contactar".to_owned(),
        (Lang::En, "contact") => format!("a call result ({})", result.unwrap_or("?")),
        (Lang::Es, "contact") => format!("un resultado de llamada ({})", result.unwrap_or("?")),
        (Lang::En, _) => "a record about a person added".to_owned(),
        (Lang::Es, _) => "un registro sobre una persona añadida".to_owned(),
    };
    let place = if turf.is_empty() {
        address.to_owned()
    } else {
        format!("{address} ({turf})")
    };
    match lang {
        Lang::En => format!("{name}: {what} at {place}"),
        Lang::Es => format!("{name}: {what} en {place}"),
    }
}

/// "Number ending 0142 · Ana · 2027-01-15".
pub fn do_not_call_line(lang: Lang, last4: &str, name: &str, at_ms: u64, zone: TimeZone) -> String {
    let day = date(at_ms, zone);
    match lang {
        Lang::En => format!("Number ending {last4} · {name} · {day}"),
        Lang::Es => format!("Número terminado en {last4} · {name} · {day}"),
    }
}

/// "Invite #4 · 2 of 3 used".
pub fn invite_line(lang: Lang, id: i64, used: u32, max: u32) -> String {
    match lang {
        Lang::En => format!("Invite #{id} · {used} of {max} used"),
        Lang::Es => format!("Invitación n.º {id} · {used} de {max} usados"),
    }
}

/// "Expires 2027-01-21".
pub fn expires(lang: Lang, at_ms: u64, zone: TimeZone) -> String {
    let date = date(at_ms, zone);
    match lang {
        Lang::En => format!("Expires {date}"),
        Lang::Es => format!("Caduca el {date}"),
    }
}

/// "Not saved: …" for an action the server refused, with its own words as detail.
pub fn action_failed(lang: Lang, detail: &str) -> String {
    match lang {
        Lang::En => format!("Not done: {detail}"),
        Lang::Es => format!("No se hizo: {detail}"),
    }
}

/// A role's name.
pub fn role(lang: Lang, role: Role) -> &'static str {
    lang.t(match role {
        Role::Volunteer => Msg::LeadRoleVolunteer,
        Role::Lead => Msg::LeadRoleLead,
        Role::Admin => Msg::LeadRoleAdmin,
    })
}

/// `YYYY-MM-DD` of a time in ms since the epoch, in `zone`: the same in both languages,
/// and never misread.
pub fn date(ms: u64, zone: TimeZone) -> String {
    zone.date_of(ms).to_string()
}

/// "Knocks by hour of the day (America/New_York time)": the hours are the campaign's.
pub fn by_hour_title(lang: Lang, zone: TimeZone) -> String {
    match lang {
        Lang::En => format!("{} ({zone} time)", lang.t(Msg::LeadByHour)),
        Lang::Es => format!("{} (hora de {zone})", lang.t(Msg::LeadByHour)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_naturally_in_both_languages() {
        let now = 10 * 86_400_000;
        assert_eq!(ago(Lang::En, now, now - 12 * 60_000), "12 minutes ago");
        assert_eq!(ago(Lang::Es, now, now - 12 * 60_000), "hace 12 minutos");
        assert_eq!(ago(Lang::En, now, now - 3 * 3_600_000), "3 hours ago");
        assert_eq!(ago(Lang::Es, now, now - 2 * 86_400_000), "hace 2 días");
        assert_eq!(ago(Lang::En, now, now + 5_000), "just now");
        assert_eq!(percent(0.254), "25%");
        assert_eq!(percent(f64::NAN), "0%");
    }

    #[test]
    fn dates_are_the_zones_dates() {
        let ny = TimeZone::parse("America/New_York").expect("zone");
        assert_eq!(date(0, TimeZone::UTC), "1970-01-01");
        assert_eq!(date(1_800_000_000_000, TimeZone::UTC), "2027-01-15");
        assert_eq!(date(951_782_400_000, TimeZone::UTC), "2000-02-29");
        // 2027-01-15T03:00Z is still the 14th in New York.
        assert_eq!(date(1_800_000_000_000 - 5 * 3_600_000, ny), "2027-01-14");
        assert_eq!(
            expires(Lang::Es, 1_800_000_000_000, ny),
            "Caduca el 2027-01-15"
        );
        assert_eq!(
            by_hour_title(Lang::En, ny),
            "Knocks by hour of the day (America/New_York time)"
        );
        assert_eq!(
            by_hour_title(Lang::Es, ny),
            "Toques por hora del día (hora de America/New_York)"
        );
    }
}
