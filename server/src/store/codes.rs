//! Invite and device-link codes: short, human-typable (`KX4P-7MQ2`), from an alphabet
//! without look-alike characters; stored only as the SHA-256 of the normalised code, by
//! both backends.

use rand::Rng;
use sha2::{Digest, Sha256};

/// No 0/O, 1/I/L or U/V pairs to confuse on a phone keyboard or a handwritten note.
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTWXYZ";
const CODE_CHARS: usize = 8;

/// Uppercase, without spaces or dashes: what a volunteer meant to type.
fn normalise(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

pub(crate) fn hash(code: &str) -> [u8; 32] {
    Sha256::digest(normalise(code).as_bytes()).into()
}

pub(crate) fn generate() -> String {
    let mut rng = rand::rngs::OsRng;
    let chars: String = (0..CODE_CHARS)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    format!("{}-{}", &chars[..4], &chars[4..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_typable_and_normalised() {
        let code = generate();
        assert_eq!(code.len(), 9);
        assert_eq!(&code[4..5], "-");
        assert!(code.replace('-', "").bytes().all(|b| ALPHABET.contains(&b)));
        assert_eq!(hash(&code), hash(&code.to_lowercase().replace('-', " ")));
    }
}
