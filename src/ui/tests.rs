//! Headless UI tests: the real [`App`] in a `VirtualDom` over a real store on a temporary
//! SQLite file (filled the way a pull fills it), rendered to HTML with `dioxus::ssr`.
//! Each screen is checked empty, loading, offline, in error and full, in both languages,
//! and a double tap on Save is driven through the event system.

use std::any::Any;
use std::path::Path;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use dioxus::core::{AttributeValue, ElementId, Mutation};
use dioxus::history::{History, MemoryHistory};
use dioxus::prelude::*;
use groundgame_core::event::Channel;
use groundgame_core::protocol::{PullResponse, ScopePage};
use groundgame_core::{
    CampaignConfig, CampaignId, DeviceId, EventBody, Hlc, Household, HouseholdId, Person, PersonId,
    Role, Turf, TurfId, VolunteerId,
};

use crate::clock::fixed_clock;
use crate::store::{Identity, Store};
use crate::sync::{SyncState, SyncStatus};
use crate::ui::i18n::{Lang, Msg};
use crate::ui::{App, Services};

mod calls;
mod door_script;
mod lead;
mod link_device;
mod network;

const T0: u64 = 1_800_000_000_000;

fn household(id: i64, street: &str, number: u32, walk_order: u32) -> Household {
    Household {
        id: HouseholdId(id),
        turf: TurfId(1),
        street: street.into(),
        number: number.to_string(),
        unit: String::new(),
        city: "Durham".into(),
        zip: "27701".into(),
        lat: None,
        lon: None,
        walk_order,
    }
}

fn person(household: i64, first: &str, last: &str) -> Person {
    Person {
        id: PersonId::new_v7(),
        household: HouseholdId(household),
        source_id: format!("NC{household}{first}"),
        first_name: first.into(),
        last_name: last.into(),
        birth_year: Some(1980),
        party: None,
        phone: None,
        language: Some("es".into()),
    }
}

/// An empty page of turf 1 ("Walnut North") at `cursor`: fill in what it brings.
fn walnut_page(cursor: u64, household_total: u32) -> ScopePage {
    ScopePage {
        turf: Turf {
            id: TurfId(1),
            campaign: CampaignId(1),
            name: "Walnut North".into(),
        },
        cursor,
        complete: true,
        household_total,
        households: Vec::new(),
        people: Vec::new(),
        events: Vec::new(),
        removed_households: Vec::new(),
        removed_people: Vec::new(),
        removed_events: Vec::new(),
        map: None,
    }
}

/// A store that joined campaign 1; with `households`, it holds turf 1 ("Walnut North").
fn store(dir: &Path, households: Vec<Household>, people: Vec<Person>) -> Arc<Store> {
    let store = Store::open(&dir.join("device.sqlite"), fixed_clock(T0)).expect("open store");
    store
        .save_registration(
            &Identity {
                device: DeviceId(1),
                volunteer: VolunteerId(1),
                campaign: CampaignId(1),
                role: Role::Volunteer,
                // Nothing listens here: a sync attempt fails fast as "no connection".
                server_url: "http://127.0.0.1:9".into(),
            },
            "test-token",
            Hlc::new(T0, 0),
        )
        .expect("register");
    let scopes = if households.is_empty() {
        Vec::new()
    } else {
        vec![ScopePage {
            turf: Turf {
                id: TurfId(1),
                campaign: CampaignId(1),
                name: "Walnut North".into(),
            },
            cursor: 1,
            complete: true,
            household_total: households.len() as u32,
            households,
            people,
            events: Vec::new(),
            removed_households: Vec::new(),
            removed_people: Vec::new(),
            removed_events: Vec::new(),
            map: None,
        }]
    };
    store
        .apply_pull(&PullResponse {
            server_time: Hlc::new(T0, 0),
            campaign: CampaignConfig::with_defaults(CampaignId(1), "Test campaign"),
            scopes,
            removed: Vec::new(),
            has_more: false,
        })
        .expect("pull");
    Arc::new(store)
}

/// Three doors on two streets; Ana and Luis live at the first.
fn small_turf(dir: &Path) -> (Arc<Store>, Person) {
    let ana = person(1, "Ana", "García");
    let luis = person(1, "Luis", "García");
    let store = store(
        dir,
        vec![
            household(1, "Elm St", 10, 1),
            household(2, "Elm St", 12, 2),
            household(3, "Oak Ave", 5, 3),
        ],
        vec![ana.clone(), luis],
    );
    (store, ana)
}

/// An in-memory history that tells the router when it moved, as the platforms' histories
/// do (`MemoryHistory` alone leaves the router unaware of a push).
struct TestHistory {
    memory: MemoryHistory,
    updater: std::cell::RefCell<Option<Arc<dyn Fn() + Send + Sync>>>,
}

impl TestHistory {
    fn moved(&self) {
        if let Some(update) = self.updater.borrow().clone() {
            update();
        }
    }
}

