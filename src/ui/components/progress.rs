//! A labelled progress bar (`role="progressbar"` with its values for screen readers).

use dioxus::prelude::*;

#[component]
pub fn ProgressBar(value: u64, max: u64, label: String) -> Element {
    let max = max.max(1);
    let value = value.min(max);
    let percent = value * 100 / max;
    rsx! {
        div { class: "progress",
            div {
                class: "progress-track",
                role: "progressbar",
                "aria-valuemin": "0",
                "aria-valuemax": "{max}",
                "aria-valuenow": "{value}",
                "aria-label": "{label}",
                div { class: "progress-fill", style: "width: {percent}%" }
            }
            span { class: "progress-label", "{label}" }
        }
    }
}
