//! The desktop window: opens the device's store in `data_dir`, starts the background sync
//! loop (on the Dioxus desktop's tokio runtime, from the App) and shows Join when this
//! device has not joined a campaign, else Home.

use std::path::PathBuf;
use std::sync::Arc;

use dioxus::desktop::{Config, LogicalSize, WindowBuilder};

use crate::store::Store;
use crate::system_clock;
use crate::ui::{App, Services, MAIN_CSS_TEXT};

/// The database file inside the data directory.
pub const DB_FILE: &str = "groundgame.sqlite";

/// Why the window could not start.
#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    #[error("could not create the data folder {path} ({source}); check that the disk is not full or read-only")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// Open the store and the window. Returns only on a start-up error (the window's event
/// loop never returns).
pub fn launch_desktop(data_dir: PathBuf) -> Result<(), LaunchError> {
    std::fs::create_dir_all(&data_dir).map_err(|source| LaunchError::DataDir {
        path: data_dir.clone(),
        source,
    })?;
    let store = Arc::new(Store::open_on_device(
        &data_dir.join(DB_FILE),
        system_clock(),
    )?);
    let services = Services::new(store, true, "Desktop");
    let window = WindowBuilder::new()
        .with_title("Groundgame")
        .with_inner_size(LogicalSize::new(480.0, 860.0));
    let config = Config::new()
        .with_window(window)
        .with_menu(None)
        .with_background_color((17, 20, 24, 255))
        .with_data_directory(data_dir.join("webview"))
        // Inline the style sheet too: without `dx bundle` the asset may not be served.
        .with_custom_head(format!("<style>{MAIN_CSS_TEXT}</style>"));
    dioxus::LaunchBuilder::desktop()
        .with_cfg(config)
        .with_context(services)
        .launch(App);
    Ok(())
}