impl History for TestHistory {
    fn current_route(&self) -> String {
        self.memory.current_route()
    }
    fn go_back(&self) {
        self.memory.go_back();
        self.moved();
    }
    fn go_forward(&self) {
        self.memory.go_forward();
        self.moved();
    }
    fn push(&self, route: String) {
        self.memory.push(route);
        self.moved();
    }
    fn replace(&self, path: String) {
        self.memory.replace(path);
        self.moved();
    }
    fn updater(&self, callback: Arc<dyn Fn() + Send + Sync>) {
        *self.updater.borrow_mut() = Some(callback);
    }
}

struct Harness {
    rt: tokio::runtime::Runtime,
    dom: VirtualDom,
    services: Services,
    /// Every mutation so far (for finding elements and their listeners).
    edits: Vec<Mutation>,
}

impl Harness {
    fn new(store: Arc<Store>, path: &str, lang: Lang) -> Harness {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let mut services = Services::new(store, false, "Test");
        services.lang = lang;
        let history: Rc<dyn History> = Rc::new(TestHistory {
            memory: MemoryHistory::with_initial_path(path),
            updater: Default::default(),
        });
        let mut dom = VirtualDom::new(App)
            .with_root_context(services.clone())
            .with_root_context(history);
        let edits = {
            let _guard = rt.enter();
            dom.rebuild_to_vec().edits
        };
        Harness {
            rt,
            dom,
            services,
            edits,
        }
    }

    fn html(&self) -> String {
        dioxus::ssr::render(&self.dom)
    }

    /// Let resources and the status feed finish, rendering as they do.
    fn settle(&mut self) -> String {
        let Harness { rt, dom, edits, .. } = self;
        rt.block_on(async {
            for _ in 0..20 {
                if tokio::time::timeout(Duration::from_millis(40), dom.wait_for_work())
                    .await
                    .is_err()
                {
                    break;
                }
                edits.extend(dom.render_immediate_to_vec().edits);
            }
        });
        self.html()
    }

    fn set_lang(&mut self, lang: Lang) -> String {
        self.dom
            .in_scope(ScopeId::APP, || consume_context::<Signal<Lang>>().set(lang));
        self.settle()
    }

    /// The element carrying attribute `name` = `value` (the latest one made).
    fn element(&self, name: &str, value: &str) -> ElementId {
        self.edits
            .iter()
            .rev()
            .find_map(|m| match m {
                Mutation::SetAttribute {
                    name: n,
                    value: AttributeValue::Text(v),
                    id,
                    ..
                } if *n == name && v == value => Some(*id),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no element with {name}={value}"))
    }

    /// Type `text` into the input or textarea `id` (one "input" event with the new value).
    fn type_into(&mut self, id: ElementId, text: &str) {
        assert!(
            self.edits.iter().any(|m| matches!(
                m,
                Mutation::NewEventListener { name, id: l } if name == "input" && *l == id
            )),
            "element {id:?} has no input listener"
        );
        let data = dioxus::html::PlatformEventData::new(Box::new(
            dioxus::html::SerializedFormData::new(text.to_owned(), Vec::new()),
        ));
        let event = dioxus::core::Event::new(Rc::new(data) as Rc<dyn Any>, true);
        let _guard = self.rt.enter();
        self.dom.runtime().handle_event("input", event, id);
    }

    /// The elements given an "input" listener after edit number `since`, in page order.
    fn inputs_since(&self, since: usize) -> Vec<ElementId> {
        self.edits[since..]
            .iter()
            .filter_map(|m| match m {
                Mutation::NewEventListener { name, id } if name == "input" => Some(*id),
                _ => None,
            })
            .collect()
    }

    fn click(&mut self, id: ElementId) {
        assert!(
            self.edits.iter().any(|m| matches!(
                m,
                Mutation::NewEventListener { name, id: l } if name == "click" && *l == id
            )),
            "element {id:?} has no click listener"
        );
        let data = dioxus::html::PlatformEventData::new(
            Box::<dioxus::html::SerializedMouseData>::default(),
        );
        let event = dioxus::core::Event::new(Rc::new(data) as Rc<dyn Any>, true);
        let _guard = self.rt.enter();
        self.dom.runtime().handle_event("click", event, id);
    }
}

fn events_converter() {
    dioxus::html::set_event_converter(Box::new(dioxus::html::SerializedHtmlEventConverter));
}

fn talked(store: &Store, household: i64, who: PersonId) {
    store
        .record_visit(
            HouseholdId(household),
            vec![(
                Some(who),
                EventBody::Contact {
                    channel: Channel::Door,
                    result: "talked".into(),
                    call_back_at: None,
                },
            )],
        )
        .expect("record");
}

#[test]
fn start_shows_join_until_the_device_joined_in_both_languages() {
    let dir = tempfile::tempdir().expect("tempdir");
    let blank =
        Arc::new(Store::open(&dir.path().join("blank.sqlite"), fixed_clock(T0)).expect("open"));
    let mut h = Harness::new(blank, "/", Lang::En);
    let html = h.settle();
    assert!(html.contains(Lang::En.t(Msg::JoinTitle)), "{html}");
    assert!(html.contains(Lang::En.t(Msg::InviteCode)));
    assert!(
        html.contains(Lang::En.t(Msg::NotJoined)),
        "sync bar: {html}"
    );
    let html = h.set_lang(Lang::Es);
    assert!(html.contains("Únase a su campaña"), "{html}");
    assert!(html.contains("Código de invitación"));
    assert!(!html.contains(Lang::En.t(Msg::JoinTitle)));

    let (joined, _) = small_turf(&dir.path().join("joined").tap_mkdir());
    let mut h = Harness::new(joined, "/", Lang::En);
    let html = h.settle();
    assert!(html.contains(Lang::En.t(Msg::MyTurfs)), "{html}");
    assert!(html.contains("Walnut North"));
}

trait TapMkdir {
    fn tap_mkdir(self) -> Self;
}
impl TapMkdir for std::path::PathBuf {
    fn tap_mkdir(self) -> Self {
        std::fs::create_dir_all(&self).expect("mkdir");
        self
    }
}

#[test]
fn home_loading_then_full_with_progress_in_both_languages() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, ana) = small_turf(dir.path());
    talked(&store, 1, ana.id);
    let mut h = Harness::new(store, "/home", Lang::En);
    let first = h.html();
    assert!(
        first.contains(Lang::En.t(Msg::Loading)) || first.contains("Walnut North"),
        "{first}"
    );
    let html = h.settle();
    assert!(html.contains("Walnut North"), "{html}");
    assert!(html.contains("1 of 3 doors done"), "{html}");
    assert!(html.contains("1 record waiting to sync"), "{html}");
    assert!(html.contains("role=\"progressbar\""));
    let html = h.set_lang(Lang::Es);
    assert!(html.contains("1 de 3 casas hechas"), "{html}");
    assert!(html.contains("Mis zonas"));
    assert!(html.contains("1 registro por sincronizar"));
}

