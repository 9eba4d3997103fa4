//! The pure turf algorithms, with no store and no I/O: cutting households into turfs
//! ([`cut`]: by precinct, along streets, or by area) and the walking order of a turf's doors
//! ([`walk_order`]), and the walking route along the campaign's streets ([`route`]) where it
//! has a street map and the doors have places. The store keeps doors in that order; cutting
//! a campaign's data is [`crate::ops::cut_turfs`].

pub mod cut;
pub mod route;
pub mod walk_order;
