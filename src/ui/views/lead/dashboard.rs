//! `/lead`: the campaign's progress from the last fetched figures — doors knocked vs
//! total, conversations and contact rate, pledges, volunteer and donation yeses, support
//! 1–5, charts by turf, by volunteer and over time — and the data-quality flags with the
//! quarantine / release action.

use dioxus::prelude::*;

use super::{act, use_lead, words, Problem};
use crate::store::lead_cache::{LeadSnapshot, QualityFlag, VolunteerProgress};
use crate::ui::components::charts::{self, Bar, Point};
use crate::ui::components::{Chart, ProgressBar};
use crate::ui::context::{use_lang, use_services};
use crate::ui::i18n::{Lang, Msg};

/// The dashboard's charts, as SVG markup (pure: tested as text).
pub fn dashboard_charts(l: Lang, s: &LeadSnapshot) -> Vec<(&'static str, Element)> {
    let p = &s.progress;
    let support_labels = [
        Msg::LeadSupport1,
        Msg::LeadSupport2,
        Msg::LeadSupport3,
        Msg::LeadSupport4,
        Msg::LeadSupport5,
    ];
    let support: Vec<Bar> = p
        .totals
        .support
        .counts()
        .iter()
        .zip(support_labels)
        .enumerate()
        .map(|(i, (n, label))| Bar {
            label: l.t(label).to_owned(),
            value: *n,
            total: None,
            text: n.to_string(),
            class: [
                "support-1",
                "support-2",
                "support-3",
                "support-4",
                "support-5",
            ][i],
        })
        .collect();
    let turfs: Vec<Bar> = p
        .by_turf
        .iter()
        .map(|t| Bar {
            label: t.name.clone(),
            value: t.doors_knocked,
            total: Some(t.households),
            text: format!(
                "{} · {}",
                words::of(l, t.doors_knocked, t.households),
                words::percent(t.contact_rate)
            ),
            class: "",
        })
        .collect();
    let volunteers: Vec<Bar> = p
        .by_volunteer
        .iter()
        .map(|v| Bar {
            label: v.name.clone(),
            value: v.figures.knocks,
            total: None,
            text: words::knocks_and_rate(l, v.figures.knocks, v.contact_rate),
            class: if v.quarantined {
                "quarantined"
            } else if v.flags.is_empty() {
                ""
            } else {
                "flagged"
            },
        })
        .collect();
    let hours: Vec<Point> = p
        .by_hour
        .iter()
        .map(|h| Point {
            label: format!("{:02}:00", h.hour),
            value: h.figures.knocks,
            tick: h.hour % 6 == 0,
        })
        .collect();
    let step = p.by_day.len().div_ceil(6).max(1);
    let days: Vec<Point> = p
        .by_day
        .iter()
        .enumerate()
        .map(|(i, d)| Point {
            label: d.date.format("%m-%d").to_string(),
            value: d.figures.knocks,
            tick: i % step == 0 || i + 1 == p.by_day.len(),
        })
        .collect();
    // Each chart's id is `chart-<key>`; its heading is also its accessible description.
    let bars = |key: &'static str, title: Msg, data: &[Bar]| {
        let title = l.t(title);
        (
            key,
            charts::bar_chart(&format!("chart-{key}"), title, title, data),
        )
    };
    let lines = |key: &'static str, title: &str, data: &[Point]| {
        (
            key,
            charts::line_chart(&format!("chart-{key}"), title, title, data),
        )
    };
    let mut out = vec![
        bars("support", Msg::LeadSupportTitle, &support),
        bars("turfs", Msg::LeadByTurf, &turfs),
    ];
    if !volunteers.is_empty() {
        out.push(bars("volunteers", Msg::LeadByVolunteer, &volunteers));
    }
    if hours.iter().any(|h| h.value > 0) {
        // The hours are the campaign's clock, and the title says whose.
        let title = words::by_hour_title(l, p.time_zone);
        out.push(lines("hours", &title, &hours));
    }
    if !days.is_empty() {
        out.push(lines("days", l.t(Msg::LeadByDay), &days));
    }
    out
}

fn flag_text(l: Lang, flag: QualityFlag) -> &'static str {
    l.t(match flag {
        QualityFlag::HighContactRate => Msg::LeadFlagHighRate,
        QualityFlag::FastDoors => Msg::LeadFlagFastDoors,
        QualityFlag::Other => Msg::LeadFlagOther,
    })
}

