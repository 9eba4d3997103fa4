//! Invite and device-link codes: human-typable (`KX4P-7MQ2`), from an alphabet without
//! look-alike characters; stored only as a keyed hash (HMAC-SHA-256) of the normalised
//! code, by both backends, under a [`CodeKey`] kept outside the database: a copy of the
//! database alone (a backup, a dump) cannot be used to test guesses offline. How long a code is follows what it opens: a volunteer's invite and a device
//! link (15 minutes, one use) take 8 symbols (39 bits, with the guessing limit in front of
//! them); a lead's or admin's invite, which opens every voter of the campaign, takes 20
//! (97 bits: not guessable at any rate, and not worth reversing from its hash).

use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use rand::{Rng, RngCore};
use sha2::{Digest, Sha256};

use crate::error::StoreError;

/// No 0/O, 1/I/L or U/V pairs to confuse on a phone keyboard or a handwritten note.
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTWXYZ";
/// Symbols in a volunteer's invite or a device-link code.
pub(crate) const SHORT_CODE: usize = 8;
/// Symbols in a lead's or admin's invite.
pub(crate) const LONG_CODE: usize = 20;

/// How many symbols an invite for `role` takes.
pub(crate) fn length_for(role: groundgame_core::Role) -> usize {
    if role.sees_whole_campaign() {
        LONG_CODE
    } else {
        SHORT_CODE
    }
}

/// Uppercase, without spaces or dashes: what a volunteer meant to type.
fn normalise(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The secret codes are hashed under: 32 random bytes, written as 64 hex digits in a file
/// only its owner can read. One per SQLite database (`<file>.code-key` beside it) or one
/// shared by every replica of a PostgreSQL database (`--code-key-file`). Losing it voids
/// only the codes not yet used (make new invites); people and devices are untouched.
#[derive(Clone, PartialEq, Eq)]
pub struct CodeKey([u8; 32]);

impl std::fmt::Debug for CodeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CodeKey({})", self.fingerprint())
    }
}

impl CodeKey {
    pub fn random() -> Self {
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        CodeKey(key)
    }

    pub(crate) fn from_bytes(bytes: &[u8]) -> Result<Self, StoreError> {
        let key: [u8; 32] = bytes.try_into().map_err(|_| {
            StoreError::Invalid(format!(
                "a code key is 32 bytes, this one is {}",
                bytes.len()
            ))
        })?;
        Ok(CodeKey(key))
    }

    pub(crate) fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Where an SQLite database keeps its key when none is named: beside the file.
    pub fn path_beside(database: &Path) -> PathBuf {
        let mut name = database.as_os_str().to_owned();
        name.push(".code-key");
        PathBuf::from(name)
    }

    /// The key in `path`, or a new one written there (readable by its owner only) when the
    /// file does not exist. A key file others can read is refused, as ssh refuses such a
    /// private key.
    pub fn load_or_create(path: &Path) -> Result<Self, StoreError> {
        use std::io::Write;
        let unreadable = |e: std::io::Error| {
            StoreError::Invalid(format!(
                "could not read the code key {}: {e}",
                path.display()
            ))
        };
        let key = Self::random();
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        match options.open(path) {
            Ok(mut file) => {
                file.write_all(format!("{}\n", hex::encode(key.0)).as_bytes())
                    .and_then(|()| file.sync_all())
                    .map_err(|e| {
                        StoreError::Invalid(format!(
                            "could not write the code key {}: {e}",
                            path.display()
                        ))
                    })?;
                Ok(key)
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Self::load(path),
            Err(e) => Err(unreadable(e)),
        }
    }

    /// The key in an existing file.
    pub fn load(path: &Path) -> Result<Self, StoreError> {
        let unreadable = |e: String| {
            StoreError::Invalid(format!(
                "could not read the code key {}: {e}",
                path.display()
            ))
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path)
                .map_err(|e| unreadable(e.to_string()))?
                .permissions()
                .mode();
            if mode & 0o077 != 0 {
                return Err(unreadable(format!(
                    "others can read it (mode {:o}); run chmod 600 on it",
                    mode & 0o777
                )));
            }
        }
        let text = std::fs::read_to_string(path).map_err(|e| unreadable(e.to_string()))?;
        let bytes = hex::decode(text.trim())
            .map_err(|_| unreadable("it is not 64 hexadecimal digits".into()))?;
        Self::from_bytes(&bytes).map_err(|_| unreadable("it is not 64 hexadecimal digits".into()))
    }

