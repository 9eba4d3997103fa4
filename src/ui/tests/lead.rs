//! The field lead's screens, headless: the charts' SVG (bars in proportion, every label
//! escaped, numbers written out), the dashboard drawn from cached figures with their age
//! while the server cannot be reached (English and Spanish), the turf map's colours from
//! the local fold, the lead screens' tabs, and the plain "leads only" refusal a volunteer
//! gets (and no Lead entry on their home screen).

use groundgame_core::fold::DoorState;

use super::*;
use crate::store::lead_cache::{
    DayProgress, DeviceItem, DoNotCallAddition, Figures, HeldRecord, HeldStatus, HourProgress,
    InviteItem, InviteJoin, LeadSnapshot, OldAssignment, Progress, QualityFlag, Support, Totals,
    TurfItem, TurfProgress, VolunteerItem, VolunteerProgress,
};
use crate::ui::components::charts::{bar_chart, line_chart, Bar, Point};
use crate::ui::views::lead::{turf_maps, words};

const MIN: u64 = 60_000;

/// The same device, now a lead's (the server's pull scope gives it the whole campaign).
fn as_lead(store: &Store) {
    store
        .save_registration(
            &Identity {
                device: DeviceId(1),
                volunteer: VolunteerId(1),
                campaign: CampaignId(1),
                role: Role::Lead,
                server_url: "http://127.0.0.1:9".into(),
            },
            "test-token",
            Hlc::new(T0, 0),
        )
        .expect("register as lead");
}

fn figures(knocks: u64, contacts: u64) -> Figures {
    Figures {
        knocks,
        contacts,
        ..Figures::default()
    }
}

