//! `/lead/invites`: make an invite code for a role (volunteer or field lead) with its
//! number of uses and days, shown once, large (the server keeps only its hash, and this
//! screen keeps it only in memory); and the campaign's invites with who joined with each.

use dioxus::prelude::*;
use groundgame_core::Role;

use super::{on_runtime, refresh, use_lead, words, Problem};
use crate::ui::components::ChoiceButton;
use crate::ui::context::{use_lang, use_services};
use crate::ui::i18n::Msg;

/// Uses and days as typed, if both are in range.
pub fn parse_invite_numbers(uses: &str, days: &str) -> Option<(u32, u32)> {
    let uses: u32 = uses.trim().parse().ok()?;
    let days: u32 = days.trim().parse().ok()?;
    ((1..=500).contains(&uses) && (1..=90).contains(&days)).then_some((uses, days))
}

#[component]
pub fn LeadInvites() -> Element {
    let ctx = use_lead();
    let services = use_services();
    let l = use_lang()();
    let mut role = use_signal(|| Role::Volunteer);
    let mut uses = use_signal(|| "10".to_string());
    let mut days = use_signal(|| "14".to_string());
    let mut code = use_signal(|| None::<String>);
    let mut error = use_signal(|| None::<String>);
    let mut busy = use_signal(|| false);
    // Dates on the lead's screens are the campaign's, like its figures.
    let zone = ctx
        .cached
        .read()
        .as_ref()
        .map(|c| c.snapshot.progress.time_zone)
        .unwrap_or_default();
    let invites = ctx
        .cached
        .read()
        .as_ref()
        .map(|c| c.snapshot.invites.clone())
        .unwrap_or_default();
    let make = move |_| {
        let Some((n, d)) = parse_invite_numbers(&uses(), &days()) else {
            error.set(Some(l.t(Msg::LeadInviteBadNumbers).to_owned()));
            return;
        };
        let Some(engine) = services.sync.engine() else {
            error.set(Some(Problem::Refused.action_text(l)));
            return;
        };
        let r = role();
        let services = services.clone();
        busy.set(true);
        error.set(None);
        spawn(async move {
            match on_runtime(async move { engine.api().create_invite(r, n, d).await }).await {
                Ok(made) => {
                    code.set(Some(made.code));
                    refresh(ctx, &services);
                }
                Err(e) => error.set(Some(Problem::from_sync(&e).action_text(l))),
            }
            busy.set(false);
        });
    };
    rsx! {
        div { class: "lead-invites",
            section { class: "card", "aria-labelledby": "invite-make",
                h3 { id: "invite-make", {l.t(Msg::LeadInvitesTitle)} }
                p { class: "field-label", {l.t(Msg::LeadInviteRole)} }
                div { class: "choices", role: "group", "aria-label": l.t(Msg::LeadInviteRole),
                    ChoiceButton {
                        label: words::role(l, Role::Volunteer).to_owned(),
                        selected: role() == Role::Volunteer,
                        id: "invite-role-volunteer".to_string(),
                        onclick: move |_| role.set(Role::Volunteer),
                    }
                    ChoiceButton {
                        label: words::role(l, Role::Lead).to_owned(),
                        selected: role() == Role::Lead,
                        id: "invite-role-lead".to_string(),
                        onclick: move |_| role.set(Role::Lead),
                    }
                }
                label { r#for: "invite-uses", {l.t(Msg::LeadInviteUses)} }
                input {
                    id: "invite-uses",
                    r#type: "number",
                    inputmode: "numeric",
                    min: "1",
                    max: "500",
                    value: "{uses}",
                    oninput: move |e| uses.set(e.value()),
                }
                label { r#for: "invite-days", {l.t(Msg::LeadInviteDays)} }
                input {
                    id: "invite-days",
                    r#type: "number",
                    inputmode: "numeric",
                    min: "1",
                    max: "90",
                    value: "{days}",
                    oninput: move |e| days.set(e.value()),
                }
                button {
                    class: "big-button",
                    id: "invite-make-button",
                    r#type: "button",
                    disabled: busy(),
                    onclick: make,
                    {l.t(Msg::LeadMakeInvite)}
                }
                if let Some(e) = error() {
                    p { class: "notice error", role: "alert", "{e}" }
                }
                if let Some(c) = code() {
                    div { class: "new-code", role: "status",
                        p { {l.t(Msg::LeadNewCode)} }
                        p { class: "invite-code", id: "invite-code", lang: "en", "{c}" }
                    }
                }
            }
            section { "aria-labelledby": "invite-list",
                h3 { id: "invite-list", {l.t(Msg::LeadTabInvites)} }
                if invites.is_empty() {
                    p { class: "muted", {l.t(Msg::LeadNoInvites)} }
                }
                ul { class: "lead-list",
                    for i in invites {
                        li { class: if i.expired { "lead-item invite expired" } else { "lead-item invite" },
                            key: "{i.id}", "data-invite": "{i.id}",
                            div { class: "lead-item-head",
                                strong { {words::invite_line(l, i.id, i.used, i.max_uses)} }
                                span { class: "detail", {words::role(l, i.role)} }
                            }
                            p { class: "detail",
                                {words::expires(l, i.expires_at, zone)}
                                if i.expired { " · " {l.t(Msg::LeadExpired)} }
                            }
                            if i.joined.is_empty() {
                                p { class: "muted", {l.t(Msg::LeadNobodyJoined)} }
                            } else {
                                p { class: "joined",
                                    {l.t(Msg::LeadJoinedWith)} ": "
                                    {i.joined.iter().map(|j| j.volunteer_name.clone()).collect::<Vec<_>>().join(", ")}
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invite_numbers_must_be_in_range() {
        assert_eq!(parse_invite_numbers("10", " 14 "), Some((10, 14)));
        assert_eq!(parse_invite_numbers("0", "14"), None);
        assert_eq!(parse_invite_numbers("501", "14"), None);
        assert_eq!(parse_invite_numbers("5", "91"), None);
        assert_eq!(parse_invite_numbers("five", "1"), None);
    }
}