#[test]
fn home_empty_says_what_to_do() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = store(dir.path(), Vec::new(), Vec::new());
    let mut h = Harness::new(store, "/home", Lang::En);
    let html = h.settle();
    assert!(html.contains(Lang::En.t(Msg::NoTurfsYet)), "{html}");
    assert!(html.contains(Lang::En.t(Msg::NoTurfsHelp)));
}

#[test]
fn sync_bar_shows_offline_errors_and_download_progress() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, _) = small_turf(dir.path());
    let mut h = Harness::new(store, "/home", Lang::En);
    h.settle();
    let mut offline = SyncStatus::new(SyncState::Offline, 3, 0);
    offline.last_error = Some("no connection to the campaign server (timed out)".into());
    offline.last_success_ms = Some(T0 - 10 * 60_000);
    h.services.sync.publish(offline);
    let html = h.settle();
    assert!(html.contains("Offline"), "{html}");
    assert!(html.contains("3 records waiting to sync"));
    assert!(html.contains("Last synced 10 min ago"));
    assert!(html.contains(Lang::En.t(Msg::OfflineHelp)));
    // The technical reason is folded away under the plain help, not shown as the message.
    assert!(!html.contains("sync-error"), "{html}");
    let detail = html
        .split("<details class=\"sync-detail\">")
        .nth(1)
        .expect("technical details present");
    assert!(detail.contains(Lang::En.t(Msg::TechnicalDetails)));
    assert!(detail.contains("no connection to the campaign server (timed out)"));
    let html = h.set_lang(Lang::Es);
    assert!(html.contains("Sin conexión"), "{html}");
    assert!(html.contains(Lang::Es.t(Msg::OfflineHelp)));
    assert!(html.contains(Lang::Es.t(Msg::TechnicalDetails)));

    let mut revoked = SyncStatus::new(SyncState::Revoked, 0, 2);
    revoked.last_error = Some("a lead signed this device out".into());
    revoked.download = Some((120, 2000));
    h.services.sync.publish(revoked);
    let html = h.settle();
    assert!(html.contains(Lang::Es.t(Msg::RevokedHelp)), "{html}");
    assert!(html.contains("2 rechazados por el servidor"));
    assert!(html.contains("120 de 2000 casas descargadas"));
    assert!(html.contains("aria-valuenow=\"120\""));

    // A download stopped half-way by the signal says it waits and will pick up again.
    let mut paused = SyncStatus::new(SyncState::Offline, 0, 0);
    paused.last_error = Some("no connection to the campaign server (reset)".into());
    paused.download = Some((400, 1000));
    h.services.sync.publish(paused);
    let html = h.settle();
    assert!(html.contains(Lang::Es.t(Msg::DownloadPaused)), "{html}");
    assert!(html.contains("400 de 1000 casas descargadas"), "{html}");
    let html = h.set_lang(Lang::En);
    assert!(html.contains(Lang::En.t(Msg::DownloadPaused)), "{html}");
    assert!(!html.contains(Lang::En.t(Msg::Downloading)), "{html}");
}

