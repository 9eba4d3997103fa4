//! In-process API tests: every request goes through `app(state).oneshot(...)`, no socket.
//! Index: `harness` (a fresh store, two campaigns, a clock tests can set), `register`,
//! `push`, `pull`, `group_commit` (pushes waiting for the writer share a commit, each
//! answered as if alone), `bad_input` (malformed, oversized, unauthenticated: clear error, nothing
//! written), `lead`, `authz` (who may call each lead endpoint), `meta` (openapi, health,
//! 404/405, gzip), `store` (walk order, demo seed), `placement` (imported households into
//! new turfs), `lead_actions` (cut, call list and invite endpoints), `call_lists` (who a
//! phone bank may call), `calls` (phone banking: claims, leases, rounds, do-not-call),
//! `progress` (the lead's figures against a recomputation, quarantine), `files` (voter-file
//! upload and import jobs, script files, the results CSV over HTTP), `network` (my network:
//! idempotent pushes, own-records-only pulls, aggregates-only summary over a real socket),
//! `pg_calls` (phone banking, scripts and my network alike on SQLite and PostgreSQL, and
//! claims and network pulls across PostgreSQL replicas), `pg_lead` (the lead's figures and
//! lists alike on SQLite and PostgreSQL, and across PostgreSQL replicas), `pg_voters`
//! (voter-file imports, map locations, cutting and the results CSV alike on SQLite and
//! PostgreSQL).

mod authz;
mod backends;
mod bad_input;
mod both;
mod call_lists;
mod calls;
mod files;
mod group_commit;
mod harness;
mod held;
mod lead;
mod lead_actions;
mod lead_views;
mod maps;
mod meta;
mod migrate;
mod network;
mod pg_calls;
mod pg_lead;
mod pg_voters;
mod placement;
mod progress;
mod pull;
mod push;
mod register;
mod store;
