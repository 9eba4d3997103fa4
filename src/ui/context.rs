//! The services every screen shares, provided ONCE as context by [`crate::ui::App`]:
//! the local [`Store`], a [`SyncHandle`] (the sync engine: join, nudge, sync now, status),
//! the [`SyncStatus`] as a signal kept fresh from the engine, and the chosen [`Lang`].
//! Screens read them through the typed accessors here, which panic with a message saying
//! how to provide them (a missing service is a wiring bug, not a runtime condition).

use std::sync::{Arc, Mutex};

use dioxus::prelude::*;
use groundgame_core::protocol::codes;
use tokio::sync::watch;

use crate::store::{DeviceState, Store, StoreError};
use crate::sync::{Engine, HttpTransport, SyncError, SyncState, SyncStatus};
use crate::ui::i18n::{Lang, Msg};

/// The engine the app runs: the real HTTP transport.
pub type AppEngine = Engine<HttpTransport>;

/// What the platform launcher hands the UI (as a root context).
#[derive(Clone)]
pub struct Services {
    pub store: Arc<Store>,
    pub sync: SyncHandle,
    /// The language the UI starts in.
    pub lang: Lang,
    /// What this device is called in the lead's list ("Phone", "Desktop", ...).
    pub device_name: String,
}

impl Services {
    /// Services over an opened store. `background`: run the sync loop (launchers); tests
    /// pass `false` and drive the status themselves.
    pub fn new(store: Arc<Store>, background: bool, device_name: impl Into<String>) -> Self {
        let sync = SyncHandle::new(store.clone(), background);
        Services {
            store,
            sync,
            lang: Lang::default(),
            device_name: device_name.into(),
        }
    }

    /// Whether this device has joined a campaign (and was not revoked).
    pub fn joined(&self) -> bool {
        matches!(
            self.store.device_state(),
            Some(DeviceState::Active | DeviceState::SignedOut)
        )
    }
}

/// Why joining failed, in the categories the Join screen explains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinError {
    MissingFields,
    BadAddress,
    WrongCode,
    ExpiredCode,
    NoConnection,
    OldApp,
    OtherCampaign,
    ServerTrouble,
    /// Too many wrong codes from this network lately: wait, then try again.
    TooManyAttempts,
}

impl JoinError {
    /// Classify an engine error.
    pub fn from_sync(e: &SyncError) -> JoinError {
        match e {
            SyncError::Transport(_) => JoinError::NoConnection,
            SyncError::Server { code, status, .. } => match code.as_str() {
                codes::INVITE_INVALID | codes::UNAUTHORIZED | codes::FORBIDDEN => {
                    JoinError::WrongCode
                }
                codes::INVITE_EXPIRED | codes::INVITE_USED_UP => JoinError::ExpiredCode,
                codes::UNSUPPORTED_PROTOCOL => JoinError::OldApp,
                codes::TOO_MANY_ATTEMPTS => JoinError::TooManyAttempts,
                codes::NOT_FOUND | codes::METHOD_NOT_ALLOWED => JoinError::BadAddress,
                _ if *status >= 500 => JoinError::ServerTrouble,
                _ => JoinError::ServerTrouble,
            },
            SyncError::Store(StoreError::PendingForOtherCampaign(_)) => JoinError::OtherCampaign,
            _ => JoinError::ServerTrouble,
        }
    }

    /// What to tell the volunteer.
    pub fn message(self) -> Msg {
        match self {
            JoinError::MissingFields => Msg::JoinMissingFields,
            JoinError::BadAddress => Msg::JoinBadAddress,
            JoinError::WrongCode => Msg::JoinWrongCode,
            JoinError::ExpiredCode => Msg::JoinExpiredCode,
            JoinError::NoConnection => Msg::JoinNoConnection,
            JoinError::OldApp => Msg::JoinOldApp,
            JoinError::OtherCampaign => Msg::JoinOtherCampaign,
            JoinError::ServerTrouble => Msg::JoinServerTrouble,
            JoinError::TooManyAttempts => Msg::JoinTooManyAttempts,
        }
    }

    /// Worth a "Try again" button (the same input may work later).
    pub fn retryable(self) -> bool {
        matches!(
            self,
            JoinError::NoConnection | JoinError::ServerTrouble | JoinError::TooManyAttempts
        )
    }
}