#[test]
fn walk_list_groups_streets_filters_and_handles_two_thousand_doors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let households: Vec<_> = (1..=2000)
        .map(|i| {
            let street = if i <= 1200 { "Elm St" } else { "Oak Ave" };
            household(i, street, i as u32 * 2, i as u32)
        })
        .collect();
    let ana = person(1, "Ana", "García");
    let store = store(dir.path(), households, vec![ana.clone()]);
    talked(&store, 1, ana.id);
    store
        .record(
            HouseholdId(2),
            None,
            EventBody::Contact {
                channel: Channel::Door,
                result: "come_back".into(),
                call_back_at: None,
            },
        )
        .expect("record");
    // How fast is `cargo bench --bench ui`'s business ("start to a usable walk list of
    // 2,000 doors"); this checks what is shown.
    let mut h = Harness::new(store, "/turf/1", Lang::En);
    let html = h.settle();
    assert!(
        html.contains("2000 doors"),
        "{}",
        &html[..html.len().min(3000)]
    );
    assert!(html.contains("Elm St") && html.contains("Oak Ave"));
    assert!(html.contains("Talked") && html.contains("Come back"));

    use crate::ui::views::{visible_groups, Filter};
    let rows = crate::ui::data::walk_rows(&h.services.store, TurfId(1)).expect("rows");
    let count = |f: Filter, s: &str| -> usize {
        visible_groups(&rows, f, s).iter().map(|g| g.1.len()).sum()
    };
    assert_eq!(count(Filter::NotVisited, ""), 1998);
    assert_eq!(count(Filter::ComeBack, ""), 1);
    assert_eq!(count(Filter::All, "oak"), 800);
    assert_eq!(count(Filter::All, "2400"), 1);
    let groups = visible_groups(&rows, Filter::All, "");
    assert_eq!(groups.len(), 2, "one group per street");

    let html = h.set_lang(Lang::Es);
    assert!(
        html.contains("2000 casas"),
        "{}",
        &html[..html.len().min(3000)]
    );
    assert!(html.contains("Conversamos"));
}

#[test]
fn walk_list_of_a_turf_not_on_this_phone_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, _) = small_turf(dir.path());
    let mut h = Harness::new(store, "/turf/99", Lang::En);
    let html = h.settle();
    assert!(html.contains(Lang::En.t(Msg::TurfNotFound)), "{html}");
}

#[test]
fn door_shows_people_results_by_level_and_history_in_both_languages() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, ana) = small_turf(dir.path());
    talked(&store, 1, ana.id);
    let mut h = Harness::new(store, "/turf/1/door/1", Lang::En);
    let html = h.settle();
    assert!(html.contains("10 Elm St"), "{html}");
    assert!(html.contains("Ana García") && html.contains("Luis García"));
    for text in [
        "The building",
        "The door",
        "The person",
        "Not home",
        "Building inaccessible",
    ] {
        assert!(html.contains(text), "missing {text}: {html}");
    }
    assert!(
        !html.contains("Wrong number"),
        "phone-only codes stay off the door screen"
    );
    assert!(html.contains("Talked — Ana García"), "history: {html}");
    assert!(html.contains(Lang::En.t(Msg::Save)));
    let html = h.set_lang(Lang::Es);
    assert!(
        html.contains("No está en casa") && html.contains("Edificio inaccesible"),
        "{html}"
    );
    assert!(html.contains("Guardar y siguiente casa"));
    assert!(html.contains("Conversamos — Ana García"));
}

#[test]
fn door_history_shows_teammates_notes_with_their_attempt() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, ana) = small_turf(dir.path());
    let knock = store
        .record(
            HouseholdId(1),
            Some(ana.id),
            EventBody::Contact {
                channel: Channel::Door,
                result: "talked".into(),
                call_back_at: None,
            },
        )
        .expect("record");
    store
        .record(
            HouseholdId(1),
            Some(ana.id),
            EventBody::Note {
                attempt: Some(knock.id),
                text: "Dog in the yard <be careful>".into(),
            },
        )
        .expect("note");
    store
        .record(
            HouseholdId(1),
            None,
            EventBody::Note {
                attempt: None,
                text: "Side door only".into(),
            },
        )
        .expect("note");
    let mut h = Harness::new(store, "/turf/1/door/1", Lang::En);
    let html = h.settle();
    let history = html
        .split("id=\"history-title\"")
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .expect("history section");
    assert!(history.contains("Talked — Ana García"), "{history}");
    assert!(
        history.contains("Dog in the yard &#60;be careful&#62;"),
        "{history}"
    );
    assert!(history.contains("Note"), "{history}");
    assert!(history.contains("Side door only"), "{history}");
    let html = h.set_lang(Lang::Es);
    assert!(html.contains("Nota"), "{html}");
}

#[test]
fn door_missing_says_go_back_and_loading_comes_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, _) = small_turf(dir.path());
    let mut h = Harness::new(store, "/turf/1/door/404", Lang::Es);
    let html = h.settle();
    assert!(html.contains(Lang::Es.t(Msg::DoorNotFound)), "{html}");
}