/// Figures as the server would send them: 12 of 40 doors knocked, two volunteers.
fn snapshot() -> LeadSnapshot {
    let mut by_hour: Vec<HourProgress> = (0..24)
        .map(|hour| HourProgress {
            hour,
            figures: Figures::default(),
            contact_rate: 0.0,
        })
        .collect();
    for (hour, knocks, contacts) in [(17, 9, 2), (18, 7, 2)] {
        by_hour[hour].figures = figures(knocks, contacts);
        by_hour[hour].contact_rate = by_hour[hour].figures.contact_rate();
    }
    LeadSnapshot {
        progress: Progress {
            time_zone: groundgame_core::TimeZone::UTC,
            totals: Totals {
                households: 40,
                doors_knocked: 12,
                figures: Figures {
                    knocks: 16,
                    contacts: 4,
                    pledges: 3,
                    volunteer_yes: 2,
                    donate_yes: 1,
                    donate_cents: 2500,
                    ..Figures::default()
                },
                contact_rate: 0.25,
                support: Support {
                    strong_support: 2,
                    lean_support: 1,
                    undecided: 1,
                    lean_against: 0,
                    strong_against: 0,
                },
            },
            by_turf: vec![
                TurfProgress {
                    turf: TurfId(1),
                    name: "Walnut North".into(),
                    households: 30,
                    doors_knocked: 12,
                    figures: figures(16, 4),
                    contact_rate: 0.25,
                    support: Support {
                        strong_support: 2,
                        lean_support: 1,
                        undecided: 1,
                        lean_against: 0,
                        strong_against: 0,
                    },
                },
                TurfProgress {
                    turf: TurfId(2),
                    name: "Oak & <Elm>".into(),
                    households: 10,
                    doors_knocked: 0,
                    figures: Figures::default(),
                    contact_rate: 0.0,
                    support: Support::default(),
                },
            ],
            by_volunteer: vec![
                VolunteerProgress {
                    volunteer: VolunteerId(2),
                    name: "Ana".into(),
                    quarantined: false,
                    figures: figures(10, 2),
                    contact_rate: 0.2,
                    median_knock_gap_ms: Some(150_000),
                    flags: Vec::new(),
                },
                VolunteerProgress {
                    volunteer: VolunteerId(3),
                    name: "Speedy".into(),
                    quarantined: false,
                    figures: figures(6, 5),
                    contact_rate: 0.83,
                    median_knock_gap_ms: Some(5_000),
                    flags: vec![QualityFlag::FastDoors],
                },
            ],
            by_hour,
            by_day: vec![DayProgress {
                date: "2027-01-15".parse().expect("date"),
                figures: figures(16, 4),
                contact_rate: 0.25,
            }],
            quarantined_events: 0,
        },
        turfs: vec![TurfItem {
            id: TurfId(1),
            name: "Walnut North".into(),
            household_count: 30,
            assignees: vec![VolunteerId(2)],
        }],
        volunteers: vec![
            VolunteerItem {
                id: VolunteerId(2),
                name: "Ana".into(),
                role: Role::Volunteer,
                devices: vec![DeviceItem {
                    id: DeviceId(7),
                    name: "Ana's phone".into(),
                    last_seen_at: T0 - 26 * 60 * MIN,
                    pending: 3,
                    app_version: "0.1.0".into(),
                    revoked: false,
                    not_synced_recently: true,
                }],
            },
            VolunteerItem {
                id: VolunteerId(3),
                name: "Speedy".into(),
                role: Role::Volunteer,
                devices: Vec::new(),
            },
        ],
        invites: vec![InviteItem {
            id: 4,
            role: Role::Volunteer,
            created_at: T0 - 60 * MIN,
            expires_at: T0 + 7 * 24 * 60 * MIN,
            max_uses: 3,
            used: 1,
            expired: false,
            joined: vec![InviteJoin {
                volunteer: VolunteerId(2),
                volunteer_name: "Ana".into(),
                device: DeviceId(7),
                device_name: "Ana's phone".into(),
                joined_at: T0 - 50 * MIN,
            }],
        }],
        call_lists: Vec::new(),
        old_assignments: vec![OldAssignment {
            turf: TurfId(1),
            turf_name: "Walnut North".into(),
            volunteer: VolunteerId(3),
            volunteer_name: "Speedy".into(),
            ended_at: T0 - 30 * MIN,
            events: 4,
            knocks: 3,
            after_end: 2,
            last_event_at: Some(T0 - 20 * MIN),
        }],
        held: vec![
            HeldRecord {
                event: groundgame_core::EventId(uuid::Uuid::from_u128(7)),
                kind: "person_added".into(),
                result: None,
                volunteer: VolunteerId(3),
                volunteer_name: "Speedy".into(),
                turf: Some(TurfId(1)),
                turf_name: "Walnut North".into(),
                address: "12 Oak St".into(),
                at: T0 - 25 * MIN,
                received_at: T0 - 20 * MIN,
                status: HeldStatus::Held,
                decided_by: None,
                decided_at: None,
            },
            HeldRecord {
                event: groundgame_core::EventId(uuid::Uuid::from_u128(8)),
                kind: "contact".into(),
                result: Some("talked".into()),
                volunteer: VolunteerId(3),
                volunteer_name: "Speedy".into(),
                turf: Some(TurfId(1)),
                turf_name: "Walnut North".into(),
                address: "14 Oak St".into(),
                at: T0 - 24 * MIN,
                received_at: T0 - 20 * MIN,
                status: HeldStatus::Dismissed,
                decided_by: Some(VolunteerId(1)),
                decided_at: Some(T0 - 15 * MIN),
            },
        ],
        do_not_call: vec![DoNotCallAddition {
            id: 5,
            phone_last4: "0142".into(),
            kind: "do_not_contact".into(),
            volunteer: Some(VolunteerId(3)),
            volunteer_name: "Speedy".into(),
            device: Some(DeviceId(9)),
            created_at: T0 - 18 * MIN,
            undone_at: None,
            undone_by: None,
        }],
    }
}

