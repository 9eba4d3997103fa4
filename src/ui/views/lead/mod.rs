//! The field lead's screens, under `/lead`: progress with charts ([`LeadDashboard`]), the
//! turf map ([`LeadTurfMap`]), volunteers and their devices ([`LeadPeople`]), turf and
//! call-list assignments ([`LeadAssign`]), invite codes ([`LeadInvites`]) and the
//! campaign's data: voter-file import, turf cutting, call lists, scripts ([`LeadData`]).
//!
//! [`LeadLayout`] wraps them all: it lets only a lead or admin device in (the role is in
//! the store's identity; the server refuses everyone else anyway), shows the last fetched
//! figures at once from the local cache with their age, and refreshes them in the
//! background when online. Offline, the cached figures stay readable, marked "You're
//! offline; these figures are from …". Actions (assign, revoke, quarantine, invite) need
//! the server; after one succeeds the figures are fetched again.

mod assign;
pub mod campaign_data;
mod dashboard;
mod invites;
mod people;
mod turf_map;
/// The lead's sentences (in `ui/i18n/lead.rs`, with every other string).
pub use crate::ui::i18n::lead as words;

use std::future::Future;
use std::sync::Arc;

use dioxus::prelude::*;

use crate::store::lead_cache::CachedLead;
use crate::sync::SyncError;
use crate::ui::context::{use_lang, use_services, AppEngine, Services};
use crate::ui::i18n::{Lang, Msg};
use crate::ui::Route;

pub use assign::LeadAssign;
pub use campaign_data::LeadData;
pub use dashboard::LeadDashboard;
pub use invites::LeadInvites;
pub use people::LeadPeople;
pub use turf_map::{turf_maps, LeadTurfMap, TurfMap};

/// Why the latest figures or an action could not be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// No connection to the server.
    Offline,
    /// The server says this device may not (not a lead, or revoked).
    Refused,
    /// The server failed or refused the request; its own sentence.
    Server(String),
}

impl Problem {
    pub fn from_sync(e: &SyncError) -> Problem {
        match e {
            SyncError::Transport(_) => Problem::Offline,
            SyncError::Server {
                status: 401 | 403, ..
            }
            | SyncError::Revoked
            | SyncError::NotJoined => Problem::Refused,
            SyncError::Server { message, .. } => Problem::Server(message.clone()),
            other => Problem::Server(other.to_string()),
        }
    }

    /// What to tell the lead about a failed action.
    pub fn action_text(&self, l: Lang) -> String {
        match self {
            Problem::Offline => l.t(Msg::LeadNeedsConnection).to_owned(),
            Problem::Refused => l.t(Msg::LeadRefused).to_owned(),
            Problem::Server(detail) => format!(
                "{} {}",
                l.t(Msg::LeadNotAccepted),
                words::action_failed(l, detail)
            ),
        }
    }
}

/// The lead screens' shared state, provided by [`LeadLayout`].
#[derive(Clone, Copy)]
pub struct LeadCtx {
    /// The last fetched figures (from the cache at first).
    pub cached: Signal<Option<CachedLead>>,
    /// Why the last refresh failed, if it did.
    pub problem: Signal<Option<Problem>>,
    pub refreshing: Signal<bool>,
    /// The latest refresh asked for: an older one finishing late is ignored.
    pub generation: Signal<u64>,
}

/// The lead screens' state (inside [`LeadLayout`]).
pub fn use_lead() -> LeadCtx {
    try_use_context::<LeadCtx>()
        .expect("the lead screens' state is missing: render them inside LeadLayout")
}

/// Run an engine call on the async runtime (the engine's HTTP and store work need it); the
/// UI's executor just awaits the answer.
async fn on_runtime<T, F>(work: F) -> Result<T, SyncError>
where
    T: Send + 'static,
    F: Future<Output = Result<T, SyncError>> + Send + 'static,
{
    match tokio::runtime::Handle::try_current() {
        Ok(rt) => rt
            .spawn(work)
            .await
            .unwrap_or_else(|e| Err(SyncError::Protocol(format!("a task stopped: {e}")))),
        Err(_) => work.await,
    }
}

/// Fetch the figures again in the background; the screens keep showing the cached ones.
pub fn refresh(ctx: LeadCtx, services: &Services) {
    let LeadCtx {
        mut cached,
        mut problem,
        mut refreshing,
        mut generation,
    } = ctx;
    let Some(engine) = services.sync.engine() else {
        problem.set(Some(Problem::Refused));
        return;
    };
    let mine = *generation.peek() + 1;
    generation.set(mine);
    refreshing.set(true);
    spawn(async move {
        let result = on_runtime(async move { engine.api().refresh_lead().await }).await;
        if *generation.peek() != mine {
            return;
        }
        match result {
            Ok(fresh) => {
                cached.set(Some(fresh));
                problem.set(None);
            }
            Err(e) => {
                tracing::info!(error = %e, "lead figures not refreshed");
                problem.set(Some(Problem::from_sync(&e)));
            }
        }
        refreshing.set(false);
    });
}

