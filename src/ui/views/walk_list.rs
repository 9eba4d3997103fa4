//! The walk list of a turf: households in walking order, grouped by street, each with its
//! status badge from the shared fold; filters (not visited / come back / all) and a search
//! on street and number. Plain rows and one read of the store, so 2,000 doors stay smooth.
//! Each row names who lives there (names, ages, their latest support), and the chrome is
//! one row each — filters, search, the count with the map and the paper walk list — so on
//! a phone the doors start in the upper half of the screen.

use dioxus::prelude::*;
use groundgame_core::fold::DoorState;
use groundgame_core::TurfId;

use crate::ui::components::StatusBadge;
use crate::ui::context::{use_lang, use_services, use_sync_status, use_turf_half, Half};
use crate::ui::data::{self, WalkPerson, WalkRow};
use crate::ui::i18n::{self, Msg};
use crate::ui::Route;

/// The split control's id (an expression, so tests find the element that carries it).
const HALF_ID: &str = "walk-half";

/// Which doors to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    NotVisited,
    /// Doors that need another visit: not home, come back later.
    ComeBack,
    All,
}

impl Filter {
    fn keeps(self, state: DoorState) -> bool {
        match self {
            Filter::NotVisited => state == DoorState::NotVisited,
            Filter::ComeBack => matches!(state, DoorState::ComeBack | DoorState::TryAgain),
            Filter::All => true,
        }
    }
}

/// Rows kept by the filter and the search, grouped by street (walking order kept).
pub fn visible_groups(
    rows: &[WalkRow],
    filter: Filter,
    search: &str,
) -> Vec<(String, Vec<WalkRow>)> {
    let needle = search.trim().to_lowercase();
    let mut groups: Vec<(String, Vec<WalkRow>)> = Vec::new();
    for row in rows.iter().filter(|r| filter.keeps(r.state)) {
        if !needle.is_empty()
            && !row.street.to_lowercase().contains(&needle)
            && !row.address.to_lowercase().contains(&needle)
        {
            continue;
        }
        match groups.last_mut() {
            Some((street, list)) if *street == row.street => list.push(row.clone()),
            _ => groups.push((row.street.clone(), vec![row.clone()])),
        }
    }
    groups
}