/// A lead device holding the small turf and figures fetched 12 minutes ago.
fn lead_store(dir: &Path) -> Arc<Store> {
    let (store, _) = small_turf(dir);
    as_lead(&store);
    store
        .save_lead_snapshot(&snapshot(), T0 - 12 * MIN)
        .expect("cache");
    store
}

/// The `width` of every `<rect class="chart-bar...">`, in order.
fn bar_widths(svg: &str) -> Vec<u32> {
    svg.split("<rect class=\"chart-bar")
        .skip(1)
        .map(|rest| {
            let w = rest.split("width=\"").nth(1).expect("width");
            w[..w.find('"').expect("quote")].parse().expect("number")
        })
        .collect()
}

#[test]
fn bars_are_proportional_labelled_and_escaped() {
    let bars = vec![
        Bar {
            label: "<script>alert('x')</script> & Co".into(),
            value: 10,
            total: Some(40),
            text: "10 / 40".into(),
            class: "",
        },
        Bar {
            label: "Elm".into(),
            value: 20,
            total: Some(20),
            text: "20 / 20".into(),
            class: "",
        },
        Bar {
            label: "Empty".into(),
            value: 0,
            total: None,
            text: "0".into(),
            class: "",
        },
    ];
    let svg = dioxus::ssr::render_element(bar_chart("t", "Doors \"knocked\"", "By turf", &bars));
    // One scale for all rows (the largest total, 40): 10 → a quarter, 20 → a half.
    let widths = bar_widths(&svg);
    assert_eq!(widths, vec![75, 150, 0], "{svg}");
    assert!(
        svg.contains("width=\"300\""),
        "the 40-door track is full length"
    );
    assert!(!svg.contains("<script>"), "{svg}");
    // The renderer's escaper (dioxus-ssr, as the window's and the browser's DOM text): the
    // markup in a label stays text.
    let escaped = |text: &str| dioxus::ssr::render_element(rsx! { "{text}" });
    let label = escaped("<script>alert('x')</script> & Co");
    assert!(
        !label.contains(['<', '>']) && label.contains("script") && !label.contains(" & "),
        "{label}"
    );
    assert!(svg.contains(&label), "{svg}");
    assert!(svg.contains(&format!(
        "<title id=\"t-title\">{}</title>",
        escaped("Doors \"knocked\"")
    )));
    assert!(svg.contains("role=\"img\""));
    for text in ["10 / 40", "20 / 20", ">0<"] {
        assert!(svg.contains(text), "{text} missing: {svg}");
    }

    let points: Vec<Point> = [0u64, 4, 8, 2]
        .iter()
        .enumerate()
        .map(|(i, v)| Point {
            label: format!("<{i}>"),
            value: *v,
            tick: true,
        })
        .collect();
    let line = dioxus::ssr::render_element(line_chart("l", "Over time", "Knocks", &points));
    assert_eq!(line.matches("<circle").count(), 4);
    assert!(
        line.contains(&escaped("<2>")) && !line.contains("<2>"),
        "{line}"
    );
    // The axis runs from 0 to the peak (8), and the peak sits at the top.
    assert!(line.contains(">8</text>"));
    assert!(line.contains("data-value=\"8\""));
    let empty = dioxus::ssr::render_element(line_chart("e", "Nothing", "None", &[]));
    assert!(empty.ends_with("</svg>") && !empty.contains("<polyline"));
}

