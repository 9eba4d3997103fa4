//! The pure turf algorithms, with no store and no I/O: cutting households into turfs
//! ([`cut`]: by precinct, along streets, or by area) and the walking order of a turf's doors
//! ([`walk_order`]). The store keeps doors in walking order with [`walk_order`]; cutting a
//! campaign's data is [`crate::ops::cut_turfs`].

pub mod cut;
pub mod walk_order;
