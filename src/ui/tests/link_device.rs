//! Another device of mine, headless: Home links to it; the screen explains itself in both
//! languages; without a server it says a code needs a connection (and shows no code); the
//! Join screen tells where such a code goes; the code's expiry reads in local time.

use super::*;
use crate::ui::views::link_device::valid_until;

#[test]
fn home_links_to_the_screen_and_it_needs_a_connection_to_make_a_code() {
    events_converter();
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, _) = small_turf(dir.path());
    let mut h = Harness::new(store.clone(), "/", Lang::En);
    let html = h.settle();
    assert!(html.contains(Lang::En.t(Msg::LinkEntry)), "{html}");
    assert!(html.contains("href=\"/link\""), "{html}");

    let mut h = Harness::new(store.clone(), "/link", Lang::En);
    let html = h.settle();
    assert!(
        html.contains(Lang::En.t(Msg::LinkHelp).replace('\'', "&#39;").as_str()),
        "{html}"
    );
    let make = h.element("id", "link-make");
    h.click(make);
    let html = h.settle();
    assert!(
        html.contains(Lang::En.t(Msg::LinkNeedsConnection)),
        "{html}"
    );
    assert!(!html.contains("id=\"link-code\""), "{html}");

    let mut h = Harness::new(store, "/link", Lang::Es);
    let html = h.settle();
    assert!(html.contains(Lang::Es.t(Msg::LinkTitle)), "{html}");
    assert!(html.contains(Lang::Es.t(Msg::LinkMake)), "{html}");
}

#[test]
fn the_join_screen_says_where_a_code_from_another_device_goes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(Store::open(&dir.path().join("d.sqlite"), fixed_clock(T0)).expect("open"));
    let mut h = Harness::new(store, "/", Lang::En);
    let html = h.settle();
    assert!(html.contains("id=\"join-invite-hint\""), "{html}");
    assert!(html.contains("Use Groundgame on another device"), "{html}");
}

#[test]
fn a_codes_expiry_reads_in_local_time() {
    // 2026-11-26T14:35:00Z.
    let at = 1_795_703_700_000;
    let zone = |name: &str| groundgame_core::TimeZone::parse(name).expect("zone");
    assert_eq!(
        valid_until(Lang::En, at, zone("UTC")),
        "It works once, until 14:35."
    );
    assert_eq!(
        valid_until(Lang::En, at, zone("America/New_York")),
        "It works once, until 09:35."
    );
    assert_eq!(
        valid_until(Lang::Es, at, zone("Europe/Madrid")),
        "Sirve una sola vez, hasta las 15:35."
    );
    assert_eq!(
        valid_until(Lang::En, at, zone("Pacific/Port_Moresby")),
        "It works once, until 00:35."
    );
}