    /// What a code is stored under.
    pub(crate) fn hash(&self, code: &str) -> [u8; 32] {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("any key length");
        mac.update(normalise(code).as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// The hashes a typed code may be stored under: the keyed one, then the unkeyed
    /// SHA-256 that invites made before keys existed carry (until they expire).
    pub(crate) fn lookups(&self, code: &str) -> [[u8; 32]; 2] {
        [self.hash(code), unkeyed(code)]
    }

    /// Names the key without revealing it: PostgreSQL keeps this to refuse a replica
    /// started with a different key.
    pub fn fingerprint(&self) -> String {
        hex::encode(&self.hash("groundgame code key fingerprint")[..8])
    }
}

/// How codes were stored before they were keyed.
fn unkeyed(code: &str) -> [u8; 32] {
    Sha256::digest(normalise(code).as_bytes()).into()
}

/// A new code of `symbols` symbols (a multiple of 4), in groups of four: `KX4P-7MQ2`.
pub(crate) fn generate(symbols: usize) -> String {
    let mut rng = rand::rngs::OsRng;
    let chars: Vec<u8> = (0..symbols)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())])
        .collect();
    chars
        .chunks(4)
        .map(|group| String::from_utf8_lossy(group).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_typable_and_normalised() {
        let code = generate(SHORT_CODE);
        assert_eq!(code.len(), 9);
        assert_eq!(&code[4..5], "-");
        assert!(code.replace('-', "").bytes().all(|b| ALPHABET.contains(&b)));
        let key = CodeKey::random();
        assert_eq!(
            key.hash(&code),
            key.hash(&code.to_lowercase().replace('-', " "))
        );
    }

    #[test]
    fn the_same_code_hashes_differently_under_another_key() {
        let code = generate(SHORT_CODE);
        let (a, b) = (CodeKey::random(), CodeKey::random());
        assert_ne!(a.hash(&code), b.hash(&code));
        assert_ne!(a.hash(&code), unkeyed(&code));
        assert_eq!(a.lookups(&code)[1], unkeyed(&code));
        assert_ne!(a.fingerprint(), b.fingerprint());
        assert!(!format!("{a:?}").contains(&hex::encode(a.as_bytes())));
    }

    #[test]
    fn a_key_file_is_made_once_private_and_refused_when_others_can_read_it() {
        let dir = tempfile::tempdir().expect("dir");
        let path = CodeKey::path_beside(&dir.path().join("g.sqlite"));
        assert!(path.ends_with("g.sqlite.code-key"));
        let made = CodeKey::load_or_create(&path).expect("made");
        assert_eq!(CodeKey::load_or_create(&path).expect("again"), made);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
            let err = CodeKey::load(&path).expect_err("readable by others");
            assert!(err.to_string().contains("chmod 600"), "{err}");
        }
        std::fs::write(dir.path().join("bad"), "not hex").expect("write");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(
                dir.path().join("bad"),
                std::fs::Permissions::from_mode(0o600),
            )
            .expect("chmod");
        }
        let err = CodeKey::load(&dir.path().join("bad")).expect_err("not a key");
        assert!(err.to_string().contains("hexadecimal"), "{err}");
    }

    #[test]
    fn a_leads_code_has_far_more_entropy_than_a_volunteers() {
        use groundgame_core::Role;
        let bits = |symbols: usize| symbols as f64 * (ALPHABET.len() as f64).log2();
        assert!(bits(length_for(Role::Volunteer)) > 38.0);
        assert!(bits(length_for(Role::Lead)) > 96.0);
        assert_eq!(length_for(Role::Admin), LONG_CODE);
        let code = generate(LONG_CODE);
        assert_eq!(code.len(), 24, "{code}");
        assert_eq!(code.matches('-').count(), 4);
        assert_ne!(generate(LONG_CODE), code);
    }
}
