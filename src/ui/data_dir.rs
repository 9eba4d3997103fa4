//! Where the app keeps its data on each platform, the way the `dirs` crate would decide,
//! without pulling in desktop-only APIs: Android and iOS give every app a private
//! directory (the mobile launcher exports it as `HOME` or a platform variable); desktops
//! follow their usual conventions. `GROUNDGAME_DATA` overrides everything (tests, kiosks).

use std::path::PathBuf;

/// The app's folder name.
const APP_DIR: &str = "groundgame";

/// The data directory for this platform (not created here).
pub fn default_data_dir() -> PathBuf {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(dir) = env("GROUNDGAME_DATA") {
        return dir;
    }
    platform_dir(env).unwrap_or_else(|| PathBuf::from(".").join(APP_DIR))
}

#[cfg(target_os = "android")]
fn platform_dir(env: impl Fn(&str) -> Option<PathBuf>) -> Option<PathBuf> {
    // The app's private files directory; HOME points inside it under the mobile launcher.
    env("ANDROID_DATA_DIR")
        .or_else(|| env("HOME"))
        .or_else(|| env("TMPDIR"))
        .map(|d| d.join(APP_DIR))
}

#[cfg(target_os = "ios")]
fn platform_dir(env: impl Fn(&str) -> Option<PathBuf>) -> Option<PathBuf> {
    // The sandbox's Library/Application Support (backed up, private to the app).
    env("HOME").map(|h| h.join("Library").join("Application Support").join(APP_DIR))
}

#[cfg(target_os = "macos")]
fn platform_dir(env: impl Fn(&str) -> Option<PathBuf>) -> Option<PathBuf> {
    env("HOME").map(|h| h.join("Library").join("Application Support").join(APP_DIR))
}

#[cfg(target_os = "windows")]
fn platform_dir(env: impl Fn(&str) -> Option<PathBuf>) -> Option<PathBuf> {
    env("APPDATA").map(|d| d.join(APP_DIR))
}

#[cfg(not(any(
    target_os = "android",
    target_os = "ios",
    target_os = "macos",
    target_os = "windows"
)))]
fn platform_dir(env: impl Fn(&str) -> Option<PathBuf>) -> Option<PathBuf> {
    env("XDG_DATA_HOME")
        .or_else(|| env("HOME").map(|h| h.join(".local").join("share")))
        .map(|d| d.join(APP_DIR))
}

#[cfg(test)]
mod tests {
    #[test]
    fn ends_in_the_app_folder() {
        let dir = super::default_data_dir();
        assert!(
            std::env::var_os("GROUNDGAME_DATA").is_some() || dir.ends_with(super::APP_DIR),
            "{}",
            dir.display()
        );
    }
}
