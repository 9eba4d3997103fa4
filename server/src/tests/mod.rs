//! In-process API tests: every request goes through `app(state).oneshot(...)`, no socket.
//! Index: `harness` (a fresh store, two campaigns, a clock tests can set), `register`,
//! `push`, `bad_input` (malformed, oversized, unauthenticated: clear error, nothing
//! written), `pull`, `lead`, `meta` (openapi, health, 404/405, gzip), `store` (walk order,
//! demo seed).

mod bad_input;
mod harness;
mod lead;
mod meta;
mod pull;
mod push;
mod register;
mod store;
