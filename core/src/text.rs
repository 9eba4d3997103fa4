//! What a name or a note may not hide.
//!
//! Control characters are refused everywhere text comes in. So are the characters that are
//! not seen but change how the text around them is shown: bidirectional overrides,
//! embeddings, isolates and marks (which can make a name display as another, or reorder a
//! line of the lead's screen), and zero-width spaces, word joiners and byte-order marks
//! (which make two names that look the same differ). Written out by hand rather than "every
//! format character": the zero-width joiner and non-joiner (U+200D, U+200C) are format
//! characters too, and real names need them (Persian, the Indic scripts, emoji).

/// Whether `c` is hidden formatting a name or note must not carry.
pub fn is_hidden(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'                    // Arabic letter mark
            | '\u{180E}'              // Mongolian vowel separator
            | '\u{200B}'              // zero-width space
            | '\u{200E}'..='\u{200F}' // left-to-right and right-to-left marks
            | '\u{202A}'..='\u{202E}' // embeddings and overrides
            | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
            | '\u{2066}'..='\u{2069}' // isolates
            | '\u{FEFF}'              // byte-order mark, zero-width no-break space
    )
}

/// Control characters (`multiline` lets newlines and tabs through) or hidden formatting.
pub fn has_forbidden(s: &str, multiline: bool) -> bool {
    s.chars()
        .any(|c| (c.is_control() && !(multiline && (c == '\n' || c == '\t'))) || is_hidden(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bidi_and_zero_width_are_refused_but_joiners_in_real_names_are_not() {
        assert!(
            has_forbidden("Ana\u{202E}zeréP", false),
            "a right-to-left override"
        );
        assert!(has_forbidden("Ana\u{200B}", false), "a zero-width space");
        assert!(has_forbidden("\u{2067}Ana", false), "an isolate");
        assert!(has_forbidden("Ana\u{7}", false), "a bell");
        assert!(has_forbidden("line one\nline two", false));
        assert!(!has_forbidden("line one\nline two", true));
        assert!(
            !has_forbidden("می\u{200C}خواهم", false),
            "Persian needs the non-joiner"
        );
        assert!(
            !has_forbidden("👩\u{200D}👩\u{200D}👧", false),
            "an emoji family"
        );
        assert!(!has_forbidden("José Ñúñez-O'Brien", false));
    }
}