/// Run a lead action against the server, then refresh the figures. `Err` says why not.
pub async fn act<F, Fut>(ctx: LeadCtx, services: Services, action: F) -> Result<(), Problem>
where
    F: FnOnce(Arc<AppEngine>) -> Fut,
    Fut: Future<Output = Result<(), SyncError>> + Send + 'static,
{
    let engine = services.sync.engine().ok_or(Problem::Refused)?;
    on_runtime(action(engine))
        .await
        .map_err(|e| Problem::from_sync(&e))?;
    refresh(ctx, &services);
    Ok(())
}

/// `/lead/...`: the gate, the tabs, the figures' age, then the lead screen.
#[component]
pub fn LeadLayout() -> Element {
    let services = use_services();
    let l = use_lang()();
    let is_lead = crate::ui::data::is_lead(&services.store);
    let store = services.store.clone();
    let cached = use_signal(move || {
        if is_lead {
            crate::ui::data::lead_snapshot(&store)
        } else {
            None
        }
    });
    let problem = use_signal(|| None);
    let refreshing = use_signal(|| false);
    let generation = use_signal(|| 0);
    let ctx = use_context_provider(|| LeadCtx {
        cached,
        problem,
        refreshing,
        generation,
    });
    let first = services.clone();
    use_hook(move || {
        if is_lead {
            refresh(ctx, &first);
        }
    });

    if !is_lead {
        return rsx! {
            div { class: "notice lead-only", role: "alert",
                h2 { {l.t(Msg::LeadOnlyTitle)} }
                p { {l.t(Msg::LeadOnlyHelp)} }
                Link { class: "big-button secondary", to: Route::Home {}, {l.t(Msg::BackToTurfs)} }
            }
        };
    }

    let now = services.store.now_ms();
    let fetched = cached.read().as_ref().map(|c| c.fetched_at);
    let (line, class) = match (problem(), fetched) {
        (_, _) if refreshing() => (l.t(Msg::LeadRefreshing).to_owned(), "lead-status busy"),
        (Some(Problem::Offline), Some(at)) => {
            (words::offline_figures(l, now, at), "lead-status offline")
        }
        (Some(Problem::Offline), None) => (
            l.t(Msg::LeadNoFiguresOffline).to_owned(),
            "lead-status offline",
        ),
        (Some(Problem::Refused), _) => (l.t(Msg::LeadRefused).to_owned(), "lead-status problem"),
        (Some(Problem::Server(_)), Some(at)) => (
            format!(
                "{} {}",
                l.t(Msg::LeadServerTrouble),
                words::figures_from(l, now, at)
            ),
            "lead-status problem",
        ),
        (Some(Problem::Server(_)), None) => (
            l.t(Msg::LeadServerTrouble).to_owned(),
            "lead-status problem",
        ),
        (None, Some(at)) => (words::figures_from(l, now, at), "lead-status fresh"),
        (None, None) => (l.t(Msg::LeadRefreshing).to_owned(), "lead-status busy"),
    };
    let again = services.clone();
    rsx! {
        section { class: "lead", "aria-labelledby": "lead-title",
            h2 { id: "lead-title", {l.t(Msg::LeadTitle)} }
            nav { class: "lead-tabs", "aria-label": l.t(Msg::LeadNav),
                Link { to: Route::LeadDashboard {}, active_class: "active", {l.t(Msg::LeadTabDashboard)} }
                Link { to: Route::LeadTurfMap {}, active_class: "active", {l.t(Msg::LeadTabMap)} }
                Link { to: Route::LeadPeople {}, active_class: "active", {l.t(Msg::LeadTabPeople)} }
                Link { to: Route::LeadAssign {}, active_class: "active", {l.t(Msg::LeadTabAssign)} }
                Link { to: Route::LeadInvites {}, active_class: "active", {l.t(Msg::LeadTabInvites)} }
                Link { to: Route::LeadData {}, active_class: "active", {l.t(Msg::LeadTabData)} }
            }
            div { class: "{class}", role: "status", id: "lead-status",
                span { class: "lead-age", "{line}" }
                button {
                    class: "link-button",
                    id: "lead-refresh",
                    r#type: "button",
                    disabled: refreshing(),
                    onclick: move |_| refresh(ctx, &again),
                    {l.t(Msg::LeadRefresh)}
                }
            }
            Outlet::<Route> {}
        }
    }
}
