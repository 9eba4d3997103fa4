//! `/lead/assign`: who works each turf and each call list, changed by tapping people
//! (the new set replaces the old one on the server; a canvasser's phone gives up the turf
//! at its next sync and keeps every record it made), and the records made under an
//! assignment that has since ended.

use dioxus::prelude::*;
use groundgame_core::{CallListId, EventId, TurfId, VolunteerId};

use super::{act, use_lead, words, Problem};
use crate::store::lead_cache::{
    DoNotCallAddition, HeldRecord, HeldStatus, LeadSnapshot, VolunteerItem,
};
use crate::ui::components::ChoiceButton;
use crate::ui::context::{use_lang, use_services};
use crate::ui::i18n::Msg;

/// What an assignment row assigns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Turf(TurfId),
    CallList(CallListId),
}

impl Target {
    fn key(self) -> String {
        match self {
            Target::Turf(t) => format!("turf-{}", t.0),
            Target::CallList(c) => format!("list-{}", c.0),
        }
    }
}

fn names(s: &LeadSnapshot, ids: &[VolunteerId]) -> String {
    ids.iter()
        .map(|id| s.volunteer_name(*id))
        .collect::<Vec<_>>()
        .join(", ")
}

#[component]
pub fn LeadAssign() -> Element {
    let ctx = use_lead();
    let l = use_lang()();
    let Some(cached) = ctx.cached.read().clone() else {
        return rsx! {};
    };
    let s = cached.snapshot;
    let people = s.volunteers.clone();
    rsx! {
        div { class: "lead-assign",
            section { "aria-labelledby": "assign-turfs",
                h3 { id: "assign-turfs", {l.t(Msg::LeadTurfs)} }
                if s.turfs.is_empty() {
                    p { class: "muted", {l.t(Msg::LeadNoTurfs)} }
                }
                ul { class: "lead-list",
                    for t in s.turfs.iter() {
                        AssignRow {
                            key: "turf-{t.id}",
                            target_key: Target::Turf(t.id).key(),
                            turf: Some(t.id.0),
                            list: None,
                            name: t.name.clone(),
                            detail: words::doors(l, u64::from(t.household_count)),
                            current: t.assignees.clone(),
                            current_names: names(&s, &t.assignees),
                            people: people.clone(),
                        }
                    }
                }
            }
            section { "aria-labelledby": "assign-lists",
                h3 { id: "assign-lists", {l.t(Msg::LeadCallLists)} }
                if s.call_lists.is_empty() {
                    p { class: "muted", {l.t(Msg::LeadNoCallLists)} }
                }
                ul { class: "lead-list",
                    for c in s.call_lists.iter() {
                        AssignRow {
                            key: "list-{c.id}",
                            target_key: Target::CallList(c.id).key(),
                            turf: None,
                            list: Some(c.id.0),
                            name: c.name.clone(),
                            detail: words::people(l, c.members),
                            current: c.callers.clone(),
                            current_names: names(&s, &c.callers),
                            people: people.clone(),
                        }
                    }
                }
            }
            section { class: "lead-old", "aria-labelledby": "old-title",
                h3 { id: "old-title", {l.t(Msg::LeadOldTitle)} }
                p { class: "muted", {l.t(Msg::LeadOldHelp)} }
                if s.old_assignments.is_empty() {
                    p { class: "muted", {l.t(Msg::LeadOldNone)} }
                }
                ul { class: "lead-list",
                    for o in s.old_assignments.iter() {
                        li { class: "lead-item flagged", key: "{o.turf}-{o.volunteer}",
                            "data-turf": "{o.turf}", "data-volunteer": "{o.volunteer}",
                            {words::old_assignment(l, &o.volunteer_name, &o.turf_name, o.events, o.knocks, o.after_end)}
                        }
                    }
                }
            }
            section { class: "lead-held", "aria-labelledby": "held-title",
                h3 { id: "held-title", {l.t(Msg::LeadHeldTitle)} }
                p { class: "muted", {l.t(Msg::LeadHeldHelp)} }
                if s.held.iter().all(|r| r.status != HeldStatus::Held) {
                    p { class: "muted", {l.t(Msg::LeadHeldNone)} }
                }
                ul { class: "lead-list",
                    for r in s.held.iter().filter(|r| r.status == HeldStatus::Held) {
                        HeldRow { key: "{r.event}", record: r.clone() }
                    }
                }
            }
            section { class: "lead-dnc", "aria-labelledby": "dnc-title",
                h3 { id: "dnc-title", {l.t(Msg::LeadDncTitle)} }
                p { class: "muted", {l.t(Msg::LeadDncHelp)} }
                if s.do_not_call.is_empty() {
                    p { class: "muted", {l.t(Msg::LeadDncNone)} }
                }
                ul { class: "lead-list",
                    for a in s.do_not_call.iter() {
                        DoNotCallRow { key: "dnc-{a.id}", addition: a.clone(), zone: s.progress.time_zone }
                    }
                }
            }
        }
    }
}

