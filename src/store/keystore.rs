//! The device's database key in the platform keystore, where there is one.
//!
//! On a phone or a desktop with a keyring, [`device_vault`] keeps the key in the platform's
//! keystore (`groundgame-keystore`: the Android Keystore, the iOS or macOS Keychain, the
//! desktop's secret service) and beside the database leaves only a marker,
//! `<db>.keystore`, naming the keystore item (`account=device-<uuid>`: moving the data
//! folder keeps its key). Where there is none it keeps the key in a [`KeyFile`].
//!
//! Which one holds the key never flips behind the volunteer's back, because a wrong
//! guess would read as "the key is gone" and the store would start again without the
//! records still waiting to sync:
//! - a marker means the keystore holds the key. If the keystore does not answer (a locked
//!   keyring, a desktop session with none running), opening fails with words saying so
//!   and nothing on the device is changed;
//! - a key file means the file holds the key, for as long as it exists. When a keystore
//!   turns up, the key is moved into it: marker written, key stored, read back and
//!   compared, and only then the file destroyed. A move cut short at any point leaves the
//!   file, which is still the key, and the next open finishes the move;
//! - with neither (a first launch, or after a revocation's wipe), a keystore that answers
//!   within a few seconds gets the new key; otherwise a key file does.
//!
//! `GROUNDGAME_KEYSTORE=off` keeps new keys in files (test suites, headless machines): it
//! never overrides a marker.

use std::path::{Path, PathBuf};
use std::time::Duration;

use groundgame_keystore::Keystore;

use super::key::{sync_folder, DbKey, KeyError, KeyFile, KeyVault};

/// How long to wait for a keystore known to hold the key: time to answer an unlock prompt.
const WAIT_HOLDING: Duration = Duration::from_secs(120);
/// How long a launch with no key yet waits to learn whether there is a keystore.
const WAIT_PROBE: Duration = Duration::from_secs(5);

/// The key vault the app uses on a device: see the module's documentation.
pub fn device_vault(db: &Path) -> Result<Box<dyn KeyVault>, KeyError> {
    let file = KeyFile::beside(db);
    let marker = marker_beside(db);
    let in_file = file.load()?;
    if let Some(account) = read_marker(&marker)? {
        let Some(key) = in_file else {
            return Ok(Box::new(KeystoreVault::open(
                marker,
                account,
                WAIT_HOLDING,
            )?));
        };
        // A move into the keystore was cut short: the file is still the key.
        return Ok(move_into_keystore(
            &file,
            key,
            marker,
            account,
            WAIT_HOLDING,
        ));
    }
    if std::env::var("GROUNDGAME_KEYSTORE").is_ok_and(|v| v == "off") {
        return Ok(Box::new(file));
    }
    let account = format!("device-{}", uuid::Uuid::new_v4());
    match in_file {
        Some(key) => Ok(move_into_keystore(&file, key, marker, account, WAIT_PROBE)),
        None => match KeystoreVault::open(marker, account, WAIT_PROBE) {
            Ok(vault) => Ok(Box::new(vault)),
            Err(e) => {
                tracing::info!(reason = %e, "no keystore answered: the database key is kept in a private file");
                Ok(Box::new(file))
            }
        },
    }
}

/// Move the key in `file` into the keystore, or go on with the file if that cannot be done
/// now (it stays the key, and the next open tries again).
fn move_into_keystore(
    file: &KeyFile,
    key: DbKey,
    marker: PathBuf,
    account: String,
    wait: Duration,
) -> Box<dyn KeyVault> {
    let moved = KeystoreVault::open(marker, account, wait).and_then(|vault| {
        if !vault.load()?.is_some_and(|kept| kept.same_as(&key)) {
            vault.store(&key)?;
        }
        if !vault.load()?.is_some_and(|kept| kept.same_as(&key)) {
            return Err(KeyError::Keystore {
                keystore: Keystore::name(),
                reason: "it gave back another key than the one stored".into(),
            });
        }
        file.destroy()?;
        Ok(vault)
    });
    match moved {
        Ok(vault) => {
            tracing::info!("the database key was moved from its file into the keystore");
            Box::new(vault)
        }
        Err(e) => {
            tracing::info!(reason = %e, "the database key stays in its private file for now");
            Box::new(file.clone())
        }
    }
}

