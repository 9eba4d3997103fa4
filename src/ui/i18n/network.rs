//! The network screens' sentences with numbers in them, and the import report's reasons,
//! in English and Spanish (fixed words are in `ui::i18n`'s "My network" block).

use groundgame_core::event::{AskAnswer, AskKind};
use groundgame_core::network::import::{ImportError, IssueReason};
use groundgame_core::network::Relationship;

use crate::ui::i18n::{Lang, Msg};

/// "$1,234.50" (cents shown only when there are some).
pub fn money(cents: u64) -> String {
    let dollars = cents / 100;
    let digits = dollars.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match cents % 100 {
        0 => format!("${grouped}"),
        rest => format!("${grouped}.{rest:02}"),
    }
}

/// Dollars as typed ("25", "25.5", "$1,000.00") → cents; None when it is not an amount.
pub fn parse_dollars(text: &str) -> Option<u32> {
    let t: String = text
        .trim()
        .trim_start_matches('$')
        .chars()
        .filter(|c| *c != ',' && !c.is_whitespace())
        .collect();
    if t.is_empty() {
        return None;
    }
    let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
    if whole.is_empty() && frac.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 2
        || whole.len() > 7
    {
        return None;
    }
    let whole: u32 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let frac: u32 = match frac.len() {
        0 => 0,
        1 => frac.parse::<u32>().ok()? * 10,
        _ => frac.parse().ok()?,
    };
    whole.checked_mul(100)?.checked_add(frac)
}

/// "$25 given of $50 promised".
pub fn given_of_promised(lang: Lang, given: u64, promised: u64) -> String {
    match lang {
        Lang::En => format!("{} given of {} promised", money(given), money(promised)),
        Lang::Es => format!("{} donados de {} prometidos", money(given), money(promised)),
    }
}

/// "3 waiting to sync".
pub fn waiting(lang: Lang, n: u64) -> String {
    match (lang, n) {
        (Lang::En, 1) => "1 contact record waiting to sync".into(),
        (Lang::En, n) => format!("{n} contact records waiting to sync"),
        (Lang::Es, 1) => "1 registro de contactos por sincronizar".into(),
        (Lang::Es, n) => format!("{n} registros de contactos por sincronizar"),
    }
}

/// "12 contacts".
pub fn contacts(lang: Lang, n: u32) -> String {
    match (lang, n) {
        (Lang::En, 1) => "1 contact".into(),
        (Lang::En, n) => format!("{n} contacts"),
        (Lang::Es, 1) => "1 contacto".into(),
        (Lang::Es, n) => format!("{n} contactos"),
    }
}

/// Before importing: "5 contacts will be imported; 2 left out".
pub fn import_preview(lang: Lang, add: usize, skipped: usize) -> String {
    match lang {
        Lang::En => format!(
            "{add} {} will be imported; {skipped} left out.",
            if add == 1 { "contact" } else { "contacts" }
        ),
        Lang::Es => format!(
            "Se importarán {add} {}; {skipped} se omiten.",
            if add == 1 { "contacto" } else { "contactos" }
        ),
    }
}

/// After importing: "Imported 5 contacts."
pub fn imported(lang: Lang, n: usize) -> String {
    match (lang, n) {
        (Lang::En, 1) => "Imported 1 contact.".into(),
        (Lang::En, n) => format!("Imported {n} contacts."),
        (Lang::Es, 1) => "Se importó 1 contacto.".into(),
        (Lang::Es, n) => format!("Se importaron {n} contactos."),
    }
}

/// One report line: "Line 12: left out — no name".
pub fn issue(lang: Lang, line: usize, skipped: bool, reason: &IssueReason) -> String {
    let what = match (lang, skipped) {
        (Lang::En, true) => "left out",
        (Lang::En, false) => "imported without it",
        (Lang::Es, true) => "omitido",
        (Lang::Es, false) => "importado sin ese dato",
    };
    let word = match lang {
        Lang::En => "Line",
        Lang::Es => "Línea",
    };
    format!("{word} {line}: {what} — {}", reason_text(lang, reason))
}