#[test]
fn dashboard_shows_cached_figures_with_their_age_offline_in_both_languages() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = Harness::new(lead_store(dir.path()), "/lead", Lang::En);
    let html = h.settle();
    // The server (nothing listens on port 9) cannot be reached: the cached figures stay.
    assert!(
        html.contains("You&#39;re offline; these figures are from 12 minutes ago.")
            || html.contains("You're offline; these figures are from 12 minutes ago."),
        "{html}"
    );
    assert!(html.contains("12 of 40"), "{html}");
    assert!(html.contains("id=\"stat-contacts\">4<"), "{html}");
    assert!(html.contains(">25%<"), "contact rate: {html}");
    assert!(html.contains("id=\"stat-pledges\">3<"));
    assert!(html.contains("$25.00 promised"));
    for chart in [
        "chart-support-title",
        "chart-turfs-title",
        "chart-volunteers-title",
        "chart-hours-title",
        "chart-days-title",
    ] {
        assert!(html.contains(chart), "{chart} missing");
    }
    // A turf name with markup in it is drawn as text (as the renderer escapes it).
    let name = dioxus::ssr::render_element(rsx! { {"Oak & <Elm>"} });
    assert!(!name.contains('<'), "{name}");
    assert!(html.contains(&name) && !html.contains("<Elm>"), "{html}");
    // The flagged volunteer, with the quarantine action.
    assert!(html.contains(Lang::En.t(Msg::LeadFlagFastDoors)), "{html}");
    assert!(html.contains("data-action=\"quarantine\""));

    let html = h.set_lang(Lang::Es);
    assert!(
        html.contains("No tiene conexión; estas cifras son de hace 12 minutos."),
        "{html}"
    );
    assert!(html.contains("12 de 40"));
    assert!(html.contains(Lang::Es.t(Msg::LeadSupportTitle)));
    assert!(html.contains("$25.00 prometidos"));
    assert!(html.contains(Lang::Es.t(Msg::LeadFlagFastDoors)));
}

#[test]
fn a_lead_with_nothing_cached_is_told_to_connect() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, _) = small_turf(dir.path());
    as_lead(&store);
    let mut h = Harness::new(store, "/lead", Lang::En);
    let html = h.settle();
    let told = Lang::En.t(Msg::LeadNoFiguresOffline).replace('\'', "&#39;");
    assert!(html.contains(&told), "{html}");
}

#[test]
fn people_assignments_and_invites_read_the_cache() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = Harness::new(lead_store(dir.path()), "/lead/people", Lang::En);
    let html = h.settle();
    assert!(
        html.contains("Ana&#39;s phone") || html.contains("Ana's phone"),
        "{html}"
    );
    assert!(html.contains("Last synced 1 day ago"), "{html}");
    assert!(html.contains("3 records were waiting at its last sync"));
    assert!(html.contains("App version 0.1.0"));
    assert!(html.contains(Lang::En.t(Msg::LeadNotSynced)));
    // Revoking asks for confirmation first.
    events_converter();
    let mut h = Harness::new(lead_store(dir.path()), "/lead/people", Lang::En);
    h.settle();
    let revoke = h.element("id", "revoke-7");
    h.click(revoke);
    let html = h.settle();
    let help = Lang::En.t(Msg::LeadRevokeHelp).replace('\'', "&#39;");
    assert!(html.contains(&help), "{html}");
    assert!(html.contains("id=\"confirm-revoke-7\""), "{html}");

    let mut h = Harness::new(lead_store(dir.path()), "/lead/assign", Lang::En);
    let html = h.settle();
    assert!(html.contains("Walnut North"), "{html}");
    assert!(html.contains(">Ana<"), "assignee names: {html}");
    assert!(
        html.contains("Speedy: 4 records (3 knocks) in Walnut North; 2 reached the server after the assignment ended"),
        "{html}"
    );
    // Held records wait for the lead's decision; a dismissed one is no longer offered.
    assert!(
        html.contains("Speedy: a person added at 12 Oak St (Walnut North)"),
        "{html}"
    );
    assert!(
        !html.contains("14 Oak St"),
        "decided records are not offered: {html}"
    );
    let held = "data-held=\"00000000-0000-0000-0000-000000000007\"";
    assert!(html.contains(held), "{html}");
    assert!(html.contains("data-action=\"accept\""), "{html}");
    assert!(html.contains("data-action=\"dismiss\""), "{html}");
    // Numbers volunteers put on the do-not-call list, with who and when, to take back.
    assert!(html.contains("Number ending 0142 · Speedy · "), "{html}");
    assert!(html.contains("data-action=\"undo-dnc\""), "{html}");
    let change = h.element("id", "turf-1-change");
    h.click(change);
    let html = h.settle();
    assert!(
        html.contains("id=\"turf-1-v3\""),
        "a choice per volunteer: {html}"
    );
    assert!(
        html.contains("aria-pressed=\"true\""),
        "Ana is chosen: {html}"
    );

    let mut h = Harness::new(lead_store(dir.path()), "/lead/invites", Lang::Es);
    let html = h.settle();
    assert!(html.contains("Invitación n.º 4 · 1 de 3 usados"), "{html}");
    assert!(html.contains("Se unieron con él: Ana"), "{html}");
}