#[test]
fn saving_without_a_result_explains_and_records_nothing() {
    events_converter();
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, _) = small_turf(dir.path());
    let mut h = Harness::new(store.clone(), "/turf/1/door/1", Lang::En);
    h.settle();
    let save = h.element("id", "save-visit");
    h.click(save);
    let html = h.settle();
    assert!(html.contains(Lang::En.t(Msg::NeedResult)), "{html}");
    assert_eq!(store.pending_count().expect("pending"), 0);

    // A person-level result needs someone chosen.
    let talked = h.element("data-key", "talked");
    h.click(talked);
    h.settle();
    h.click(save);
    let html = h.settle();
    assert!(html.contains(Lang::En.t(Msg::NeedPerson)), "{html}");
    assert_eq!(store.pending_count().expect("pending"), 0);
}

#[test]
fn a_double_tap_on_save_records_one_visit_and_moves_to_the_next_door() {
    events_converter();
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, _) = small_turf(dir.path());
    let mut h = Harness::new(store.clone(), "/turf/1/door/1", Lang::En);
    h.settle();
    let not_home = h.element("data-key", "not_home");
    h.click(not_home);
    h.settle();
    let save = h.element("id", "save-visit");
    h.click(save);
    h.click(save);
    let html = h.settle();
    let events = store.household_events(HouseholdId(1)).expect("events");
    assert_eq!(events.len(), 1, "one visit, one contact event: {events:?}");
    assert!(matches!(&events[0].body, EventBody::Contact { result, .. } if result == "not_home"));
    assert_eq!(store.pending_count().expect("pending"), 1);
    // The next door in walking order is on screen, with a fresh form.
    assert!(html.contains("12 Elm St"), "{html}");
    assert!(html.contains("1 record waiting to sync"), "{html}");
    assert!(
        !html.contains("aria-pressed=\"true\""),
        "form carried over: {html}"
    );
}

#[test]
fn a_full_conversation_is_one_transaction_of_linked_events() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, ana) = small_turf(dir.path());
    let config = store.campaign().expect("campaign").expect("config");
    let form = crate::ui::views::VisitForm {
        answered: Some(ana.id),
        result: Some("talked".into()),
        support: Some("1".into()),
        pledged: true,
        plan: groundgame_core::event::VotePlan {
            when: "early, Saturday".into(),
            place: " library ".into(),
            how: "walking".into(),
        },
        volunteer: Some(groundgame_core::event::AskAnswer::Yes),
        donate: Some(groundgame_core::event::AskAnswer::Maybe),
        note: "  Ask about the bus  ".into(),
        ..Default::default()
    };
    let items = crate::ui::views::visit_events(&form, &config).expect("complete form");
    assert_eq!(items.len(), 6);
    let recorded = store.record_visit(HouseholdId(1), items).expect("record");
    assert_eq!(recorded.len(), 6);
    assert!(recorded.iter().all(|e| e.person == Some(ana.id)));

    let not_home = crate::ui::views::VisitForm {
        result: Some("not_home".into()),
        ..Default::default()
    };
    let items = crate::ui::views::visit_events(&not_home, &config).expect("door level");
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].0, None);
}

#[test]
fn join_errors_are_classified_and_explained_in_both_languages() {
    use crate::sync::{SyncError, TransportError};
    use crate::ui::context::JoinError;
    let server = |code: &str| SyncError::Server {
        status: 403,
        code: code.into(),
        message: String::new(),
        retry_after: None,
    };
    assert_eq!(
        JoinError::from_sync(&server("invite_invalid")),
        JoinError::WrongCode
    );
    assert_eq!(
        JoinError::from_sync(&server("invite_expired")),
        JoinError::ExpiredCode
    );
    assert_eq!(
        JoinError::from_sync(&server("invite_used_up")),
        JoinError::ExpiredCode
    );
    assert_eq!(
        JoinError::from_sync(&SyncError::Transport(TransportError("refused".into()))),
        JoinError::NoConnection
    );
    assert!(JoinError::NoConnection.retryable());
    assert!(!JoinError::WrongCode.retryable());
    assert!(Lang::Es
        .t(JoinError::ExpiredCode.message())
        .contains("nuevo"));

    // A real attempt against a port nobody listens on.
    let dir = tempfile::tempdir().expect("tempdir");
    let blank = Arc::new(Store::open(&dir.path().join("b.sqlite"), fixed_clock(T0)).expect("open"));
    let services = Services::new(blank, false, "Test");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let missing = rt.block_on(services.sync.join("http://127.0.0.1:9", "", "Ana", "Test"));
    assert_eq!(missing, Err(JoinError::MissingFields));
    let bad = rt.block_on(services.sync.join("ftp://x", "CODE", "Ana", "Test"));
    assert_eq!(bad, Err(JoinError::BadAddress));
    // Plain http to another machine would carry the token in the clear: "use https://".
    let open = rt.block_on(
        services
            .sync
            .join("http://field.example.org", "CODE", "Ana", "Test"),
    );
    assert_eq!(open, Err(JoinError::BadAddress));
    let offline = rt.block_on(
        services
            .sync
            .join("http://127.0.0.1:9", "CODE", "Ana", "Test"),
    );
    assert_eq!(offline, Err(JoinError::NoConnection));
    assert!(!services.joined());
}