fn reason_text(lang: Lang, reason: &IssueReason) -> String {
    if lang == Lang::En {
        return reason.english();
    }
    match reason {
        IssueReason::NoName => "no tiene nombre".into(),
        IssueReason::NameTooLong => "el nombre es demasiado largo".into(),
        IssueReason::BadPhone(p) => format!("«{p}» no es un número que se pueda marcar"),
        IssueReason::BadEmail(e) => format!("«{e}» no es un correo electrónico"),
        IssueReason::NoteTooLong => "la nota es demasiado larga".into(),
        IssueReason::UnterminatedCard => "BEGIN:VCARD sin END:VCARD".into(),
        IssueReason::EndWithoutBegin => "END:VCARD sin BEGIN:VCARD".into(),
        IssueReason::OutsideCard => "texto fuera de BEGIN:VCARD … END:VCARD".into(),
        IssueReason::TooManyCells { found, expected } => {
            format!("{found} celdas donde el encabezado tiene {expected}")
        }
        IssueReason::DuplicateOfExisting(name) => format!("ya está en su lista como {name}"),
        IssueReason::DuplicateInFile(line) => format!("la misma persona que la línea {line}"),
        IssueReason::TooManyContacts => "demasiados contactos en una sola importación".into(),
    }
}

/// Why a whole file cannot be imported, with what to do.
pub fn import_error(lang: Lang, e: &ImportError) -> String {
    match lang {
        Lang::En => format!("Nothing was imported: {e}."),
        Lang::Es => {
            let why = match e {
                ImportError::Empty => "el archivo está vacío".to_owned(),
                ImportError::TooLarge => {
                    "el archivo pasa de 5 MB; exporte menos contactos a la vez".to_owned()
                }
                ImportError::UnknownFormat => {
                    "no es un vCard (.vcf) ni un CSV con fila de encabezado".to_owned()
                }
                ImportError::NoNameColumn => {
                    "el encabezado del CSV no tiene columna de nombre (como \"Name\" o \"First Name\")"
                        .to_owned()
                }
                ImportError::UnclosedQuote(line) => {
                    format!("una celda entre comillas abierta en la línea {line} nunca se cierra")
                }
                ImportError::NoContacts => "el archivo no tiene contactos".to_owned(),
            };
            format!("No se importó nada: {why}.")
        }
    }
}

pub fn ask_label(kind: AskKind) -> Msg {
    match kind {
        AskKind::Donate => Msg::NetAskDonate,
        AskKind::Volunteer => Msg::NetAskVolunteer,
        AskKind::Pledge => Msg::NetAskPledge,
    }
}

pub fn answer_label(answer: AskAnswer) -> Msg {
    match answer {
        AskAnswer::Yes => Msg::NetYes,
        AskAnswer::No => Msg::NetNo,
        AskAnswer::Maybe => Msg::NetMaybe,
    }
}

pub fn relationship_label(r: Relationship) -> Msg {
    match r {
        Relationship::Friend => Msg::NetRelFriend,
        Relationship::Family => Msg::NetRelFamily,
        Relationship::Coworker => Msg::NetRelCoworker,
        Relationship::Neighbor => Msg::NetRelNeighbor,
        Relationship::Other => Msg::NetRelOther,
    }
}

/// "Yes 3 · No 1 · Maybe 2".
pub fn answers_line(lang: Lang, yes: u32, no: u32, maybe: u32) -> String {
    format!(
        "{} {yes} · {} {no} · {} {maybe}",
        lang.t(Msg::NetYes),
        lang.t(Msg::NetNo),
        lang.t(Msg::NetMaybe)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_reads_and_parses() {
        assert_eq!(money(0), "$0");
        assert_eq!(money(2550), "$25.50");
        assert_eq!(money(123_456_700), "$1,234,567");
        assert_eq!(parse_dollars("25"), Some(2500));
        assert_eq!(parse_dollars("$1,000.5"), Some(100_050));
        assert_eq!(parse_dollars(" 0.75 "), Some(75));
        for bad in ["", "abc", "1.234", "-5", "12e3", "."] {
            assert_eq!(parse_dollars(bad), None, "{bad}");
        }
    }

    #[test]
    fn report_lines_in_both_languages() {
        let r = IssueReason::BadPhone("555".into());
        assert_eq!(
            issue(Lang::En, 4, false, &r),
            "Line 4: imported without it — \"555\" is not a phone number we can dial"
        );
        assert!(issue(Lang::Es, 4, true, &IssueReason::NoName).starts_with("Línea 4: omitido"));
        assert!(import_error(Lang::Es, &ImportError::UnclosedQuote(3)).contains("línea 3"));
    }
}