/// The sync engine as the UI sees it. The engine is bound to a server address, so it is
/// made when the device joins (or at start-up when it already has); the status channel is
/// stable, so the UI subscribes once whatever engine is behind it.
#[derive(Clone)]
pub struct SyncHandle {
    inner: Arc<SyncInner>,
}

struct SyncInner {
    store: Arc<Store>,
    engine: Mutex<Option<Arc<AppEngine>>>,
    status: watch::Sender<SyncStatus>,
    /// Stops the running background loop (dropping the sender stops it too).
    shutdown: Mutex<Option<watch::Sender<bool>>>,
    background: bool,
    /// The UI's language, for the server's own sentences (`Accept-Language`).
    language: Mutex<Lang>,
}

impl SyncHandle {
    fn new(store: Arc<Store>, background: bool) -> Self {
        let engine = store
            .identity()
            .ok()
            .flatten()
            .and_then(|id| HttpTransport::new(&id.server_url).ok())
            .map(|transport| Arc::new(Engine::new(store.clone(), transport)));
        let initial = match &engine {
            Some(e) => e.status(),
            None => SyncStatus::new(
                SyncState::NotJoined,
                store.waiting_count().unwrap_or(0),
                store.rejected_count().unwrap_or(0),
            ),
        };
        let (status, _) = watch::channel(initial);
        SyncHandle {
            inner: Arc::new(SyncInner {
                store,
                engine: Mutex::new(engine),
                status,
                shutdown: Mutex::new(None),
                background,
                language: Mutex::new(Lang::default()),
            }),
        }
    }

    /// Ask the server for its own sentences (an import's reasons, a refused script's
    /// problems) in `lang`, now and for an engine made by a later join.
    pub fn set_language(&self, lang: Lang) {
        *self
            .inner
            .language
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = lang;
        if let Some(engine) = self.engine() {
            engine.transport().set_language(lang.code());
        }
    }

