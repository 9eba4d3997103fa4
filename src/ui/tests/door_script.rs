//! The door with the campaign's door script (the demo's `canvass.toml`, parsed by the
//! server's own reader): intro and questions in both languages, branches followed,
//! exactly the answers on the path recorded (and accepted by the events' validation),
//! answers that leave the path dropped, and the answers kept in the draft.

use groundgame_core::event::AskKind;
use groundgame_core::script::VersionedScript;
use groundgame_core::Event;

use super::*;

/// The default campaign with the example script, its survey questions merged into the
/// campaign's questions as the server does.
fn canvass_config() -> CampaignConfig {
    let script = groundgame_server::script_file::parse(include_str!(
        "../../../server/examples/scripts/canvass.toml"
    ))
    .expect("the example script parses");
    let mut config = CampaignConfig::with_defaults(CampaignId(1), "Test campaign");
    for q in script.survey_questions() {
        config.questions.retain(|c| c.key != q.key);
        config.questions.push(q);
    }
    config.scripts.push(VersionedScript {
        campaign: CampaignId(1),
        version: 1,
        script,
    });
    config
}

/// The small turf, with the example script pulled.
fn scripted_turf(dir: &Path) -> (Arc<Store>, Person) {
    let (store, ana) = small_turf(dir);
    store.save_campaign(&canvass_config()).expect("campaign");
    (store, ana)
}

/// Open door 1 with Ana chosen as who answered and "talked" as the result.
fn talking_to_ana(store: Arc<Store>, ana: &Person) -> Harness {
    events_converter();
    let mut h = Harness::new(store, "/turf/1/door/1", Lang::En);
    h.settle();
    let ana_button = h.element("id", &format!("person-{}", ana.id));
    h.click(ana_button);
    h.settle();
    let talked = h.element("data-key", "talked");
    h.click(talked);
    h.settle();
    h
}

fn tap(h: &mut Harness, question: &str, choice: &str) -> String {
    let id = h.element("data-answer", &format!("{question}:{choice}"));
    h.click(id);
    h.settle()
}

fn save(h: &mut Harness) -> String {
    let save = h.element("id", "save-visit");
    h.click(save);
    h.settle()
}

/// The survey answers, pledges and asks recorded at door 1, in order.
fn answers(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match &e.body {
            EventBody::Survey {
                question, answer, ..
            } => Some(format!("{question}={answer}")),
            EventBody::Pledge { plan, .. } => Some(format!("pledge when={}", plan.when)),
            EventBody::Ask { ask, answer, .. } => Some(format!("{ask:?}={answer:?}")),
            _ => None,
        })
        .collect()
}

#[test]
fn the_door_reads_the_script_intro_and_first_question_in_both_languages() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, ana) = scripted_turf(dir.path());
    let mut h = Harness::new(store.clone(), "/turf/1/door/1", Lang::En);
    let html = h.settle();
    assert!(html.contains("Door canvass"), "{html}");
    assert!(
        html.contains("talking with neighbors about the election on November 3rd"),
        "intro: {html}"
    );
    // The questions wait for who answered.
    assert!(html.contains(Lang::En.t(Msg::ScriptNeedsPerson)), "{html}");
    assert!(!html.contains("would you support our candidate"), "{html}");
    drop(h);

    let mut h = talking_to_ana(store, &ana);
    let html = h.html();
    assert!(
        html.contains("If the election were today, would you support our candidate?"),
        "{html}"
    );
    assert!(html.contains("Strong supporter") && html.contains("Strongly opposed"));
    assert!(html.contains(Lang::En.t(Msg::SkipQuestion)));
    // One question at a time, and none of the fixed form's.
    assert!(!html.contains("Will you pledge to vote?"), "{html}");
    assert!(!html.contains(Lang::En.t(Msg::AskDonate)), "{html}");
    assert!(!html.contains(r#"id="pledge""#), "{html}");

    let html = h.set_lang(Lang::Es);
    assert!(html.contains("Visita puerta a puerta"), "{html}");
    assert!(
        html.contains("Estamos hablando con los vecinos sobre la elección del 3 de noviembre"),
        "{html}"
    );
    assert!(
        html.contains("Si la elección fuera hoy, ¿apoyaría a nuestra candidata?"),
        "{html}"
    );
    assert!(html.contains("Apoyo firme") && html.contains("Totalmente en contra"));
    assert!(html.contains(Lang::Es.t(Msg::SkipQuestion)));
    assert!(!html.contains("Strong supporter"), "{html}");
}

#[test]
fn a_supporter_is_asked_to_pledge_and_saving_records_exactly_the_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, ana) = scripted_turf(dir.path());
    let mut h = talking_to_ana(store.clone(), &ana);
    let html = tap(&mut h, "support", "2");
    assert!(html.contains("Will you pledge to vote?"), "{html}");
    assert!(!html.contains("knock on doors or make calls"), "{html}");
    let mark = h.edits.len();
    let html = tap(&mut h, "pledge", "yes");
    // Yes opens the plan, and its branch asks about the ride.
    assert!(html.contains(Lang::En.t(Msg::PledgeWhen)), "{html}");
    assert!(
        html.contains("Do you have a way to get to the polls?"),
        "{html}"
    );
    let plan = h.inputs_since(mark);
    assert_eq!(plan.len(), 3, "when, where, how");
    h.type_into(plan[0], "Early, Saturday");
    h.settle();
    let html = tap(&mut h, "plan_ride", "needs_ride");
    assert!(html.contains("knock on doors or make calls"), "{html}");
    let html = tap(&mut h, "volunteer", "maybe");
    assert!(html.contains(Lang::En.t(Msg::ScriptEnd)), "{html}");

    let html = save(&mut h);
    assert!(html.contains("12 Elm St"), "moved on: {html}");
    let events = store.household_events(HouseholdId(1)).expect("events");
    assert!(matches!(&events[0].body, EventBody::Contact { result, .. } if result == "talked"));
    assert_eq!(
        answers(&events),
        [
            "support=2",
            "plan_ride=needs_ride",
            "pledge when=Early, Saturday",
            "Volunteer=Maybe"
        ]
    );
    assert_eq!(events.len(), 5, "{events:?}");
    assert!(events.iter().all(|e| e.person == Some(ana.id)));
    // Every event is one the server accepts against the campaign it knows.
    let config = canvass_config();
    for e in &events {
        e.validate(&config).expect("valid for the server");
    }
}