#[test]
fn leaving_a_door_unsaved_and_coming_back_keeps_the_form() {
    events_converter();
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, _) = small_turf(dir.path());
    let mut h = Harness::new(store.clone(), "/turf/1/door/1", Lang::En);
    h.settle();
    let come_back = h.element("data-key", "come_back");
    h.click(come_back);
    h.settle();
    // Back to the walk list (the Link's click), then into the same door again.
    let back = h.element("href", "/turf/1");
    h.click(back);
    let html = h.settle();
    assert!(html.contains(Lang::En.t(Msg::FilterNotVisited)), "{html}");
    let door = h.element("href", "/turf/1/door/1");
    h.click(door);
    let html = h.settle();
    assert!(html.contains("10 Elm St"), "{html}");
    assert!(
        html.contains(r#"data-key="come_back" aria-pressed="true""#),
        "the unsaved choice was lost: {html}"
    );
    assert_eq!(
        store.pending_count().expect("pending"),
        0,
        "nothing saved yet"
    );
}

#[test]
fn a_door_draft_survives_the_app_closing_and_is_cleared_by_one_save() {
    events_converter();
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, ana) = small_turf(dir.path());
    let mut h = Harness::new(store, "/turf/1/door/1", Lang::En);
    h.settle();
    let note = h.inputs_since(0);
    assert_eq!(note.len(), 1, "only the note takes typing at first");
    h.type_into(note[0], "Ring twice");
    h.settle();
    let ana_button = h.element("id", &format!("person-{}", ana.id));
    h.click(ana_button);
    h.settle();
    let talked = h.element("data-key", "talked");
    h.click(talked);
    h.settle();
    let leaning = h.element("data-support", "2");
    h.click(leaning);
    h.settle();
    let mark = h.edits.len();
    let someone_new = h.element("id", "someone-new");
    h.click(someone_new);
    h.settle();
    let new_person = h.inputs_since(mark);
    assert_eq!(new_person.len(), 2, "first and last name");
    h.type_into(new_person[0], "Rosa");
    let html = h.settle();
    assert!(html.contains(r#"value="Rosa""#), "{html}");
    assert_eq!(h.services.store.pending_count().expect("pending"), 0);

    // The app is closed: the window, the services and the store all go.
    drop(h);
    let store =
        Arc::new(Store::open(&dir.path().join("device.sqlite"), fixed_clock(T0)).expect("reopen"));
    assert!(store.draft(HouseholdId(1)).expect("draft").is_some());
    let mut h = Harness::new(store.clone(), "/turf/1/door/1", Lang::En);
    let html = h.settle();
    assert!(html.contains("10 Elm St"), "{html}");
    for restored in [
        r#"data-key="talked" aria-pressed="true""#,
        r#"data-support="2" aria-pressed="true""#,
        "Ring twice",
        r#"value="Rosa""#,
    ] {
        assert!(html.contains(restored), "{restored} was lost: {html}");
    }
    assert!(
        html.contains(&format!(
            r#"id="person-{}" class="choice selected""#,
            ana.id
        )),
        "who answered was lost: {html}"
    );

    // Saving (with a double tap) records one visit and clears the draft.
    let save = h.element("id", "save-visit");
    h.click(save);
    h.click(save);
    let html = h.settle();
    let events = store.household_events(HouseholdId(1)).expect("events");
    assert_eq!(events.len(), 3, "contact, support, note: {events:?}");
    assert!(matches!(&events[0].body, EventBody::Contact { result, .. } if result == "talked"));
    assert!(events.iter().all(|e| e.person == Some(ana.id)));
    assert!(events
        .iter()
        .any(|e| matches!(&e.body, EventBody::Note { text, .. } if text == "Ring twice")));
    assert_eq!(store.pending_count().expect("pending"), 3);
    assert!(html.contains("12 Elm St"), "{html}");
    assert_eq!(store.draft(HouseholdId(1)).expect("draft"), None);
    assert_eq!(
        store.draft_count().expect("drafts"),
        0,
        "drafts never linger"
    );

    // The saved door opens empty again.
    drop(h);
    let mut h = Harness::new(store, "/turf/1/door/1", Lang::En);
    let html = h.settle();
    assert!(!html.contains("aria-pressed=\"true\""), "{html}");
    // The note is the saved visit's now (in the history), no longer in the form.
    assert!(
        html.contains("<textarea id=\"note\" rows=\"3\" value=\"\">"),
        "{html}"
    );
    assert!(
        html.contains("<q class=\"history-note\">Ring twice</q>"),
        "{html}"
    );
}

#[test]
fn the_walk_list_opens_its_paper_copy_in_both_languages() {
    events_converter();
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, ana) = small_turf(dir.path());
    let mut intruder = person(2, "<script>alert('x')</script>", "Smith");
    intruder.party = Some("DEM".into());
    store
        .apply_pull(&PullResponse {
            server_time: Hlc::new(T0, 0),
            campaign: CampaignConfig::with_defaults(CampaignId(1), "Test campaign"),
            scopes: vec![ScopePage {
                people: vec![intruder],
                ..walnut_page(2, 3)
            }],
            removed: Vec::new(),
            has_more: false,
        })
        .expect("pull");
    talked(&store, 1, ana.id);
    let mut h = Harness::new(store, "/turf/1", Lang::En);
    let html = h.settle();
    assert!(html.contains(Lang::En.t(Msg::PrintWalkList)), "{html}");
    let print = h.element("href", "/turf/1/print");
    h.click(print);
    let html = h.settle();
    assert!(html.contains(Lang::En.t(Msg::PrintTitle)), "{html}");
    assert!(html.contains("id=\"print-frame\""), "{html}");
    // The frame holds the whole document (itself rendered by dioxus-ssr, numeric entities),
    // escaped once more for the attribute: the name from the voter file is text inside it,
    // never markup.
    assert!(html.contains("srcdoc=\"&#60;!DOCTYPE html&#62;"), "{html}");
    assert!(!html.contains("<script>"), "{html}");
    assert!(
        html.contains("&#38;#60;script&#38;#62;alert(&#38;#39;x&#38;#39;)"),
        "{html}"
    );
    assert!(html.contains("Walnut North") && html.contains("3 doors"));
    assert!(html.contains("Ana García · Age"), "{html}");
    assert!(
        html.contains("Talked · Tried once"),
        "status from the fold: {html}"
    );

    // No printer behind a headless render: the screen says what to do instead.
    let print_now = h.element("id", "print-now");
    h.click(print_now);
    let html = h.settle();
    assert!(html.contains(Lang::En.t(Msg::PrintNotAvailable)), "{html}");
    let save = h.element("id", "save-print");
    h.click(save);
    let html = h.settle();
    assert!(html.contains(Lang::En.t(Msg::SavedAsFile)), "{html}");
    let saved: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("walk-list-1-"))
        .collect();
    assert_eq!(saved.len(), 1, "one file in the data folder");
    let file = std::fs::read_to_string(saved[0].path()).expect("read");
    assert!(file.starts_with("<!DOCTYPE html>") && !file.contains("<script>"));

    let html = h.set_lang(Lang::Es);
    assert!(html.contains(Lang::Es.t(Msg::PrintTitle)), "{html}");
    assert!(html.contains("lang=&#34;es&#34;"), "{html}");
    assert!(html.contains("3 casas") && html.contains("Conversamos · Un intento"));
    assert!(html.contains(Lang::Es.t(Msg::PrintNow)));
}

