//! The phone entry point (`dx bundle --platform android|ios` with the `mobile` feature):
//! opens the store in the app's private data folder and launches the same [`App`] as the
//! desktop window. The mobile launcher runs a multi-thread tokio runtime, so the
//! background sync loop starts from the App like everywhere else.

use std::sync::Arc;

use crate::store::{Store, StoreError};
use crate::system_clock;
use crate::ui::{default_data_dir, App, Services};

/// Open the store and launch the app. Returns only on a start-up error.
pub fn launch_mobile() -> Result<(), StoreError> {
    let dir = default_data_dir();
    if let Err(e) = std::fs::create_dir_all(&dir) {
        tracing::error!("could not create the data folder: {e}");
    }
    let store = Arc::new(Store::open_on_device(
        &dir.join("groundgame.sqlite"),
        system_clock(),
    )?);
    let services = Services::new(store, true, "Phone");
    dioxus::LaunchBuilder::mobile()
        .with_context(services)
        .launch(App);
    Ok(())
}
