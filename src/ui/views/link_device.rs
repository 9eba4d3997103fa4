//! `/link`: use Groundgame on another device as the same volunteer (a laptop for the phone
//! bank beside the phone for the doors). "Make a code" asks the server for a one-use code,
//! valid 15 minutes, shown large with the time it stops working; the other device types it
//! on its Join screen where an invite code goes. Both devices then get the same turfs, call
//! lists and private network. Needs a connection; offline it says so.

use dioxus::prelude::*;

use crate::sync::engine::DeviceLink;
use crate::sync::SyncError;
use crate::ui::components::BigButton;
use crate::ui::context::{use_lang, use_services};
use crate::ui::i18n::{Lang, Msg};
use crate::ui::Route;

/// "It works once, until 14:35." in the device's own clock (hours and minutes, UTC shifted
/// by `offset_minutes`).
pub fn valid_until(l: Lang, expires_at_ms: u64, offset_minutes: i32) -> String {
    let local = expires_at_ms as i64 + i64::from(offset_minutes) * 60_000;
    let minutes = local.div_euclid(60_000).rem_euclid(24 * 60);
    let (h, m) = (minutes / 60, minutes % 60);
    match l {
        Lang::En => format!("It works once, until {h:02}:{m:02}."),
        Lang::Es => format!("Sirve una sola vez, hasta las {h:02}:{m:02}."),
    }
}

/// Why no code could be made, in words.
fn why_not(l: Lang, e: &SyncError) -> String {
    match e {
        SyncError::Transport(_) => l.t(Msg::LinkNeedsConnection).to_owned(),
        SyncError::Revoked | SyncError::NotJoined => l.t(Msg::LeadRefused).to_owned(),
        _ => l.t(Msg::LinkFailed).to_owned(),
    }
}

#[component]
pub fn LinkDevice() -> Element {
    let services = use_services();
    let l = use_lang()();
    let mut link = use_signal(|| None::<(DeviceLink, i32)>);
    let mut error = use_signal(|| None::<String>);
    let mut busy = use_signal(|| false);
    let make = move |_| {
        if *busy.peek() {
            return;
        }
        let Some(engine) = services.sync.engine() else {
            error.set(Some(l.t(Msg::LeadRefused).to_owned()));
            return;
        };
        busy.set(true);
        error.set(None);
        spawn(async move {
            let offset = crate::ui::local_time::offset_minutes().await;
            let work = async move { engine.create_device_link().await };
            let made = match tokio::runtime::Handle::try_current() {
                Ok(rt) => rt
                    .spawn(work)
                    .await
                    .unwrap_or_else(|e| Err(SyncError::Protocol(format!("a task stopped: {e}")))),
                Err(_) => work.await,
            };
            match made {
                Ok(code) => link.set(Some((code, offset))),
                Err(e) => error.set(Some(why_not(l, &e))),
            }
            busy.set(false);
        });
    };
    rsx! {
        section { class: "link-device card", "aria-labelledby": "link-title",
            div { class: "crumbs",
                Link { class: "back", to: Route::Home {}, {l.t(Msg::BackToTurfs)} }
            }
            h2 { id: "link-title", {l.t(Msg::LinkTitle)} }
            p { {l.t(Msg::LinkHelp)} }
            BigButton { id: "link-make", label: l.t(Msg::LinkMake).to_owned(),
                disabled: busy(), onclick: make }
            if let Some(e) = error() {
                p { class: "notice error", role: "alert", id: "link-error", "{e}" }
            }
            if let Some((code, offset)) = link() {
                div { class: "new-code", role: "status",
                    p { {l.t(Msg::LinkTypeIt)} }
                    p { class: "invite-code", id: "link-code", lang: "en", "{code.code}" }
                    p { class: "detail", {valid_until(l, code.expires_at, offset)} }
                }
            }
        }
    }
}
