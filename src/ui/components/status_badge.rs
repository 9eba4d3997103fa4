//! A door's status as a coloured badge with words (never colour alone).

use dioxus::prelude::*;
use groundgame_core::fold::DoorState;

/// The CSS class of a state.
pub fn state_class(state: DoorState) -> &'static str {
    match state {
        DoorState::NotVisited => "not-visited",
        DoorState::TryAgain => "try-again",
        DoorState::ComeBack => "come-back",
        DoorState::Closed => "closed",
        DoorState::Refused => "refused",
        DoorState::Contacted => "contacted",
    }
}

#[component]
pub fn StatusBadge(state: DoorState, label: String) -> Element {
    let class = state_class(state);
    rsx! {
        span { class: "badge {class}", "{label}" }
    }
}
