//! The HTTP plumbing every route shares: who is calling ([`auth`]: the bearer token to a
//! device, its role and campaign), JSON bodies refused in plain words ([`json`]), and the
//! per-address limit on failed registrations ([`register_limit`]). The routes themselves
//! are in `routes`; the errors they answer with in [`crate::error`].

pub mod auth;
pub mod json;
pub mod register_limit;