/// `<database file>.keystore`: the marker saying the key is in the keystore, and under what.
pub fn marker_beside(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(".keystore");
    db.with_file_name(name)
}

/// The key in the platform keystore, under `account`.
pub struct KeystoreVault {
    keystore: Keystore,
    marker: PathBuf,
    account: String,
}

impl KeystoreVault {
    fn open(marker: PathBuf, account: String, wait: Duration) -> Result<KeystoreVault, KeyError> {
        let keystore = Keystore::open(&account, wait).map_err(keystore_error)?;
        Ok(KeystoreVault {
            keystore,
            marker,
            account,
        })
    }
}

impl KeyVault for KeystoreVault {
    fn load(&self) -> Result<Option<DbKey>, KeyError> {
        let Some(secret) = self.keystore.load().map_err(keystore_error)? else {
            return Ok(None);
        };
        let bytes: [u8; 32] = secret
            .as_slice()
            .try_into()
            .map_err(|_| KeyError::Keystore {
                keystore: Keystore::name(),
                reason: "what it holds for this app is not a database key".into(),
            })?;
        Ok(Some(DbKey::from_bytes(bytes)))
    }

    /// The marker first, then the key: a crash between them leaves a marker naming nothing,
    /// which reads as "no key yet" — and no page was written under this key yet.
    fn store(&self, key: &DbKey) -> Result<(), KeyError> {
        write_marker(&self.marker, &self.account)?;
        self.keystore.store(key.bytes()).map_err(keystore_error)
    }

    /// The key first, then the marker.
    fn destroy(&self) -> Result<(), KeyError> {
        self.keystore.destroy().map_err(keystore_error)?;
        let io = |source| KeyError::Io {
            path: self.marker.clone(),
            source,
        };
        match std::fs::remove_file(&self.marker) {
            Ok(()) => sync_folder(&self.marker).map_err(io),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io(e)),
        }
    }
}

fn keystore_error(e: groundgame_keystore::Error) -> KeyError {
    KeyError::Keystore {
        keystore: Keystore::name(),
        reason: e.to_string(),
    }
}

const MARKER_HEAD: &str =
    "# Groundgame: the key to this database is kept in the platform keystore, under:\n";

fn write_marker(marker: &Path, account: &str) -> Result<(), KeyError> {
    use std::io::Write;
    let io = |source| KeyError::Io {
        path: marker.to_path_buf(),
        source,
    };
    let mut file = atomic_write_file::AtomicWriteFile::open(marker).map_err(io)?;
    file.write_all(format!("{MARKER_HEAD}account={account}\n").as_bytes())
        .map_err(io)?;
    file.commit().map_err(io)
}

/// The account a marker names; `None` when there is no marker.
fn read_marker(marker: &Path) -> Result<Option<String>, KeyError> {
    let text = match std::fs::read_to_string(marker) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(KeyError::Io {
                path: marker.to_path_buf(),
                source,
            })
        }
    };
    text.lines()
        .find_map(|line| line.strip_prefix("account="))
        .map(str::trim)
        .filter(|a| {
            !a.is_empty()
                && a.len() <= 100
                && a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        .map(|a| Some(a.to_owned()))
        .ok_or_else(|| KeyError::Damaged(marker.to_path_buf()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marker_names_its_account_and_a_damaged_one_is_refused() {
        let dir = tempfile::tempdir().expect("dir");
        let db = dir.path().join("groundgame.sqlite");
        let marker = marker_beside(&db);
        assert_eq!(marker, dir.path().join("groundgame.sqlite.keystore"));
        assert!(read_marker(&marker).expect("read").is_none());
        write_marker(&marker, "device-0190-abc").expect("write");
        assert_eq!(
            read_marker(&marker).expect("read").as_deref(),
            Some("device-0190-abc")
        );
        std::fs::write(&marker, "account=../../etc\n").expect("write");
        assert!(matches!(read_marker(&marker), Err(KeyError::Damaged(_))));
        std::fs::write(&marker, "nothing here\n").expect("write");
        assert!(matches!(read_marker(&marker), Err(KeyError::Damaged(_))));
    }
}
