//! The HTTP plumbing every route shares: who is calling ([`auth`]: the bearer token to a
//! device, its role and campaign), JSON bodies refused in plain words ([`json`]), and the
//! per-address limit on failed registrations ([`register_limit`]), per-device quotas on
//! pushes and device-link codes ([`quota`]), and concurrent pushes
//! applied together in shared write transactions ([`group_commit`]). The routes themselves
//! are in `routes`; the errors they answer with in [`crate::error`].

pub mod auth;
pub mod group_commit;
pub mod json;
pub mod quota;
pub mod register_limit;