#[test]
fn the_map_draws_the_turfs_streets_and_doors_from_the_phone_and_a_door_opens_when_tapped() {
    events_converter();
    let dir = tempfile::tempdir().expect("tempdir");
    let at = |mut h: Household, lat: f64, lon: f64| {
        h.lat = Some(lat);
        h.lon = Some(lon);
        h
    };
    let ana = person(1, "Ana", "García");
    let store = store(
        dir.path(),
        vec![
            at(household(1, "Elm St", 10, 1), 35.7799, -78.6396),
            at(household(2, "Elm St", 12, 2), 35.7799, -78.6392),
            household(3, "Oak Ave", 5, 3),
        ],
        vec![ana.clone()],
    );
    // No streets yet: the doors are drawn, and the screen says the streets come later.
    let mut h = Harness::new(store.clone(), "/turf/1/map", Lang::En);
    let html = h.settle();
    assert!(html.contains("data-household=\"1\""), "{html}");
    assert!(html.contains("data-household=\"2\""), "{html}");
    assert!(
        !html.contains("data-household=\"3\""),
        "no place, no dot: {html}"
    );
    assert!(html.contains("id=\"map-no-streets\""), "{html}");
    assert!(!html.contains("map-street"), "{html}");

    // The turf's map arrives with a sync: its streets are drawn under the doors.
    let line = |points: &[(f64, f64)]| {
        groundgame_core::map::encode_line(
            &points
                .iter()
                .map(|&(a, b)| groundgame_core::map::GeoPoint::new(a, b))
                .collect::<Vec<_>>(),
        )
    };
    store
        .apply_pull(&PullResponse {
            server_time: Hlc::new(T0, 0),
            campaign: CampaignConfig::with_defaults(CampaignId(1), "Test campaign"),
            scopes: vec![ScopePage {
                map: Some(groundgame_core::protocol::TurfMap {
                    tag: 5,
                    names: vec!["Elm Street".into(), "Main Street".into()],
                    lines: vec![
                        groundgame_core::protocol::MapLine {
                            name: 0,
                            arterial: false,
                            points: line(&[(35.7800, -78.6400), (35.7800, -78.6380)]),
                        },
                        groundgame_core::protocol::MapLine {
                            name: 1,
                            arterial: true,
                            points: line(&[(35.7790, -78.6400), (35.7810, -78.6400)]),
                        },
                    ],
                }),
                ..walnut_page(1, 3)
            }],
            removed: Vec::new(),
            has_more: false,
        })
        .expect("the map");
    talked(&store, 1, ana.id);
    let mut h = Harness::new(store.clone(), "/turf/1/map", Lang::Es);
    let html = h.settle();
    assert_eq!(html.matches("class=\"map-street\"").count(), 1, "{html}");
    assert_eq!(
        html.matches("class=\"map-street arterial\"").count(),
        1,
        "{html}"
    );
    assert!(!html.contains("id=\"map-no-streets\""), "{html}");
    assert!(html.contains(Lang::Es.t(Msg::MapTitle)), "{html}");
    assert!(html.contains(Lang::Es.t(Msg::LocationPrivate)), "{html}");
    // Teammates' and my knocks colour the doors: 10 Elm talked, 12 Elm not yet.
    assert!(html.contains("map-dot contacted tappable"), "{html}");
    assert!(html.contains("map-dot not-visited tappable"), "{html}");
    // Here there is no location service: the map says so, and works all the same.
    assert!(html.contains(Lang::Es.t(Msg::LocationOff)), "{html}");

    let door = h.element("data-household", "2");
    h.click(door);
    let html = h.settle();
    assert!(html.contains("12"), "{html}");
    assert!(
        !html.contains("class=\"walk-map\""),
        "the door opened: {html}"
    );

    // The walk list opens the map.
    let mut h = Harness::new(store, "/turf/1", Lang::En);
    let html = h.settle();
    assert!(html.contains("href=\"/turf/1/map\""), "{html}");
    assert!(html.contains(Lang::En.t(Msg::OpenMap)), "{html}");
}