    /// The engine, once this device has joined (the lead screens call it directly).
    pub fn engine(&self) -> Option<Arc<AppEngine>> {
        self.inner
            .engine
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Status updates (the current value first).
    pub fn subscribe(&self) -> watch::Receiver<SyncStatus> {
        self.inner.status.subscribe()
    }

    /// The current status.
    pub fn status(&self) -> SyncStatus {
        self.inner.status.borrow().clone()
    }

    /// Replace the published status (the launchers' engine feed does this; tests use it to
    /// show offline and error states).
    pub fn publish(&self, status: SyncStatus) {
        self.inner.status.send_replace(status);
    }

    /// Start the background sync loop (needs a tokio runtime; does nothing when this
    /// handle was made without `background`, when not joined, or when already running).
    pub fn start(&self) {
        if !self.inner.background {
            return;
        }
        let Some(engine) = self.engine() else {
            return;
        };
        let mut slot = self
            .inner
            .shutdown
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if slot.is_some() {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            tracing::warn!("no async runtime: background sync not started");
            return;
        };
        let (stop, stopped) = watch::channel(false);
        *slot = Some(stop);
        let looping = engine.clone();
        runtime.spawn(async move { looping.run(stopped).await });
        let out = self.inner.status.clone();
        let mut updates = engine.subscribe();
        runtime.spawn(async move {
            out.send_replace(updates.borrow_and_update().clone());
            while updates.changed().await.is_ok() {
                let status = updates.borrow_and_update().clone();
                out.send_replace(status);
            }
        });
    }

    /// Stop the background loop (the store stays open).
    pub fn stop(&self) {
        if let Some(stop) = self
            .inner
            .shutdown
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        {
            let _ = stop.send(true);
        }
    }

    /// A record was written: show the new count now and sync soon.
    pub fn nudge(&self) {
        let pending = self.inner.store.waiting_count().unwrap_or(0);
        self.inner.status.send_modify(|s| s.pending = pending);
        if let Some(engine) = self.engine() {
            engine.nudge();
        }
    }

    /// Join a campaign: make an engine for `server`, register, and start syncing.
    pub async fn join(
        &self,
        server: &str,
        invite: &str,
        name: &str,
        device_name: &str,
    ) -> Result<(), JoinError> {
        let (server, invite, name) = (server.trim(), invite.trim(), name.trim());
        if server.is_empty() || invite.is_empty() || name.is_empty() {
            return Err(JoinError::MissingFields);
        }
        let transport = HttpTransport::new(server).map_err(|_| JoinError::BadAddress)?;
        let lang = *self
            .inner
            .language
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        transport.set_language(lang.code());
        let engine = Arc::new(Engine::new(self.inner.store.clone(), transport));
        let (server, invite, name, device) = (
            server.to_owned(),
            invite.to_owned(),
            name.to_owned(),
            device_name.to_owned(),
        );
        let registering = engine.clone();
        let work = async move {
            registering
                .register(&server, &invite, &name, &device)
                .await
                .map(|_| ())
                .map_err(|e| JoinError::from_sync(&e))
        };
        // Register on the runtime when there is one (the engine's store work uses
        // blocking threads); the UI's executor just awaits the answer.
        let result = match tokio::runtime::Handle::try_current() {
            Ok(rt) => rt
                .spawn(work)
                .await
                .unwrap_or(Err(JoinError::ServerTrouble)),
            Err(_) => work.await,
        };
        result?;
        self.stop();
        *self.inner.engine.lock().unwrap_or_else(|e| e.into_inner()) = Some(engine.clone());
        self.publish(engine.status());
        self.start();
        Ok(())
    }

    /// Sync at once (the "Sync now" button), even while backing off after failures.
    pub fn sync_now(&self) {
        if let Some(engine) = self.engine() {
            engine.sync_now();
        }
    }
}

/// Provide the UI contexts from the launcher's [`Services`]; called once, by the App.
pub(crate) fn provide_ui_contexts() -> Services {
    let services = try_use_context::<Services>().expect(
        "the Groundgame UI needs its Services: launch it with ui::launch_desktop, the \
         liveview binary, or VirtualDom::new(App).with_root_context(Services::new(..))",
    );
    let lang = services.lang;
    let lang = use_context_provider(|| Signal::new(lang));
    let sync = services.sync.clone();
    // The server answers in the UI's language too, switching when it does.
    use_effect(move || sync.set_language(lang()));
    use_context_provider(|| Signal::new(TurfHalves::default()));
    let sync = services.sync.clone();
    let status = use_context_provider(|| Signal::new(sync.status()));
    use_hook(move || sync.start());
    let sync = services.sync.clone();
    use_future(move || {
        let mut updates = sync.subscribe();
        let mut status = status;
        async move {
            while updates.changed().await.is_ok() {
                let latest = updates.borrow_and_update().clone();
                status.set(latest);
            }
        }
    });
    services
}

/// Which part of a turf's route this device walks when a pair of canvassers split it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Half {
    #[default]
    Whole,
    /// The first half of the walking order.
    First,
    /// The rest of it.
    Second,
}

impl Half {
    /// The doors of this half among `n` in walking order: two contiguous halves, fixed by
    /// the route (not by who is visited yet), so the partners never overlap.
    pub fn range(self, n: usize) -> std::ops::Range<usize> {
        let middle = n.div_ceil(2);
        match self {
            Half::Whole => 0..n,
            Half::First => 0..middle,
            Half::Second => middle..n,
        }
    }
}

/// The half chosen per turf (this screen session's choice, kept while the app runs).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TurfHalves(pub std::collections::HashMap<i64, Half>);

/// The half of `turf` this device walks, and the signal to change it.
pub fn use_turf_half(turf: i64) -> (Half, Signal<TurfHalves>) {
    let halves = try_use_context::<Signal<TurfHalves>>()
        .expect("the turf halves signal is missing: render screens inside ui::App");
    let half = halves.read().0.get(&turf).copied().unwrap_or_default();
    (half, halves)
}

/// The services (store, sync).
pub fn use_services() -> Services {
    try_use_context::<Services>()
        .expect("Services missing: render screens inside ui::App, which provides them")
}

/// The live sync status.
pub fn use_sync_status() -> Signal<SyncStatus> {
    try_use_context::<Signal<SyncStatus>>()
        .expect("the sync status signal is missing: render screens inside ui::App")
}

/// The chosen language (write to it to switch).
pub fn use_lang() -> Signal<Lang> {
    try_use_context::<Signal<Lang>>()
        .expect("the language signal is missing: render screens inside ui::App")
}
