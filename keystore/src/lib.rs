//! The platform's keystore, for the one secret the app keeps: the key its database is
//! encrypted with.
//!
//! Each platform's own store, through the keyring ecosystem's crates (`keyring-core` and one
//! store crate per platform) rather than hand-written bindings:
//! - **Android**: the Android Keystore (a Keystore-held AES key wraps the secret, which is
//!   kept in the app's SharedPreferences) — `android-native-keyring-store`;
//! - **iOS**: the data-protection keychain, in the app's own access group, never synced to
//!   iCloud — `apple-native-keyring-store`; **macOS**: the login keychain;
//! - **Linux and the BSDs**: the desktop's secret service (GNOME Keyring, KWallet,
//!   KeePassXC) over D-Bus — `zbus-secret-service-keyring-store`, pure Rust;
//! - **Windows**: the Credential Manager, the item kept on this computer only (`Local`
//!   persistence, never roaming with a domain profile), encrypted by Windows for the
//!   signed-in user — `windows-native-keyring-store`.
//!
//! Elsewhere [`Keystore::open`] says there is none, and the app keeps the key in a private
//! file instead.
//!
//! Every call runs on a short-lived thread of its own and is given up after a set wait: a
//! desktop keyring can sit behind an unlock prompt nobody answers, and the app must say so
//! rather than hang. A call given up keeps running on its thread and its answer is dropped.
//!
//! Nothing here logs, and no error carries a secret's bytes.

use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use keyring_core::{CredentialStore, Entry};
use zeroize::Zeroizing;

/// The keystore service every item is filed under: the app's bundle identifier.
pub const SERVICE: &str = "org.groundgame.field";

/// Why the keystore could not be used. Messages are plain words: the app puts them in
/// front of a volunteer.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("this device has no keystore the app can use")]
    NoKeystore,
    #[error("{keystore} did not answer within {} seconds", after.as_secs())]
    TimedOut {
        keystore: &'static str,
        after: Duration,
    },
    #[error("{keystore} could not be used: {reason}")]
    Failed {
        keystore: &'static str,
        reason: String,
    },
    #[error("what {keystore} holds for this app is damaged")]
    Damaged { keystore: &'static str },
}

/// One item in the platform's keystore: the secret filed under [`SERVICE`] and an account
/// name the app chooses.
pub struct Keystore {
    entry: Arc<Entry>,
    wait: Duration,
}

impl Keystore {
    /// The item `account` in this platform's keystore, once the keystore has answered a
    /// look-up within `wait` (which unlocks it, where it is locked and the platform asks).
    pub fn open(account: &str, wait: Duration) -> Result<Keystore, Error> {
        let account = account.to_owned();
        let entry = within(wait, move || {
            let store = platform_store()?;
            let entry = new_entry(&store, &account)?;
            match entry.get_secret() {
                Ok(_) | Err(keyring_core::Error::NoEntry) => Ok(entry),
                Err(e) => Err(e),
            }
        })?
        .map_err(describe)?;
        Ok(Keystore {
            entry: Arc::new(entry),
            wait,
        })
    }

    /// What this platform's keystore is called, in words for a volunteer.
    pub fn name() -> &'static str {
        KEYSTORE
    }

    /// The secret, if one is kept.
    pub fn load(&self) -> Result<Option<Zeroizing<Vec<u8>>>, Error> {
        let entry = self.entry.clone();
        match within(self.wait, move || entry.get_secret().map(Zeroizing::new))? {
            Ok(secret) => Ok(Some(secret)),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(describe(e)),
        }
    }

    /// Keep `secret`, replacing what was kept.
    pub fn store(&self, secret: &[u8]) -> Result<(), Error> {
        let entry = self.entry.clone();
        let secret = Zeroizing::new(secret.to_vec());
        within(self.wait, move || entry.set_secret(&secret))?.map_err(describe)
    }

    /// Delete the item; one that is not there is fine.
    pub fn destroy(&self) -> Result<(), Error> {
        let entry = self.entry.clone();
        match within(self.wait, move || entry.delete_credential())? {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(describe(e)),
        }
    }
}

