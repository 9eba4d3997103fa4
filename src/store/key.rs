//! The key the device's database is encrypted with, and where it is kept.
//!
//! The local store is a SQLCipher database (rusqlite's bundled SQLCipher with vendored
//! OpenSSL, so no phone build needs a system OpenSSL): every page on disk, the write-ahead
//! log's included, is AES-256 encrypted and authenticated under a random 32-byte key made on
//! this device. The key is handed to SQLCipher raw (`x'…'`), so opening the file derives
//! nothing (no PBKDF2 on the volunteer's path).
//!
//! A [`KeyVault`] keeps the key. [`KeyFile`] is a `0600` file beside the database, in the
//! app's private folder (on a phone, the app's sandbox). The app itself opens its store with
//! [`Store::open_on_device`](super::Store::open_on_device), whose vault
//! ([`device_vault`](super::keystore::device_vault)) keeps the key in the platform's keystore
//! (the Android Keystore, the iOS Keychain, the desktop's secret service) where there is one,
//! and in a `KeyFile` otherwise.
//!
//! Revoking a device destroys the key before anything else (see
//! [`Store::wipe_for_revocation`](super::Store::wipe_for_revocation)): whatever pages the
//! flash still holds afterwards are ciphertext nobody can read.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use rand::RngCore;
use zeroize::Zeroizing;

/// A database key: 32 random bytes, zeroed when dropped.
#[derive(Clone)]
pub struct DbKey(Zeroizing<[u8; 32]>);

impl DbKey {
    /// A fresh key from the operating system's random source.
    pub fn random() -> DbKey {
        let mut bytes = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(bytes.as_mut());
        DbKey(bytes)
    }

    pub fn from_bytes(bytes: [u8; 32]) -> DbKey {
        DbKey(Zeroizing::new(bytes))
    }

    /// The key's bytes, for a keystore to keep. Never log them.
    pub(super) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Whether two keys are the same key.
    pub(super) fn same_as(&self, other: &DbKey) -> bool {
        self.0.as_ref() == other.0.as_ref()
    }

    /// The key as SQLCipher's raw-key literal, `x'<64 hex digits>'`, which skips key
    /// derivation. Never log it.
    pub(super) fn sqlcipher_literal(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("x'{}'", hex::encode(self.0.as_ref())))
    }
}

impl std::fmt::Debug for DbKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbKey(…)")
    }
}

/// Why the key could not be had or destroyed. Messages say what to do next.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(
        "the key to this device's data could not be read or saved at {path} ({source}); \
         check that the app's storage is not full or read-only, then restart the app"
    )]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the key to this device's data at {0} is damaged (not 32 bytes); the data cannot be \
         read without it: ask your lead for a new invite code and join again"
    )]
    Damaged(PathBuf),
    #[error(
        "the key to this device's data is kept in {keystore}, which could not be used \
         ({reason}); unlock it (or sign in to this device again), then restart the app. \
         Nothing on this device was changed"
    )]
    Keystore {
        keystore: &'static str,
        reason: String,
    },
}

/// Where a device keeps its database key.
pub trait KeyVault: Send + Sync {
    /// The key, if one is kept.
    fn load(&self) -> Result<Option<DbKey>, KeyError>;
    /// Keep `key` (the first key, or a new one after a wipe), durably, before any page is
    /// written under it.
    fn store(&self, key: &DbKey) -> Result<(), KeyError>;
    /// Destroy the key so that nothing written under it can be read again.
    fn destroy(&self) -> Result<(), KeyError>;
}

/// The key in a file only this user may read (`0600` where the platform has modes), written
/// whole (temporary sibling, fsync, rename, folder fsync) so a crash never leaves half a key.
#[derive(Debug, Clone)]
pub struct KeyFile {
    path: PathBuf,
}

impl KeyFile {
    pub fn new(path: PathBuf) -> KeyFile {
        KeyFile { path }
    }

    /// `<database file>.key`, beside the database in the app's private folder.
    pub fn beside(db: &Path) -> KeyFile {
        let mut name = db.file_name().unwrap_or_default().to_os_string();
        name.push(".key");
        KeyFile::new(db.with_file_name(name))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn io(&self, source: std::io::Error) -> KeyError {
        KeyError::Io {
            path: self.path.clone(),
            source,
        }
    }
}

impl KeyVault for KeyFile {
    fn load(&self) -> Result<Option<DbKey>, KeyError> {
        let mut file = match File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(self.io(e)),
        };
        restrict(&file).map_err(|e| self.io(e))?;
        let mut bytes = Zeroizing::new(Vec::with_capacity(33));
        file.read_to_end(&mut bytes).map_err(|e| self.io(e))?;
        let key: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| KeyError::Damaged(self.path.clone()))?;
        Ok(Some(DbKey::from_bytes(key)))
    }

    fn store(&self, key: &DbKey) -> Result<(), KeyError> {
        let mut tmp = self.path.clone().into_os_string();
        tmp.push(".new");
        let tmp = PathBuf::from(tmp);
        let _ = std::fs::remove_file(&tmp);
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let write = || -> std::io::Result<()> {
            let mut file = options.open(&tmp)?;
            file.write_all(key.0.as_ref())?;
            file.sync_all()?;
            std::fs::rename(&tmp, &self.path)?;
            sync_folder(&self.path)
        };
        write().map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            self.io(e)
        })
    }

    /// Overwrite the key in place and sync, then remove the file and sync its folder: the
    /// name is gone, and the blocks the file system reuses held zeros, not the key.
    fn destroy(&self) -> Result<(), KeyError> {
        let run = || -> std::io::Result<()> {
            match OpenOptions::new().write(true).open(&self.path) {
                Ok(mut file) => {
                    file.write_all(&[0u8; 32])?;
                    file.sync_all()?;
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
                Err(e) => return Err(e),
            }
            std::fs::remove_file(&self.path)?;
            sync_folder(&self.path)
        };
        run().map_err(|e| self.io(e))
    }
}

/// A key file someone loosened (a backup restored with other modes) is made private again.
fn restrict(file: &File) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = file.metadata()?.permissions().mode();
        if mode & 0o077 != 0 {
            tracing::warn!("the database key file was readable by others; made private again");
            file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

/// Make a rename or removal in `path`'s folder durable.
pub(super) fn sync_folder(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        File::open(dir)?.sync_all()?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_file_is_private_whole_and_destroyed_for_good() {
        let dir = tempfile::tempdir().expect("dir");
        let vault = KeyFile::beside(&dir.path().join("groundgame.sqlite"));
        assert_eq!(vault.path(), dir.path().join("groundgame.sqlite.key"));
        assert!(vault.load().expect("load").is_none());
        let key = DbKey::random();
        vault.store(&key).expect("store");
        let back = vault.load().expect("load").expect("kept");
        assert_eq!(back.0.as_ref(), key.0.as_ref());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(vault.path())
                .expect("meta")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
            std::fs::set_permissions(vault.path(), std::fs::Permissions::from_mode(0o644))
                .expect("loosen");
            vault.load().expect("load").expect("kept");
            let mode = std::fs::metadata(vault.path())
                .expect("meta")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "made private again");
        }
        assert!(!format!("{key:?}").contains(&hex::encode(key.0.as_ref())[..8]));
        vault.destroy().expect("destroy");
        assert!(!vault.path().exists());
        assert!(vault.load().expect("load").is_none());
        vault.destroy().expect("destroying twice is fine");
        std::fs::write(vault.path(), b"short").expect("write");
        assert!(matches!(vault.load(), Err(KeyError::Damaged(_))));
    }
}