#[test]
fn the_turf_map_colours_doors_by_their_status() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ana = person(1, "Ana", "García");
    let placed = |id: i64, number: u32, lat: Option<f64>, lon: Option<f64>| Household {
        lat,
        lon,
        ..household(id, "Elm St", number, id as u32)
    };
    let store = store(
        dir.path(),
        vec![
            placed(1, 10, Some(35.9940), Some(-78.8986)),
            placed(2, 12, Some(35.9950), Some(-78.8970)),
            placed(3, 14, None, None),
        ],
        vec![ana.clone()],
    );
    talked(&store, 1, ana.id);
    as_lead(&store);
    let maps = turf_maps(&store).expect("maps");
    assert_eq!(maps.len(), 1);
    let m = &maps[0];
    assert_eq!((m.dots.len(), m.without_coordinates), (2, 1));
    // Unvisited doors are drawn first, so a visited one on the same spot shows on top.
    assert_eq!(m.dots[0].state, DoorState::NotVisited);
    assert_eq!(m.dots[1].state, DoorState::Contacted);

    let mut h = Harness::new(store, "/lead/map", Lang::En);
    let html = h.settle();
    assert_eq!(
        html.matches("class=\"map-dot contacted\"").count(),
        1,
        "{html}"
    );
    assert_eq!(html.matches("class=\"map-dot not-visited\"").count(), 1);
    // The walk list's badge colours: the same class names.
    assert!(html.contains("swatch contacted"));
    assert!(html.contains("Talked: 1"), "legend counts: {html}");
    assert!(html.contains(&words::without_coordinates(Lang::En, 1)));
    let html = h.set_lang(Lang::Es);
    assert!(
        html.contains(&words::without_coordinates(Lang::Es, 1)),
        "{html}"
    );
}

#[test]
fn a_volunteer_gets_a_plain_leads_only_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, _) = small_turf(dir.path());
    store
        .save_lead_snapshot(&snapshot(), T0)
        .expect("even with figures cached");
    for path in ["/lead", "/lead/people", "/lead/invites", "/lead/map"] {
        let mut h = Harness::new(store.clone(), path, Lang::En);
        let html = h.settle();
        assert!(
            html.contains(Lang::En.t(Msg::LeadOnlyTitle)),
            "{path}: {html}"
        );
        assert!(!html.contains("lead-status"), "{path}");
        assert!(!html.contains("Speedy"), "{path}");
        assert!(!html.contains("Ana&#39;s phone") && !html.contains("Ana's phone"));
    }
    let mut h = Harness::new(store.clone(), "/lead", Lang::Es);
    let html = h.settle();
    assert!(html.contains("Solo para responsables de campo"), "{html}");

    // Home: no Lead entry for a volunteer; a lead has one.
    let mut h = Harness::new(store.clone(), "/home", Lang::En);
    assert!(!h.settle().contains("id=\"lead-entry\""));
    as_lead(&store);
    let mut h = Harness::new(store, "/home", Lang::En);
    assert!(h.settle().contains("id=\"lead-entry\""));
}