#[test]
fn an_opponent_skips_the_pledge_and_the_script_ends() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, ana) = scripted_turf(dir.path());
    let mut h = talking_to_ana(store.clone(), &ana);
    // Skipping the support question goes on to the question's own next: the volunteer ask.
    let skip = h.element("data-skip", "support");
    h.click(skip);
    let html = h.settle();
    assert!(
        html.contains(r#"data-skip="support" aria-pressed="true""#),
        "{html}"
    );
    assert!(html.contains("knock on doors or make calls"), "{html}");
    let html = tap(&mut h, "support", "5");
    assert!(!html.contains("Will you pledge to vote?"), "{html}");
    assert!(!html.contains("knock on doors or make calls"), "{html}");
    assert!(html.contains(Lang::En.t(Msg::ScriptEnd)), "{html}");
    save(&mut h);
    let events = store.household_events(HouseholdId(1)).expect("events");
    assert_eq!(answers(&events), ["support=5"]);
    assert_eq!(events.len(), 2);
}

#[test]
fn changing_an_earlier_answer_drops_the_answers_that_left_the_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, ana) = scripted_turf(dir.path());
    let mut h = talking_to_ana(store.clone(), &ana);
    tap(&mut h, "support", "1");
    tap(&mut h, "pledge", "yes");
    tap(&mut h, "plan_ride", "has_ride");
    let html = tap(&mut h, "volunteer", "yes");
    assert!(html.contains(Lang::En.t(Msg::ScriptEnd)), "{html}");

    // Undecided after all: no pledge on this path, the volunteer ask still is.
    let html = tap(&mut h, "support", "3");
    assert!(!html.contains("Will you pledge to vote?"), "{html}");
    assert!(!html.contains("Do you have a way"), "{html}");
    assert!(
        html.contains(r#"data-answer="volunteer:yes" aria-pressed="true""#),
        "{html}"
    );
    let draft = store.draft(HouseholdId(1)).expect("draft").expect("kept");
    assert!(
        !draft.contains("plan_ride") && !draft.contains(r#""pledge""#),
        "{draft}"
    );

    save(&mut h);
    let events = store.household_events(HouseholdId(1)).expect("events");
    assert_eq!(answers(&events), ["support=3", "Volunteer=Yes"]);
    assert!(events
        .iter()
        .all(|e| !matches!(&e.body, EventBody::Pledge { .. })));
    assert!(events.iter().all(|e| !matches!(
        &e.body,
        EventBody::Ask {
            ask: AskKind::Pledge,
            ..
        }
    )));
}

#[test]
fn script_answers_survive_the_app_closing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, ana) = scripted_turf(dir.path());
    let mut h = talking_to_ana(store, &ana);
    tap(&mut h, "support", "1");
    tap(&mut h, "pledge", "no");
    drop(h);

    let store =
        Arc::new(Store::open(&dir.path().join("device.sqlite"), fixed_clock(T0)).expect("reopen"));
    let mut h = Harness::new(store.clone(), "/turf/1/door/1", Lang::Es);
    let html = h.settle();
    for restored in [
        r#"data-answer="support:1" aria-pressed="true""#,
        r#"data-answer="pledge:no" aria-pressed="true""#,
        "¿Se uniría a nosotros unas horas",
    ] {
        assert!(html.contains(restored), "{restored} was lost: {html}");
    }
    save(&mut h);
    let events = store.household_events(HouseholdId(1)).expect("events");
    // A "no" to the pledge records no pledge, as the fixed form's unticked box.
    assert_eq!(answers(&events), ["support=1"]);
    assert_eq!(store.draft_count().expect("drafts"), 0);
}

#[test]
fn a_draft_from_before_scripts_still_opens() {
    let old =
        r#"{"form":{"result":"talked","support":"2","pledged":true,"note":"hi"},"adding":false}"#;
    let draft: crate::ui::views::DoorDraft = serde_json::from_str(old).expect("old draft");
    assert_eq!(draft.form.support.as_deref(), Some("2"));
    assert!(draft.form.script.is_empty());
}