/// A number a volunteer put on the do-not-call list, with "take it back".
#[component]
fn DoNotCallRow(addition: DoNotCallAddition, zone: groundgame_core::TimeZone) -> Element {
    let ctx = use_lead();
    let services = use_services();
    let l = use_lang()();
    let mut busy = use_signal(|| false);
    let mut error = use_signal(|| None::<Problem>);
    let id = addition.id;
    let line = words::do_not_call_line(
        l,
        &addition.phone_last4,
        &addition.volunteer_name,
        addition.created_at,
        zone,
    );
    rsx! {
        li { class: "lead-item", "data-dnc": "{id}",
            p { "{line}" }
            if addition.undone_at.is_some() {
                p { class: "muted", {l.t(Msg::LeadDncUndone)} }
            } else {
                button { class: "big-button secondary", r#type: "button", disabled: busy(),
                    "data-action": "undo-dnc",
                    onclick: move |_| {
                        let services = services.clone();
                        busy.set(true);
                        spawn(async move {
                            let done = act(ctx, services, move |engine| async move {
                                engine.api().undo_do_not_call(id).await
                            })
                            .await;
                            error.set(done.err());
                            busy.set(false);
                        });
                    },
                    {l.t(Msg::LeadDncUndo)}
                }
            }
            if let Some(p) = error() {
                p { class: "notice error", role: "alert", {p.action_text(l)} }
            }
        }
    }
}

/// A record held for the lead, with accept and dismiss.
#[component]
fn HeldRow(record: HeldRecord) -> Element {
    let ctx = use_lead();
    let services = use_services();
    let l = use_lang()();
    let mut busy = use_signal(|| false);
    let mut error = use_signal(|| None::<Problem>);
    let id: EventId = record.event;
    let decide = move |accept: bool| {
        let services = services.clone();
        busy.set(true);
        spawn(async move {
            let done = act(ctx, services, move |engine| async move {
                engine.api().decide_held(id, accept).await
            })
            .await;
            error.set(done.err());
            busy.set(false);
        });
    };
    let mut accept = decide.clone();
    let mut dismiss = decide;
    rsx! {
        li { class: "lead-item flagged", "data-held": "{id}",
            p { {words::held_record(l, &record.volunteer_name, &record.kind, record.result.as_deref(), &record.address, &record.turf_name)} }
            div { class: "row-actions",
                button { class: "big-button", r#type: "button", disabled: busy(),
                    "data-action": "accept",
                    onclick: move |_| accept(true),
                    {l.t(Msg::LeadAccept)}
                }
                button { class: "big-button secondary", r#type: "button", disabled: busy(),
                    "data-action": "dismiss",
                    onclick: move |_| dismiss(false),
                    {l.t(Msg::LeadDismiss)}
                }
            }
            if let Some(p) = error() {
                p { class: "notice error", role: "alert", {p.action_text(l)} }
            }
        }
    }
}

#[component]
fn AssignRow(
    target_key: String,
    turf: Option<i64>,
    list: Option<i64>,
    name: String,
    detail: String,
    current: Vec<VolunteerId>,
    current_names: String,
    people: Vec<VolunteerItem>,
) -> Element {
    let ctx = use_lead();
    let services = use_services();
    let l = use_lang()();
    let mut editing = use_signal(|| false);
    let initial = current.clone();
    let mut chosen = use_signal(move || initial);
    let mut busy = use_signal(|| false);
    let mut error = use_signal(|| None::<Problem>);
    let target = match (turf, list) {
        (Some(t), _) => Target::Turf(TurfId(t)),
        (None, Some(c)) => Target::CallList(CallListId(c)),
        (None, None) => return rsx! {},
    };
    rsx! {
        li { class: "lead-item", "data-target": "{target_key}",
            div { class: "lead-item-head",
                strong { "{name}" }
                span { class: "detail", "{detail}" }
            }
            p { class: "assignees",
                if current.is_empty() { {l.t(Msg::LeadNobodyAssigned)} } else { "{current_names}" }
            }
            if editing() {
                div { class: "picker", role: "group", "aria-label": l.t(Msg::LeadPickVolunteers),
                    p { class: "muted", {l.t(Msg::LeadPickVolunteers)} }
                    div { class: "choices",
                        for p in people.iter() {
                            ChoiceButton {
                                key: "{p.id}",
                                label: p.name.clone(),
                                selected: chosen.read().contains(&p.id),
                                id: format!("{target_key}-v{}", p.id.0),
                                onclick: {
                                    let id = p.id;
                                    move |_| {
                                        let mut c = chosen.write();
                                        if let Some(i) = c.iter().position(|x| *x == id) {
                                            c.remove(i);
                                        } else {
                                            c.push(id);
                                        }
                                    }
                                },
                            }
                        }
                    }
                    button {
                        class: "big-button",
                        r#type: "button",
                        id: "{target_key}-save",
                        disabled: busy(),
                        onclick: move |_| {
                            let services = services.clone();
                            let volunteers = chosen();
                            busy.set(true);
                            spawn(async move {
                                let done = act(ctx, services, move |engine| async move {
                                    match target {
                                        Target::Turf(t) => engine.api().set_assignees(t, &volunteers).await,
                                        Target::CallList(c) => engine.api().assign_call_list(c, &volunteers).await,
                                    }
                                })
                                .await;
                                if done.is_ok() {
                                    editing.set(false);
                                }
                                error.set(done.err());
                                busy.set(false);
                            });
                        },
                        {l.t(Msg::LeadSaveAssignment)}
                    }
                    button {
                        class: "big-button secondary",
                        r#type: "button",
                        onclick: move |_| editing.set(false),
                        {l.t(Msg::Cancel)}
                    }
                }
            } else {
                button {
                    class: "big-button secondary",
                    r#type: "button",
                    id: "{target_key}-change",
                    onclick: {
                        let current = current.clone();
                        move |_| {
                            chosen.set(current.clone());
                            editing.set(true);
                        }
                    },
                    {l.t(Msg::LeadChange)}
                }
            }
            if let Some(p) = error() {
                p { class: "notice error", role: "alert", {p.action_text(l)} }
            }
        }
    }
}