#[test]
fn the_walk_list_names_who_lives_at_each_door_with_their_age_and_latest_support() {
    events_converter();
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, ana) = small_turf(dir.path());
    talked(&store, 1, ana.id);
    store
        .record_visit(
            HouseholdId(1),
            vec![(
                Some(ana.id),
                EventBody::Survey {
                    attempt: None,
                    question: "support".into(),
                    answer: "2".into(),
                },
            )],
        )
        .expect("record");
    let age = chrono::Datelike::year(&chrono::Utc::now()) - 1980;
    let mut h = Harness::new(store, "/turf/1", Lang::En);
    let html = h.settle();
    assert!(
        html.contains(&format!(
            "Ana García, {age}, support 2 · Luis García, {age}"
        )),
        "{html}"
    );
    let html = h.set_lang(Lang::Es);
    assert!(
        html.contains(&format!("Ana García, {age}, apoyo 2")),
        "{html}"
    );
    // A door with nobody on the voter file shows only its number.
    assert_eq!(html.matches("class=\"door-people\"").count(), 1, "{html}");
}

#[test]
fn a_pair_splits_the_turf_into_two_halves_of_the_route_on_the_list_and_the_map() {
    events_converter();
    let dir = tempfile::tempdir().expect("tempdir");
    let at = |mut h: Household, lon: f64| {
        h.lat = Some(35.78);
        h.lon = Some(lon);
        h
    };
    let store = store(
        dir.path(),
        vec![
            at(household(1, "Elm St", 10, 1), -78.6400),
            at(household(2, "Elm St", 12, 2), -78.6398),
            at(household(3, "Elm St", 14, 3), -78.6396),
            at(household(4, "Oak Ave", 5, 4), -78.6394),
            at(household(5, "Oak Ave", 7, 5), -78.6392),
        ],
        Vec::new(),
    );
    let mut h = Harness::new(store, "/turf/1", Lang::En);
    let html = h.settle();
    assert!(
        html.contains(&crate::ui::i18n::showing(Lang::En, 5)),
        "{html}"
    );
    let half = h.element("id", "walk-half");
    // The second half: the last two doors of the route (the first half takes the middle one).
    h.type_into(half, "second");
    let html = h.settle();
    assert!(
        html.contains(&crate::ui::i18n::showing(Lang::En, 2)),
        "{html}"
    );
    assert!(!html.contains("href=\"/turf/1/door/3\""), "{html}");
    assert!(html.contains("href=\"/turf/1/door/4\""), "{html}");
    assert!(html.contains("href=\"/turf/1/door/5\""), "{html}");
    // The map shows the same half.
    let map = h.element("href", "/turf/1/map");
    h.click(map);
    let html = h.settle();
    assert_eq!(html.matches("data-household=").count(), 2, "{html}");
    assert!(html.contains("data-household=\"4\""), "{html}");
    // And the first half is the other three.
    let back = h.element("href", "/turf/1");
    h.click(back);
    h.settle();
    let half = h.element("id", "walk-half");
    h.type_into(half, "first");
    let html = h.settle();
    assert!(
        html.contains(&crate::ui::i18n::showing(Lang::En, 3)),
        "{html}"
    );
    assert!(html.contains("href=\"/turf/1/door/3\""), "{html}");
    assert!(!html.contains("href=\"/turf/1/door/4\""), "{html}");
}
