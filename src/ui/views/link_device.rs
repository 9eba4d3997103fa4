//! `/link`: use Groundgame on another device as the same volunteer (a laptop for the phone
//! bank beside the phone for the doors). "Make a code" asks the server for a one-use code,
//! valid 15 minutes, shown large with the time it stops working; the other device types it
//! on its Join screen where an invite code goes. Both devices then get the same turfs, call
//! lists and private network. Needs a connection; offline it says so.

use dioxus::prelude::*;
use groundgame_core::TimeZone;

use crate::sync::client::DeviceLink;
use crate::sync::SyncError;
use crate::ui::components::BigButton;
use crate::ui::context::{use_lang, use_services};
pub use crate::ui::i18n::valid_until;
use crate::ui::i18n::{Lang, Msg};
use crate::ui::Route;

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
    let mut link = use_signal(|| None::<(DeviceLink, TimeZone)>);
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
            let zone = crate::ui::local_time::time_zone().await;
            let work = async move { engine.api().create_device_link().await };
            let made = match tokio::runtime::Handle::try_current() {
                Ok(rt) => rt
                    .spawn(work)
                    .await
                    .unwrap_or_else(|e| Err(SyncError::Protocol(format!("a task stopped: {e}")))),
                Err(_) => work.await,
            };
            match made {
                Ok(code) => link.set(Some((code, zone))),
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
            if let Some((code, zone)) = link() {
                div { class: "new-code", role: "status",
                    p { {l.t(Msg::LinkTypeIt)} }
                    p { class: "invite-code", id: "link-code", lang: "en", "{code.code}" }
                    p { class: "detail", {valid_until(l, code.expires_at, zone)} }
                }
            }
        }
    }
}
