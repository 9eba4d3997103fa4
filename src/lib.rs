//! Groundgame on the device: the local SQLite store ([`store`]) that every volunteer action
//! is written to first, and the sync engine ([`sync`]) that pushes the outbox and pulls the
//! volunteer's turfs whenever the network allows. Neither knows anything of the UI.

pub mod clock;
pub use groundgame_core::crash;
pub mod logging;
pub mod store;
pub mod sync;
pub mod ui;

pub use clock::{system_clock, WallClock};
pub use store::{Identity, LocalTurf, RejectedEvent, Store, StoreError};
pub use sync::{
    Engine, HttpTransport, RawResponse, SyncError, SyncReport, SyncState, SyncStatus, Transport,
    TransportError, WireStats,
};
