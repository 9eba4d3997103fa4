//! Group commit: pushes that wait for the writer are applied together in one transaction,
//! and each is answered exactly as it would have been alone, in arrival order — accepted,
//! duplicate (the same events again, in the same group), rejected (out of scope, an unknown
//! result, an id reused with other content) — with nothing else changed.

use std::sync::Arc;

use groundgame_core::protocol::{codes, PushOutcome};
use groundgame_core::Event;

use super::harness::{event_at, knock, Device, Harness, NOW};

fn code(o: &PushOutcome) -> &str {
    match o {
        PushOutcome::Rejected { code, .. } => code,
        PushOutcome::Accepted => "accepted",
        PushOutcome::Duplicate => "duplicate",
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pushes_waiting_for_the_writer_share_a_commit_and_are_answered_as_if_alone() {
    let h = Arc::new(Harness::new());
    let mut devices: Vec<Device> = Vec::new();
    for name in ["Ana", "Ben", "Cy", "Dee", "Eli"] {
        devices.push(h.volunteer_on(h.turf_a, name).await);
    }
    let doors = h.households_of(h.turf_a);
    let elsewhere = h.households_of(h.turf_b)[0];
    let first: Vec<Event> = (0..3)
        .map(|i| event_at(NOW - 900 + i, doors[i as usize], None, knock("not_home")))
        .collect();
    let mut reused = first[1].clone();
    reused.body = knock("vacant");
    let pushes: Vec<(usize, Vec<Event>, Vec<&str>)> = vec![
        (0, first.clone(), vec!["accepted"; 3]),
        // The same three again, from the same device, later in the same group.
        (0, first.clone(), vec!["duplicate"; 3]),
        (
            1,
            vec![
                event_at(NOW - 500, doors[3], None, knock("not_home")),
                event_at(NOW - 400, elsewhere, None, knock("not_home")),
            ],
            vec!["accepted", codes::OUT_OF_SCOPE],
        ),
        (
            2,
            vec![event_at(NOW - 300, doors[4], None, knock("abducted"))],
            vec![codes::INVALID_VALUE],
        ),
        (3, vec![reused], vec![codes::ID_REUSED]),
        (
            4,
            vec![event_at(NOW - 100, doors[0], None, knock("come_back"))],
            vec!["accepted"],
        ),
    ];

    // Hold every writer's permit so every push queues behind them, in a known order.
    let before = h.state.pushes.stats();
    let writers = h.store.concurrency().0 as u32;
    let writer = h
        .state
        .write_gate
        .acquire_many(writers)
        .await
        .expect("the gate");
    let mut tasks = Vec::new();
    for (i, (device, events, _)) in pushes.iter().enumerate() {
        let (pusher, device, events) = (h.clone(), devices[*device].clone(), events.clone());
        tasks.push(tokio::spawn(
            async move { pusher.push(&device, &events).await },
        ));
        tokio::time::timeout(std::time::Duration::from_secs(30), async {
            while h.state.pushes.queued() < i + 1 {
                tokio::task::yield_now().await;
            }
        })
        .await
        .expect("the push queued behind the held writer");
    }
    drop(writer);
    for (task, (_, _, expected)) in tasks.into_iter().zip(&pushes) {
        let answered = task.await.expect("the push");
        let got: Vec<&str> = answered.iter().map(code).collect();
        assert_eq!(&got, expected);
    }
    let after = h.state.pushes.stats();
    assert_eq!(after.pushes - before.pushes, pushes.len() as u64);
    assert_eq!(after.groups - before.groups, 1, "one group, one commit");

    // Stored once each, in arrival order, and nothing else.
    let stored = h.store.campaign_events(h.campaign).expect("events");
    let ids: Vec<_> = stored.iter().map(|e| e.id).collect();
    let accepted: Vec<_> = first
        .iter()
        .chain(&pushes[2].1[..1])
        .chain(&pushes[5].1)
        .map(|e| e.id)
        .collect();
    assert_eq!(ids, accepted);
    assert_eq!(h.count(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_concurrent_pushes_each_land_once() {
    let h = Arc::new(Harness::new());
    let doors = h.households_of(h.turf_a);
    let mut devices = Vec::new();
    for i in 0..12 {
        devices.push(h.volunteer_on(h.turf_a, &format!("Walker {i}")).await);
    }
    let mut tasks = Vec::new();
    let mut sent = Vec::new();
    for (i, device) in devices.into_iter().enumerate() {
        let events: Vec<Event> = (0..20)
            .map(|k| {
                event_at(
                    NOW - 10_000 + (i * 20 + k) as u64,
                    doors[k % doors.len()],
                    None,
                    knock("not_home"),
                )
            })
            .collect();
        sent.extend(events.iter().map(|e| e.id));
        let h = h.clone();
        // Each sends its push twice at once, as a retry after a lost answer would.
        tasks.push(tokio::spawn(async move {
            let (a, b) = tokio::join!(h.push(&device, &events), h.push(&device, &events));
            (a, b)
        }));
    }
    for task in tasks {
        let (a, b) = task.await.expect("pushes");
        for (x, y) in a.iter().zip(&b) {
            let mut pair = [code(x), code(y)];
            pair.sort_unstable();
            assert_eq!(pair, ["accepted", "duplicate"], "one of the two stored it");
        }
    }
    let stored = h.store.campaign_events(h.campaign).expect("events");
    let mut ids: Vec<_> = stored.iter().map(|e| e.id).collect();
    ids.sort_unstable();
    sent.sort_unstable();
    assert_eq!(ids, sent, "every event exactly once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_push_that_fails_in_a_group_fails_alone() {
    use axum::body::Body;
    use axum::http::{header, Method, Request, StatusCode};
    let h = Arc::new(Harness::new());
    let doors = h.households_of(h.turf_a);
    let mut devices = Vec::new();
    for name in ["Ana", "Ben", "Cy"] {
        devices.push(h.volunteer_on(h.turf_a, name).await);
    }
    let pushes: Vec<Vec<Event>> = (0..3)
        .map(|i| {
            vec![event_at(
                NOW - 100 + i,
                doors[i as usize],
                None,
                knock("not_home"),
            )]
        })
        .collect();
    let writers = h.store.concurrency().0 as u32;
    let before = h.state.pushes.stats();
    let writer = h
        .state
        .write_gate
        .acquire_many(writers)
        .await
        .expect("the gate");
    let mut tasks = Vec::new();
    for (i, events) in pushes.iter().enumerate() {
        let (pusher, device, events) = (h.clone(), devices[i].clone(), events.clone());
        tasks.push(tokio::spawn(async move {
            let body = serde_json::json!({"protocol": 1, "events": events, "pending": 0});
            let mut request = Request::builder()
                .method(Method::POST)
                .uri("/api/v1/push")
                .header(header::AUTHORIZATION, format!("Bearer {}", device.token))
                .header(header::CONTENT_TYPE, "application/json");
            if i == 1 {
                request = request.header(
                    crate::APP_VERSION_HEADER,
                    crate::sync::push::TEST_FAILING_PUSH,
                );
            }
            let body = Body::from(serde_json::to_vec(&body).expect("json"));
            pusher.send(request.body(body).expect("request")).await
        }));
        tokio::time::timeout(std::time::Duration::from_secs(30), async {
            while h.state.pushes.queued() < i + 1 {
                tokio::task::yield_now().await;
            }
        })
        .await
        .expect("the push queued behind the held writer");
    }
    drop(writer);
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.expect("the push").status);
    }
    assert_eq!(
        statuses,
        [
            StatusCode::OK,
            StatusCode::INTERNAL_SERVER_ERROR,
            StatusCode::OK
        ]
    );
    assert_eq!(h.state.pushes.stats().groups - before.groups, 1);
    let stored: Vec<_> = h
        .store
        .campaign_events(h.campaign)
        .expect("events")
        .iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(
        stored,
        vec![pushes[0][0].id, pushes[2][0].id],
        "the others are kept"
    );
}

/// A crowd of phones connecting at once is held by the kernel until the server accepts
/// it: the listener's queue is far deeper than the 128 that tokio's and the standard
/// library's `bind` ask for, past which each new handshake is dropped and the phone waits
/// a second or more to try again. Here nothing accepts, so every connection that
/// completes is one the queue holds; with a queue of 128, the 129th never would (the
/// wait below only keeps a failing run from hanging).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crowd_connecting_at_once_is_queued_until_the_server_accepts() {
    const CROWD: usize = 400; // well past 128, and within a fresh machine's 1,024 open files
    let listener = crate::listen("127.0.0.1:0".parse().expect("addr")).expect("listen");
    let addr = listener.local_addr().expect("addr");
    let mut connects = tokio::task::JoinSet::new();
    for _ in 0..CROWD {
        connects.spawn(tokio::net::TcpStream::connect(addr));
    }
    let held = tokio::time::timeout(std::time::Duration::from_secs(30), async {
        let mut streams = Vec::new();
        while let Some(done) = connects.join_next().await {
            streams.push(done.expect("join").expect("connect"));
        }
        streams
    })
    .await;
    let held = held.map_or(0, |streams| streams.len());
    assert_eq!(
        held, CROWD,
        "connections the listener held before any accept"
    );
    drop(listener);
}
