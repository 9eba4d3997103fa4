//! The sync bodies a device sends — push, pull, my-network push and pull, plain or
//! gzip-compressed — through the whole HTTP stack in process (body limits, decompression,
//! JSON, protocol checks, per-event validation, scope, the store), with a valid volunteer
//! token: the insider the review asked about. The oracle: never a 5xx, every answer JSON,
//! every refusal a code and a message.

#![no_main]

use std::io::Write;
use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::{header, Request};
use groundgame_core::paths::{NETWORK_PULL_PATH, NETWORK_PUSH_PATH, PULL_PATH, PUSH_PATH};
use groundgame_server::demo::{self, DemoOptions};
use groundgame_server::http::quota::{Quota, Quotas};
use groundgame_server::{app, AppState, SqliteStore, Store};
use http_body_util::BodyExt;
use libfuzzer_sys::fuzz_target;
use tower::ServiceExt;

struct World {
    rt: tokio::runtime::Runtime,
    app: axum::Router,
    token: String,
    _dir: tempfile::TempDir,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let dir = tempfile::tempdir().expect("dir");
        let store = SqliteStore::open(&dir.path().join("server.sqlite")).expect("store");
        let demo = demo::seed(
            &store,
            &DemoOptions {
                seed: 1,
                voters: 60,
                turfs: 2,
            },
        )
        .expect("demo");
        let (token, hash) = groundgame_server::http::auth::new_token();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_millis() as u64;
        let reg = store
            .register_device(&demo.volunteer_invite, "Fuzz", "phone", "1.0", &hash, now)
            .expect("register");
        let store: Arc<dyn Store> = Arc::new(store);
        store
            .set_assignees(demo.turfs[0], &[reg.volunteer])
            .expect("assign");
        let unlimited = Quota::per_minute(10_000_000);
        let state = AppState::new(store).with_quotas(Quotas {
            push: unlimited,
            network_push: unlimited,
            ..Quotas::default()
        });
        World {
            rt: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime"),
            app: app(state),
            token,
            _dir: dir,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, body)) = data.split_first() else {
        return;
    };
    let path = [PUSH_PATH, PULL_PATH, NETWORK_PUSH_PATH, NETWORK_PULL_PATH][usize::from(which % 4)];
    let gzip = which & 4 != 0;
    let w = world();
    let mut request = Request::post(path)
        .header(header::AUTHORIZATION, format!("Bearer {}", w.token))
        .header(header::CONTENT_TYPE, "application/json");
    let body = if gzip {
        request = request.header(header::CONTENT_ENCODING, "gzip");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(body).expect("gzip");
        enc.finish().expect("gzip")
    } else {
        body.to_vec()
    };
    let request = request.body(Body::from(body)).expect("request");
    let (status, bytes) = w.rt.block_on(async {
        let response = w.app.clone().oneshot(request).await.expect("infallible");
        let status = response.status();
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        (status, bytes)
    });
    assert!(
        !status.is_server_error(),
        "{path} answered {status}: {}",
        String::from_utf8_lossy(&bytes)
    );
    let answer: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| {
        panic!("{path} answered {status} with a body that is not JSON ({e})")
    });
    if status.is_client_error() {
        let code = answer["error"]["code"].as_str().unwrap_or("");
        let message = answer["error"]["message"].as_str().unwrap_or("");
        assert!(
            !code.is_empty() && !message.is_empty(),
            "{path} refused ({status}) without a code and a message: {answer}"
        );
    }
});