#[component]
pub fn LeadDashboard() -> Element {
    let ctx = use_lead();
    let l = use_lang()();
    let Some(cached) = ctx.cached.read().clone() else {
        return rsx! {};
    };
    let s = cached.snapshot;
    let t = &s.progress.totals;
    let f = t.figures;
    let charts = dashboard_charts(l, &s);
    let titles = [
        ("support", Msg::LeadSupportTitle),
        ("turfs", Msg::LeadByTurf),
        ("volunteers", Msg::LeadByVolunteer),
        ("hours", Msg::LeadByHour),
        ("days", Msg::LeadByDay),
    ];
    let watch: Vec<VolunteerProgress> = s
        .progress
        .by_volunteer
        .iter()
        .filter(|v| v.quarantined || !v.flags.is_empty())
        .cloned()
        .collect();
    rsx! {
        div { class: "lead-dashboard",
            section { class: "lead-totals", "aria-label": l.t(Msg::LeadTabDashboard),
                div { class: "stat wide",
                    h3 { {l.t(Msg::LeadDoorsKnocked)} }
                    ProgressBar {
                        value: t.doors_knocked,
                        max: t.households,
                        label: words::of(l, t.doors_knocked, t.households),
                    }
                }
                div { class: "stat",
                    span { class: "stat-label", {l.t(Msg::LeadContacts)} }
                    span { class: "stat-value", id: "stat-contacts", "{f.contacts}" }
                }
                div { class: "stat",
                    span { class: "stat-label", {l.t(Msg::LeadContactRate)} }
                    span { class: "stat-value", id: "stat-rate", {words::percent(t.contact_rate)} }
                }
                div { class: "stat",
                    span { class: "stat-label", {l.t(Msg::LeadPledges)} }
                    span { class: "stat-value", id: "stat-pledges", "{f.pledges}" }
                }
                div { class: "stat",
                    span { class: "stat-label", {l.t(Msg::LeadVolunteerYes)} }
                    span { class: "stat-value", id: "stat-volunteer", "{f.volunteer_yes}" }
                }
                div { class: "stat",
                    span { class: "stat-label", {l.t(Msg::LeadDonateYes)} }
                    span { class: "stat-value", id: "stat-donate", "{f.donate_yes}" }
                    span { class: "detail", {words::promised(l, f.donate_cents)} }
                }
                div { class: "stat",
                    span { class: "stat-label", {l.t(Msg::LeadCalls)} }
                    span { class: "stat-value", id: "stat-calls", "{f.calls}" }
                }
                div { class: "stat",
                    span { class: "stat-label", {l.t(Msg::LeadKnocks)} }
                    span { class: "stat-value", id: "stat-knocks", "{f.knocks}" }
                }
            }
            if f.knocks == 0 {
                p { class: "muted", {l.t(Msg::LeadNoKnocks)} }
            }
            for (key, chart) in charts {
                section { class: "lead-chart", key: "{key}",
                    h3 { {l.t(titles.iter().find(|(k, _)| *k == key).map_or(Msg::LeadTabDashboard, |(_, m)| *m))} }
                    Chart { {chart} }
                }
            }
            section { class: "lead-quality", "aria-labelledby": "quality-title",
                h3 { id: "quality-title", {l.t(Msg::LeadDataQuality)} }
                if watch.is_empty() {
                    p { class: "muted", {l.t(Msg::LeadDataQualityNone)} }
                }
                ul { class: "lead-list",
                    for v in watch {
                        QualityRow { key: "{v.volunteer}", volunteer: v }
                    }
                }
            }
        }
    }
}

/// A flagged or quarantined volunteer, with the quarantine / release action.
#[component]
fn QualityRow(volunteer: VolunteerProgress) -> Element {
    let ctx = use_lead();
    let services = use_services();
    let l = use_lang()();
    let mut error = use_signal(|| None::<Problem>);
    let mut busy = use_signal(|| false);
    let v = volunteer;
    let id = v.volunteer;
    let quarantine = !v.quarantined;
    rsx! {
        li { class: "lead-item", "data-volunteer": "{id}",
            strong { "{v.name}" }
            span { class: "detail", {words::knocks_and_rate(l, v.figures.knocks, v.contact_rate)} }
            for flag in v.flags.iter() {
                p { class: "flag", {flag_text(l, *flag)} }
            }
            if v.quarantined {
                p { class: "quarantined", {l.t(Msg::LeadQuarantined)} }
            }
            button {
                class: if quarantine { "big-button danger" } else { "big-button secondary" },
                r#type: "button",
                disabled: busy(),
                "data-action": if quarantine { "quarantine" } else { "release" },
                onclick: move |_| {
                    let services = services.clone();
                    busy.set(true);
                    spawn(async move {
                        let done = act(ctx, services, move |engine| async move {
                            engine.api().set_quarantine(id, quarantine).await
                        })
                        .await;
                        error.set(done.err());
                        busy.set(false);
                    });
                },
                if quarantine { {l.t(Msg::LeadQuarantine)} } else { {l.t(Msg::LeadRelease)} }
            }
            if let Some(p) = error() {
                p { class: "notice error", role: "alert", {p.action_text(l)} }
            }
        }
    }
}