#[test]
fn an_action_offline_says_it_needs_a_connection_and_keeps_the_figures() {
    events_converter();
    let dir = tempfile::tempdir().expect("tempdir");
    let store = lead_store(dir.path());
    let mut h = Harness::new(store.clone(), "/lead", Lang::En);
    h.settle();
    let quarantine = h.element("data-action", "quarantine");
    h.click(quarantine);
    let html = h.settle();
    let told = Lang::En.t(Msg::LeadNeedsConnection).replace('\'', "&#39;");
    assert!(html.contains(&told), "{html}");
    // Nothing changed: the cached figures are still the ones fetched 12 minutes ago.
    let cached = store.lead_snapshot().expect("read").expect("cached");
    assert_eq!(cached.fetched_at, T0 - 12 * MIN);
    assert!(!cached.snapshot.progress.by_volunteer[1].quarantined);
}

#[test]
fn the_campaign_data_screen_checks_its_forms_and_needs_a_connection() {
    events_converter();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = Harness::new(lead_store(dir.path()), "/lead/data", Lang::En);
    let html = h.settle();
    for msg in [
        Msg::DataImportTitle,
        Msg::DataGeoTitle,
        Msg::DataCutTitle,
        Msg::DataListTitle,
        Msg::DataScriptTitle,
        Msg::DataExportTitle,
        Msg::DataWholeFile,
    ] {
        assert!(html.contains(Lang::En.t(msg)), "{msg:?}: {html}");
    }
    assert!(html.contains("id=\"voter-file\""), "{html}");
    // A mapping box only for "other CSV".
    assert!(!html.contains("id=\"import-mapping\""));
    let mapped = h.element("id", "format-mapped");
    h.click(mapped);
    assert!(h.settle().contains("id=\"import-mapping\""));

    // Nothing picked or pasted, a mapping missing, bad doors, a list without a name.
    let start = h.element("id", "import-start");
    h.click(start);
    let html = h.settle();
    assert!(html.contains(Lang::En.t(Msg::DataNoFile)), "{html}");
    let rows = h.element("id", "voter-text");
    h.type_into(rows, "VANID,LastName,FirstName,Address\n1,A,B,1 Main St\n");
    h.settle();
    let start = h.element("id", "import-start");
    h.click(start);
    let html = h.settle();
    assert!(
        html.contains(&Lang::En.t(Msg::DataNeedsMapping).replace('"', "&#34;")),
        "{html}"
    );
    let doors = h.element("id", "cut-doors");
    h.type_into(doors, "0");
    h.settle();
    let cut = h.element("id", "cut-start");
    h.click(cut);
    let html = h.settle();
    assert!(html.contains(Lang::En.t(Msg::DataBadDoors)), "{html}");
    let make = h.element("id", "list-make");
    h.click(make);
    let html = h.settle();
    assert!(html.contains(Lang::En.t(Msg::DataListNeedsName)), "{html}");

    // A valid cut with no server says so; the form keeps what was typed.
    let doors = h.element("id", "cut-doors");
    h.type_into(doors, "80");
    h.settle();
    let cut = h.element("id", "cut-start");
    h.click(cut);
    let html = h.settle();
    let told = Lang::En.t(Msg::LeadNeedsConnection).replace('\'', "&#39;");
    assert!(html.contains(&told), "{html}");
    assert!(html.contains("value=\"80\""), "{html}");

    let mut h = Harness::new(lead_store(dir.path()), "/lead/data", Lang::Es);
    let html = h.settle();
    for msg in [Msg::DataImportTitle, Msg::DataCutTitle, Msg::DataScriptSave] {
        assert!(html.contains(Lang::Es.t(msg)), "{msg:?}: {html}");
    }
    assert!(
        html.contains(Lang::Es.t(Msg::LeadTabData)),
        "the tab: {html}"
    );
}

