//! `/lead/people`: each volunteer with their devices — last sync (relative), records
//! waiting at that sync, app version, a warning when a device has not synced for a day —
//! and revoking a device, with a confirm step (it wipes the device at its next contact).

use dioxus::prelude::*;
use groundgame_core::DeviceId;

use super::{act, use_lead, words, Problem};
use crate::store::lead_cache::DeviceItem;
use crate::ui::context::{use_lang, use_services};
use crate::ui::data;
use crate::ui::i18n::Msg;

#[component]
pub fn LeadPeople() -> Element {
    let ctx = use_lead();
    let l = use_lang()();
    let Some(cached) = ctx.cached.read().clone() else {
        return rsx! {};
    };
    let volunteers = cached.snapshot.volunteers;
    rsx! {
        section { class: "lead-people", "aria-labelledby": "people-title",
            h3 { id: "people-title", {l.t(Msg::LeadPeopleTitle)} }
            if volunteers.is_empty() {
                p { class: "muted", {l.t(Msg::LeadNoVolunteers)} }
            }
            ul { class: "lead-list",
                for v in volunteers {
                    li { class: "lead-item volunteer", key: "{v.id}", "data-volunteer": "{v.id}",
                        div { class: "lead-item-head",
                            strong { class: "volunteer-name", "{v.name}" }
                            span { class: "detail", {words::role(l, v.role)} }
                        }
                        if v.devices.is_empty() {
                            p { class: "muted", {l.t(Msg::LeadNoDevices)} }
                        }
                        ul { class: "devices",
                            for d in v.devices {
                                DeviceRow { key: "{d.id}", device: d }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[component]
fn DeviceRow(device: DeviceItem) -> Element {
    let ctx = use_lead();
    let services = use_services();
    let l = use_lang()();
    let mut confirming = use_signal(|| false);
    let mut busy = use_signal(|| false);
    let mut error = use_signal(|| None::<Problem>);
    let now = services.store.now_ms();
    let this_device = data::this_device(&services.store);
    let d = device;
    let id: DeviceId = d.id;
    let mine = this_device == Some(id);
    let class = if d.revoked {
        "device revoked"
    } else if d.not_synced_recently {
        "device stale"
    } else {
        "device"
    };
    rsx! {
        li { class: "{class}", "data-device": "{id}",
            div { class: "device-head",
                strong { "{d.name}" }
                if mine {
                    span { class: "badge", {l.t(Msg::LeadThisDevice)} }
                }
                if d.revoked {
                    span { class: "badge refused", {l.t(Msg::LeadRevoked)} }
                }
            }
            p { class: "device-sync", {words::last_synced(l, now, d.last_seen_at)} }
            p { class: "detail", {words::pending_at_sync(l, d.pending)} }
            p { class: "detail", {words::app_version(l, &d.app_version)} }
            if d.not_synced_recently {
                p { class: "warning", role: "note", {l.t(Msg::LeadNotSynced)} }
            }
            if !d.revoked && !mine {
                if confirming() {
                    div { class: "confirm", role: "group",
                        p { {l.t(Msg::LeadRevokeHelp)} }
                        button {
                            class: "big-button danger",
                            r#type: "button",
                            "data-action": "confirm-revoke",
                            id: "confirm-revoke-{id}",
                            disabled: busy(),
                            onclick: move |_| {
                                let services = services.clone();
                                busy.set(true);
                                spawn(async move {
                                    let done = act(ctx, services, move |engine| async move {
                                        engine.api().revoke_device(id).await
                                    })
                                    .await;
                                    if done.is_ok() {
                                        confirming.set(false);
                                    }
                                    error.set(done.err());
                                    busy.set(false);
                                });
                            },
                            {l.t(Msg::LeadRevokeConfirm)}
                        }
                        button {
                            class: "big-button secondary",
                            r#type: "button",
                            onclick: move |_| confirming.set(false),
                            {l.t(Msg::Cancel)}
                        }
                    }
                } else {
                    button {
                        class: "big-button secondary",
                        r#type: "button",
                        "data-action": "revoke",
                        id: "revoke-{id}",
                        onclick: move |_| confirming.set(true),
                        {l.t(Msg::LeadRevoke)}
                    }
                }
            }
            if let Some(p) = error() {
                p { class: "notice error", role: "alert", {p.action_text(l)} }
            }
        }
    }
}
