//! Invite and device-link codes: human-typable (`KX4P-7MQ2`), from an alphabet without
//! look-alike characters; stored only as the SHA-256 of the normalised code, by both
//! backends. How long a code is follows what it opens: a volunteer's invite and a device
//! link (15 minutes, one use) take 8 symbols (39 bits, with the guessing limit in front of
//! them); a lead's or admin's invite, which opens every voter of the campaign, takes 20
//! (97 bits: not guessable at any rate, and not worth reversing from its hash).

use rand::Rng;
use sha2::{Digest, Sha256};

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

pub(crate) fn hash(code: &str) -> [u8; 32] {
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
        assert_eq!(hash(&code), hash(&code.to_lowercase().replace('-', " ")));
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
