//! Join a campaign: the server's address, the invite code from the lead and the
//! volunteer's name go to `register`; a wrong or expired code, a bad address or no
//! connection each get a sentence saying what to do, and a retry keeps what was typed.

use dioxus::prelude::*;

use crate::ui::components::BigButton;
use crate::ui::context::{use_lang, use_services, JoinError};
use crate::ui::i18n::Msg;
use crate::ui::Route;

#[component]
pub fn Join() -> Element {
    let services = use_services();
    let l = use_lang()();
    let mut server = use_signal(String::new);
    let mut invite = use_signal(String::new);
    let mut name = use_signal(String::new);
    let mut busy = use_signal(|| false);
    let mut error = use_signal(|| None::<JoinError>);

    let submit = use_callback(move |()| {
        if *busy.peek() {
            return;
        }
        busy.set(true);
        error.set(None);
        let sync = services.sync.clone();
        let device = services.device_name.clone();
        let (s, i, n) = (server(), invite(), name());
        spawn(async move {
            let result = sync.join(&s, &i, &n, &device).await;
            busy.set(false);
            match result {
                Ok(()) => {
                    navigator().replace(Route::Home {});
                }
                Err(e) => error.set(Some(e)),
            }
        });
    });

    let joining = busy();
    rsx! {
        section { class: "join card", "aria-labelledby": "join-title",
            h2 { id: "join-title", {l.t(Msg::JoinTitle)} }
            p { class: "intro", {l.t(Msg::JoinIntro)} }
            form {
                onsubmit: move |e: FormEvent| {
                    e.prevent_default();
                    submit(());
                },
                label { r#for: "join-server", {l.t(Msg::ServerAddress)} }
                input {
                    id: "join-server",
                    r#type: "url",
                    inputmode: "url",
                    autocomplete: "url",
                    placeholder: l.t(Msg::ServerAddressHint),
                    value: "{server}",
                    oninput: move |e| server.set(e.value()),
                }
                label { r#for: "join-invite", {l.t(Msg::InviteCode)} }
                input {
                    id: "join-invite",
                    r#type: "text",
                    autocomplete: "one-time-code",
                    autocapitalize: "characters",
                    value: "{invite}",
                    oninput: move |e| invite.set(e.value()),
                }
                p { class: "field-hint", id: "join-invite-hint", {l.t(Msg::InviteCodeHint)} }
                label { r#for: "join-name", {l.t(Msg::YourName)} }
                input {
                    id: "join-name",
                    r#type: "text",
                    autocomplete: "name",
                    placeholder: l.t(Msg::YourNameHint),
                    value: "{name}",
                    oninput: move |e| name.set(e.value()),
                }
                if let Some(e) = error() {
                    div { class: "notice error", role: "alert", id: "join-error",
                        p { {l.t(e.message())} }
                    }
                }
                BigButton {
                    id: "join-submit",
                    label: if joining {
                        l.t(Msg::Joining).to_string()
                    } else if error().is_some_and(JoinError::retryable) {
                        l.t(Msg::TryAgain).to_string()
                    } else {
                        l.t(Msg::JoinButton).to_string()
                    },
                    disabled: joining,
                    onclick: move |_| submit(()),
                }
            }
        }
    }
}
