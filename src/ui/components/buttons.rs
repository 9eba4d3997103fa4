//! Big tap targets: a primary action button and a toggle-style choice button that reports
//! its state to screen readers with `aria-pressed`.

use dioxus::prelude::*;

/// A full-width action button (at least 44 px tall, see `assets/main.css`).
#[component]
pub fn BigButton(
    label: String,
    #[props(default)] disabled: bool,
    /// "primary" (default), "secondary" or "danger".
    #[props(default = "primary".to_string())]
    kind: String,
    #[props(default)] id: Option<String>,
    onclick: EventHandler<MouseEvent>,
) -> Element {
    rsx! {
        button {
            id,
            class: "big-button {kind}",
            r#type: "button",
            disabled,
            "aria-disabled": if disabled { "true" } else { "false" },
            onclick: move |e| {
                if !disabled {
                    onclick.call(e);
                }
            },
            "{label}"
        }
    }
}

/// One choice in a group (a result code, a support level, yes/no/maybe).
#[component]
pub fn ChoiceButton(
    label: String,
    selected: bool,
    #[props(default)] disabled: bool,
    #[props(default)] id: Option<String>,
    onclick: EventHandler<MouseEvent>,
) -> Element {
    rsx! {
        button {
            id,
            class: if selected { "choice selected" } else { "choice" },
            r#type: "button",
            disabled,
            "aria-pressed": if selected { "true" } else { "false" },
            onclick: move |e| onclick.call(e),
            "{label}"
        }
    }
}
