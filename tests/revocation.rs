//! A lost phone: the lead revokes the device. At its next contact the server answers 401
//! "device_revoked" and the phone wipes every piece of voter data it held: the key its
//! database was encrypted under first, then every file the app wrote.

use std::path::Path;

use groundgame::sync::{HttpTransport, SyncState};
use groundgame::ui::i18n::Lang;
use groundgame::ui::{data, print};

use crate::support::fixture::small_campaign;
use crate::support::{not_home, temp_dir, TestDevice, TestServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_device_is_refused_and_wipes_its_voter_data() {
    let server = TestServer::start().await;
    let fx = small_campaign(server.store.as_ref(), 1, 4, 2);
    let dir = temp_dir();
    let http = || HttpTransport::new(&server.url).expect("http");
    // The phone's own folder, as the app has on a phone.
    let folder = dir.path().join("phone");
    std::fs::create_dir(&folder).expect("folder");
    let phone = TestDevice::join(&folder, "ana", &server.url, &fx.volunteer_invite, http()).await;
    let lead = TestDevice::join(dir.path(), "lead", &server.url, &fx.lead_invite, http()).await;
    let (turf, households) = fx.turfs[0].clone();
    lead.engine
        .api()
        .set_assignees(turf, &[phone.volunteer()])
        .await
        .expect("assign");
    phone.engine.sync_once().await.expect("download");
    phone
        .store
        .record(households[0], None, not_home())
        .expect("record");
    phone.engine.sync_once().await.expect("push");
    let (h, p, e) = phone.store.voter_data_counts().expect("counts");
    assert_eq!((h, p, e), (4, 8, 1));
    // Every voter's surname is on the phone, encrypted: its files never hold one readable
    // (before encryption at rest, 26 times after the wipe).
    let surnames = ["Garcia", "Okafor", "Smith", "Nguyen"];
    assert_eq!(readable(&folder, &surnames), 0);
    // The volunteer saved the paper walk list, as the app offers where it cannot print.
    let sheet = data::print_sheet(&phone.store, turf)
        .expect("sheet")
        .expect("the turf is on the phone");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 3).expect("date");
    let paper = print::walk_list_document(&sheet, Lang::En, today);
    print::save_document(&folder, turf, today, &paper).expect("saved");
    assert!(
        readable(&folder, &surnames) >= 4,
        "the saved list names them"
    );

    let device = phone
        .store
        .identity()
        .expect("identity")
        .expect("joined")
        .device;
    lead.engine
        .api()
        .revoke_device(device)
        .await
        .expect("lead revokes the lost phone");

    let err = phone
        .engine
        .sync_once()
        .await
        .expect_err("a revoked device is refused");
    assert!(
        !err.is_transient(),
        "revocation is final, not a network blip: {err}"
    );
    assert_eq!(phone.engine.status().state, SyncState::Revoked);
    assert_eq!(phone.store.voter_data_counts().expect("counts"), (0, 0, 0));
    assert!(phone.store.turfs().expect("turfs").is_empty());
    assert_eq!(phone.store.pending_count().expect("pending"), 0);
    assert_eq!(
        readable(&folder, &surnames),
        0,
        "no voter is left in any file"
    );
    let left: Vec<String> = std::fs::read_dir(&folder)
        .expect("folder")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("ana.sqlite"))
        .collect();
    assert!(
        left.is_empty(),
        "only the new, empty database is left: {left:?}"
    );

    // The data stays gone when the app starts again.
    let phone = phone.restart(http());
    assert_eq!(phone.store.voter_data_counts().expect("counts"), (0, 0, 0));
    assert!(phone.engine.sync_once().await.is_err());
}

/// How many times any of `words` appears readable in the bytes of the files under `dir`.
fn readable(dir: &Path, words: &[&str]) -> usize {
    let mut found = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let bytes = std::fs::read(&path).unwrap_or_default();
            for w in words {
                found += bytes
                    .windows(w.len())
                    .filter(|x| x == &w.as_bytes())
                    .count();
            }
        }
    }
    found
}