/// Run `f` on a thread of its own and wait at most `wait` for its answer.
fn within<T: Send + 'static>(
    wait: Duration,
    f: impl FnOnce() -> keyring_core::Result<T> + Send + 'static,
) -> Result<keyring_core::Result<T>, Error> {
    let (tx, rx) = mpsc::sync_channel(1);
    std::thread::Builder::new()
        .name("keystore".into())
        .spawn(move || {
            let _ = tx.send(f());
        })
        .map_err(|e| Error::Failed {
            keystore: KEYSTORE,
            reason: format!("no thread to ask it on ({e})"),
        })?;
    match rx.recv_timeout(wait) {
        Ok(answer) => Ok(answer),
        Err(_) => Err(Error::TimedOut {
            keystore: KEYSTORE,
            after: wait,
        }),
    }
}

/// A keyring error in words, never with the bytes some variants carry.
fn describe(e: keyring_core::Error) -> Error {
    use keyring_core::Error as K;
    let reason = match e {
        K::NoEntry => "nothing is kept for this app".to_owned(),
        K::NoDefaultStore => return Error::NoKeystore,
        K::BadEncoding(_) | K::BadDataFormat(..) | K::BadStoreFormat(_) => {
            return Error::Damaged { keystore: KEYSTORE }
        }
        K::PlatformFailure(p) => p.to_string(),
        K::NoStorageAccess(p) => format!("it is locked or refused access ({p})"),
        other => other.to_string(),
    };
    Error::Failed {
        keystore: KEYSTORE,
        reason,
    }
}

/// This platform's store, made once it has connected (a failure is tried again next time:
/// a desktop user may start their keyring and reopen the app).
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    static STORE: Mutex<Option<Arc<CredentialStore>>> = Mutex::new(None);
    let mut kept = STORE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(store) = kept.as_ref() {
        return Ok(store.clone());
    }
    let store = connect()?;
    *kept = Some(store.clone());
    Ok(store)
}

#[cfg(target_os = "android")]
const KEYSTORE: &str = "the Android Keystore";
#[cfg(target_os = "android")]
fn connect() -> keyring_core::Result<Arc<CredentialStore>> {
    let store: Arc<CredentialStore> = android_native_keyring_store::Store::new()?;
    Ok(store)
}

#[cfg(target_os = "ios")]
const KEYSTORE: &str = "the iOS Keychain";
#[cfg(target_os = "ios")]
fn connect() -> keyring_core::Result<Arc<CredentialStore>> {
    // The default configuration: this app's access group, no iCloud sync.
    let store: Arc<CredentialStore> = apple_native_keyring_store::protected::Store::new()?;
    Ok(store)
}

#[cfg(target_os = "macos")]
const KEYSTORE: &str = "the macOS Keychain";
#[cfg(target_os = "macos")]
fn connect() -> keyring_core::Result<Arc<CredentialStore>> {
    let store: Arc<CredentialStore> = apple_native_keyring_store::keychain::Store::new()?;
    Ok(store)
}

#[cfg(all(
    unix,
    not(any(target_os = "android", target_os = "ios", target_os = "macos"))
))]
const KEYSTORE: &str = "the desktop's keyring (secret service)";
#[cfg(all(
    unix,
    not(any(target_os = "android", target_os = "ios", target_os = "macos"))
))]
fn connect() -> keyring_core::Result<Arc<CredentialStore>> {
    let store: Arc<CredentialStore> = zbus_secret_service_keyring_store::Store::new()?;
    Ok(store)
}

#[cfg(windows)]
const KEYSTORE: &str = "the Windows Credential Manager";
#[cfg(windows)]
fn connect() -> keyring_core::Result<Arc<CredentialStore>> {
    let store: Arc<CredentialStore> = windows_native_keyring_store::Store::new()?;
    Ok(store)
}

#[cfg(not(any(unix, windows)))]
const KEYSTORE: &str = "no keystore";
#[cfg(not(any(unix, windows)))]
fn connect() -> keyring_core::Result<Arc<CredentialStore>> {
    Err(keyring_core::Error::NoDefaultStore)
}

/// The keystore item for `account`. On Windows it is written to stay on this computer: the
/// Credential Manager's default would roam with a domain profile to every computer the user
/// signs in to, and the key belongs with the one database it opens.
fn new_entry(store: &Arc<CredentialStore>, account: &str) -> keyring_core::Result<Entry> {
    if cfg!(windows) {
        let local = std::collections::HashMap::from([("persistence", "Local")]);
        Entry::new_in_store_with_modifiers(store, SERVICE, account, &local)
    } else {
        Entry::new_in_store(store, SERVICE, account)
    }
}
