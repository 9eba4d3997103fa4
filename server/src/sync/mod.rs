//! The sync rules: what the server accepts from a push and what it sends in a pull. These
//! decide (scope, validation, clock checks, paging) and leave every SQL statement to
//! [`crate::store`]; they know nothing of HTTP.

pub(crate) mod pull;
pub(crate) mod push;
