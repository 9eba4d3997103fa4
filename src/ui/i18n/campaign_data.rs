//! The lead's data screen's sentences: an import's progress and summary, a report line,
//! what a geocoding file, a cut, a call list, a saved script and an export did.

use crate::sync::client::campaign_data::{
    CallListResponse, CutResponse, GeocodeResponse, ImportJobResponse, ImportSummary, ReportLine,
    ScriptListItem, ScriptSaved,
};
use crate::ui::i18n::Lang;

/// "Importing… 42% · 12,345 rows read".
pub fn progress_line(l: Lang, job: &ImportJobResponse) -> String {
    let pct = job.percent.clamp(0.0, 100.0).round();
    match l {
        Lang::En => format!("Importing… {pct}% · {} rows read", job.rows_read),
        Lang::Es => format!("Importando… {pct}% · {} filas leídas", job.rows_read),
    }
}

/// The summary of a finished import, in a sentence or two.
pub fn summary_line(l: Lang, c: &ImportSummary) -> String {
    let skipped = c.skipped_total();
    match l {
        Lang::En => format!(
            "Imported {} rows: {} new voters, {} updated, {} unchanged, {} removed; {} new \
             households. {skipped} {} not imported.",
            c.rows,
            c.added,
            c.updated,
            c.unchanged,
            c.removed,
            c.households_added,
            if skipped == 1 { "row" } else { "rows" }
        ),
        Lang::Es => format!(
            "Se importaron {} filas: {} votantes nuevos, {} actualizados, {} sin cambios, {} \
             dados de baja; {} hogares nuevos. {skipped} {} no importada{}.",
            c.rows,
            c.added,
            c.updated,
            c.unchanged,
            c.removed,
            c.households_added,
            if skipped == 1 { "fila" } else { "filas" },
            if skipped == 1 { "" } else { "s" }
        ),
    }
}

/// "Row 7 (AA12): missing house number"; a line about the whole file has no row.
pub fn report_line(l: Lang, line: &ReportLine) -> String {
    let who = if line.source_id.is_empty() {
        String::new()
    } else {
        format!(" ({})", line.source_id)
    };
    match (l, line.row.is_empty()) {
        (_, true) => format!("{}{who}", line.reason).trim_start().to_owned(),
        (Lang::En, false) => format!("Row {}{who}: {}", line.row, line.reason),
        (Lang::Es, false) => format!("Fila {}{who}: {}", line.row, line.reason),
    }
}

/// What a geocoding file did.
pub fn geocode_line(l: Lang, g: &GeocodeResponse) -> String {
    let not_used = g.unmatched + g.bad_rows;
    match l {
        Lang::En => format!(
            "{} households located ({} already were). {not_used} of {} rows not used.",
            g.located, g.unchanged, g.rows
        ),
        Lang::Es => format!(
            "{} hogares ubicados ({} ya lo estaban). {not_used} de {} filas sin usar.",
            g.located, g.unchanged, g.rows
        ),
    }
}

/// "Row 4: not used: …" (the reason is the server's).
pub fn geocode_report_line(l: Lang, row: u64, reason: &str) -> String {
    match l {
        Lang::En => format!("Row {row}: {reason}"),
        Lang::Es => format!("Fila {row}: {reason}"),
    }
}

/// "Saved 1,234 results to /…/groundgame-results-2027-01-15.csv."
pub fn export_line(l: Lang, rows: u64, path: &str) -> String {
    match l {
        Lang::En => format!("Saved {rows} results to {path}."),
        Lang::Es => format!("Se guardaron {rows} resultados en {path}."),
    }
}

/// What a cut made.
pub fn cut_line(l: Lang, cut: &CutResponse) -> String {
    let doors: u32 = cut.turfs.iter().map(|t| t.doors).sum();
    let mut line = match (l, cut.turfs.len()) {
        (Lang::En, 0) => "No new turfs: every household with an address is in a turf.".to_owned(),
        (Lang::Es, 0) => {
            "Ningún turf nuevo: todos los hogares con dirección ya están en un turf.".to_owned()
        }
        (Lang::En, 1) => format!("Made 1 turf with {doors} doors."),
        (Lang::Es, 1) => format!("Se hizo 1 turf con {doors} puertas."),
        (Lang::En, n) => format!("Made {n} turfs with {doors} doors."),
        (Lang::Es, n) => format!("Se hicieron {n} turfs con {doors} puertas."),
    };
    if cut.without_coordinates > 0 {
        line.push(' ');
        line.push_str(&match l {
            Lang::En => format!(
                "{} households have no coordinates yet: import a geocoding file, or cut them \
                 by street.",
                cut.without_coordinates
            ),
            Lang::Es => format!(
                "{} hogares aún no tienen coordenadas: importe un archivo de geocodificación o \
                 córtelos por calle.",
                cut.without_coordinates
            ),
        });
    }
    line
}

/// What making a call list did.
pub fn list_line(l: Lang, list: &CallListResponse) -> String {
    match l {
        Lang::En => format!(
            "Call list made: {} people to call. Left out: {} without a usable phone, {} on \
             do-not-call, {} sharing a number already on the list.",
            list.members, list.without_phone, list.do_not_call, list.shared_phone
        ),
        Lang::Es => format!(
            "Lista hecha: {} personas para llamar. Quedan fuera: {} sin un teléfono válido, {} \
             en no llamar, {} que comparten un número ya en la lista.",
            list.members, list.without_phone, list.do_not_call, list.shared_phone
        ),
    }
}

/// What saving a script did.
pub fn script_line(l: Lang, s: &ScriptSaved) -> String {
    match (l, s.created) {
        (Lang::En, true) => format!(
            "Saved as version {} of “{}” ({} questions). Phones get it at their next sync.",
            s.version, s.key, s.questions
        ),
        (Lang::Es, true) => format!(
            "Guardado como versión {} de “{}” ({} preguntas). Los teléfonos la reciben al \
             sincronizar.",
            s.version, s.key, s.questions
        ),
        (Lang::En, false) => format!(
            "No change: this is the same as version {} of “{}”.",
            s.version, s.key
        ),
        (Lang::Es, false) => format!(
            "Sin cambios: es igual a la versión {} de “{}”.",
            s.version, s.key
        ),
    }
}

/// "“door” — version 3".
pub fn script_item(l: Lang, s: &ScriptListItem) -> String {
    match l {
        Lang::En => format!("“{}” — version {}", s.key, s.latest_version),
        Lang::Es => format!("“{}” — versión {}", s.key, s.latest_version),
    }
}