/// "Ana García, 46, support 1 · Luis García, 44": who lives at a door, as far as the row
/// has room (the door screen has everyone).
pub fn people_line(l: i18n::Lang, people: &[WalkPerson], year: i32) -> String {
    people
        .iter()
        .map(|p| {
            let mut s = p.name.clone();
            if let Some(born) = p.birth_year {
                let age = year - i32::from(born);
                if (0..130).contains(&age) {
                    s.push_str(&format!(", {age}"));
                }
            }
            if let Some(support) = &p.support {
                s.push_str(&format!(", {} {support}", l.t(Msg::Support).to_lowercase()));
            }
            s
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The route component: a fresh list (filters, search) per turf.
#[component]
pub fn WalkList(turf: i64) -> Element {
    rsx! {
        // A keyed list of one: keys are honoured in lists.
        for turf in [turf] {
            TurfDoors { key: "{turf}", turf }
        }
    }
}

#[component]
fn TurfDoors(turf: i64) -> Element {
    let services = use_services();
    let l = use_lang()();
    let mut filter = use_signal(|| Filter::All);
    let mut search = use_signal(String::new);
    let status = use_sync_status();
    let store = services.store.clone();
    let rows = use_resource(move || {
        let store = store.clone();
        let turf = TurfId(turf);
        // Re-read when a sync lands, so teammates' knocks show without reopening the list.
        let s = status.read();
        let _changed = (s.last_success_ms, s.download, s.pending);
        async move {
            Ok::<_, crate::store::StoreError>((
                data::turf_name(&store, turf)?,
                data::walk_rows(&store, turf)?,
            ))
        }
    });

    let year = chrono::Datelike::year(&chrono::Utc::now());
    let (half, mut halves) = use_turf_half(turf);
    let filters = [
        (Filter::NotVisited, Msg::FilterNotVisited),
        (Filter::ComeBack, Msg::FilterComeBack),
        (Filter::All, Msg::FilterAll),
    ];
    let body = match &*rows.read() {
        None => rsx! { p { class: "loading", role: "status", {l.t(Msg::Loading)} } },
        Some(Err(e)) => {
            tracing::warn!("walk list: {e}");
            rsx! { div { class: "notice error", role: "alert", p { {l.t(Msg::CouldNotRead)} } } }
        }
        Some(Ok((None, _))) => rsx! {
            div { class: "notice error", role: "alert", p { {l.t(Msg::TurfNotFound)} } }
        },
        Some(Ok((Some(_), all))) if all.is_empty() => rsx! {
            div { class: "notice empty", p { {l.t(Msg::NoDoorsInTurf)} } }
        },
        Some(Ok((Some(_), all))) => {
            let mine = &all[half.range(all.len())];
            let groups = visible_groups(mine, filter(), &search());
            let shown: usize = groups.iter().map(|(_, g)| g.len()).sum();
            rsx! {
                div { class: "list-actions",
                    p { class: "count", role: "status", {i18n::showing(l, shown)} }
                    select {
                        id: HALF_ID,
                        class: "half",
                        "aria-label": l.t(Msg::SplitLabel),
                        title: l.t(Msg::SplitLabel),
                        oninput: move |e| {
                            let chosen = match e.value().as_str() {
                                "first" => Half::First,
                                "second" => Half::Second,
                                _ => Half::Whole,
                            };
                            halves.write().0.insert(turf, chosen);
                        },
                        for (value, h, msg) in [("whole", Half::Whole, Msg::HalfWhole), ("first", Half::First, Msg::HalfFirst), ("second", Half::Second, Msg::HalfSecond)] {
                            option { value, selected: half == h, {l.t(msg)} }
                        }
                    }
                    Link { class: "small-button map-link", id: "open-map",
                        to: Route::WalkMap { turf },
                        {l.t(Msg::OpenMap)}
                    }
                    Link { class: "small-button secondary print-link", id: "print-walk-list",
                        to: Route::PrintWalkList { turf },
                        "aria-label": l.t(Msg::PrintWalkList),
                        {l.t(Msg::PrintShort)}
                    }
                }
                if groups.is_empty() {
                    div { class: "notice empty", p { {l.t(Msg::NoDoorsMatch)} } }
                }
                for (street, list) in groups.into_iter() {
                    section { class: "street", key: "{street}",
                        h3 { class: "street-name", "{street}" }
                        ul { class: "doors",
                            for row in list.into_iter() {
                                li { key: "{row.id}",
                                    Link {
                                        class: "door-row",
                                        to: Route::Door { turf, household: row.id.0 },
                                        span { class: "door-main",
                                            span { class: "door-address", "{row.address}" }
                                            if !row.people.is_empty() {
                                                span { class: "door-people", {people_line(l, &row.people, year)} }
                                            }
                                        }
                                        StatusBadge { state: row.state, label: i18n::door_state(l, row.state).to_string() }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    let title = match &*rows.read() {
        Some(Ok((Some(name), _))) => name.clone(),
        _ => l.t(Msg::WalkListTitle).to_string(),
    };
    rsx! {
        section { class: "walk-list", "aria-labelledby": "walk-title",
            nav { class: "crumbs",
                Link { class: "back", to: Route::Home {}, "‹ " {l.t(Msg::BackToTurfs)} }
            }
            h2 { id: "walk-title", "{title}" }
            div { class: "filters", role: "group", "aria-label": l.t(Msg::WalkListTitle),
                for (f, msg) in filters {
                    button {
                        class: if filter() == f { "choice selected" } else { "choice" },
                        r#type: "button",
                        "aria-pressed": if filter() == f { "true" } else { "false" },
                        onclick: move |_| filter.set(f),
                        {l.t(msg)}
                    }
                }
            }
            input {
                id: "walk-search",
                class: "search",
                r#type: "search",
                placeholder: l.t(Msg::SearchLabel),
                "aria-label": l.t(Msg::SearchLabel),
                value: "{search}",
                oninput: move |e| search.set(e.value()),
            }
            {body}
        }
    }
}