#[test]
fn campaign_data_sentences_read_in_both_languages() {
    use crate::sync::client::campaign_data::ExportFormat;
    use crate::sync::client::campaign_data::{
        CallListResponse, CutResponse, CutTurfItem, ImportSummary, ReportLine,
    };
    use crate::ui::views::lead::campaign_data::{
        csv_rows, cut_line, export_line, export_name, geocode_line, list_line, parse_doors,
        parse_precincts, problem_lines, report_line, summary_line,
    };
    assert_eq!(
        problem_lines("the script has 2 problems:\nline 3: no key\nline 9: unknown branch\n"),
        vec!["line 3: no key", "line 9: unknown branch"]
    );
    assert_eq!(
        problem_lines("the script file is not valid TOML: line 2, column 13: expected `]]`"),
        vec!["the script file is not valid TOML: line 2, column 13: expected `]]`"]
    );
    assert_eq!(parse_doors(" 60 "), Some(60));
    assert_eq!(parse_doors("2001"), None);
    assert_eq!(parse_doors("many"), None);
    assert_eq!(parse_precincts("P1, P2\n\nDU-3,"), vec!["P1", "P2", "DU-3"]);
    let mut counts = ImportSummary {
        rows: 4,
        added: 3,
        households_added: 2,
        ..ImportSummary::default()
    };
    counts.skipped.insert("no_address".into(), 1);
    assert_eq!(
        summary_line(Lang::En, &counts),
        "Imported 4 rows: 3 new voters, 0 updated, 0 unchanged, 0 removed; 2 new households. \
         1 row not imported."
    );
    assert!(summary_line(Lang::Es, &counts).starts_with("Se importaron 4 filas: 3 votantes"));
    let line = ReportLine {
        row: "5".into(),
        source_id: "V4".into(),
        reason: "no address".into(),
    };
    assert_eq!(report_line(Lang::En, &line), "Row 5 (V4): no address");
    assert_eq!(report_line(Lang::Es, &line), "Fila 5 (V4): no address");
    let cut = CutResponse {
        turfs: vec![
            CutTurfItem {
                id: TurfId(7),
                name: "Oak Ave".into(),
                doors: 40,
            },
            CutTurfItem {
                id: TurfId(8),
                name: "Elm St".into(),
                doors: 20,
            },
        ],
        without_coordinates: 3,
    };
    assert!(cut_line(Lang::En, &cut).starts_with("Made 2 turfs with 60 doors. 3 households"));
    assert!(cut_line(Lang::Es, &cut).starts_with("Se hicieron 2 turfs con 60 puertas. 3 hogares"));
    let list = CallListResponse {
        id: groundgame_core::CallListId(1),
        members: 120,
        without_phone: 30,
        do_not_call: 2,
        shared_phone: 5,
    };
    assert!(list_line(Lang::En, &list).contains("120 people to call"));
    assert!(list_line(Lang::Es, &list).contains("120 personas para llamar"));
    assert_eq!(
        csv_rows(b"id,note\n1,\"two\nlines\"\n2,x\n"),
        2,
        "a quoted line break is one row"
    );
    assert_eq!(csv_rows(b"id,note\n"), 0);
    assert_eq!(
        export_name(
            ExportFormat::Van,
            groundgame_core::time::utc_date(1_800_000_000_000)
        ),
        "groundgame-results-van-2027-01-15.csv"
    );
    assert_eq!(
        export_line(Lang::Es, 3, "/d/x.csv"),
        "Se guardaron 3 resultados en /d/x.csv."
    );
    let geo = crate::sync::client::campaign_data::GeocodeResponse {
        rows: 10,
        located: 6,
        unchanged: 1,
        unmatched: 2,
        bad_rows: 1,
        sent_to_devices: 4,
        report: Vec::new(),
        report_lines: 3,
    };
    assert_eq!(
        geocode_line(Lang::En, &geo),
        "6 households located (1 already were). 3 of 10 rows not used."
    );
    assert_eq!(
        geocode_line(Lang::Es, &geo),
        "6 hogares ubicados (1 ya lo estaban). 3 de 10 filas sin usar."
    );
}
