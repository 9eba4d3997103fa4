//! Small presentational components: props in, rsx out. They never touch the store or the
//! sync engine; the views hand them plain values (and callbacks).

mod buttons;
pub mod charts;
mod progress;
mod status_badge;
mod street_map;
mod sync_bar;

pub use buttons::{BigButton, ChoiceButton};
pub use charts::Chart;
pub use progress::ProgressBar;
pub use status_badge::{state_class, StatusBadge};
pub use street_map::street_map_svg;
pub use sync_bar::SyncBar;
