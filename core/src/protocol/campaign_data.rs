//! The campaign's data in and out, for the lead's data screen and the command line:
//! import a voter file (`POST /api/v1/imports`, then its job and report), set households'
//! locations from a geocoding file (`POST /api/v1/geocode`), cut the households no turf
//! holds into turfs (`POST /api/v1/turfs/cut`), make a call list (`POST /api/v1/call-lists`),
//! save and list script files (`/api/v1/scripts`) and export the results CSV
//! (`GET /api/v1/export`). The server's routes and command line, the app's client and the
//! OpenAPI document all use these.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ids::{CallListId, TurfId};

/// A voter file's layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[serde(rename_all = "snake_case")]
pub enum ImportFormat {
    /// North Carolina's statewide (or county) ncvoter file.
    Ncvoter,
    /// A VAN-style export.
    Van,
    /// Any CSV/TSV, read through a column mapping (TOML).
    Mapped,
}

impl ImportFormat {
    /// The name in the query string and on the command line.
    pub fn key(self) -> &'static str {
        match self {
            ImportFormat::Ncvoter => "ncvoter",
            ImportFormat::Van => "van",
            ImportFormat::Mapped => "mapped",
        }
    }
}

/// Which results CSV.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// Every field event with its voter id, address, answers, volunteer and device.
    #[default]
    Full,
    /// VAN-style: voter id, result, "question: answer", date; for loading back.
    Van,
}

impl ExportFormat {
    /// The name in the query string and on the command line.
    pub fn key(self) -> &'static str {
        match self {
            ExportFormat::Full => "full",
            ExportFormat::Van => "van",
        }
    }
}

/// How to cut turfs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[serde(rename_all = "snake_case")]
pub enum CutBy {
    /// One turf per precinct (cut by street when over the size).
    Precinct,
    /// Whole streets, in walking order.
    Street,
    /// Compact areas, from the households' coordinates.
    Area,
}

/// Where an import job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ImportStatus {
    Running,
    Done,
    Failed,
}

/// The counts of one import: kept with the import's record (as JSON), printed by the
/// command line and shown on the lead's data screen.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportSummary {
    pub import_id: i64,
    pub format: String,
    /// A full file: people of earlier imports of this format who are absent were removed.
    pub full_file: bool,
    /// Data rows read (blank rows not counted).
    pub rows: u64,
    pub blank_rows: u64,
    /// New voters.
    pub added: u64,
    /// Voters whose name, address, phone, party, birth year, language or status changed.
    pub updated: u64,
    pub unchanged: u64,
    /// Voters marked removed (absent from this full file).
    pub removed: u64,
    /// Of the updated, those whose address changed.
    pub moved: u64,
    /// Of the moved, those who were in a turf and now live at an address in none.
    pub moved_unplaced: u64,
    pub households_added: u64,
    /// Rows devices will receive on their next pull (changes to placed people and households,
    /// and removals from turfs).
    pub sent_to_devices: u64,
    /// Rows not imported, by reason key.
    #[serde(default)]
    pub skipped: BTreeMap<String, u64>,
    /// Imported rows with a problem, by kind.
    #[serde(default)]
    pub warnings: BTreeMap<String, u64>,
}

/// Which count of [`ImportSummary`] a report line goes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tally {
    /// The row was not imported.
    Skipped,
    /// The row was imported with a problem.
    Warning,
    /// Counted elsewhere (a removal, a move out of every turf): not tallied by key.
    Counted,
}

impl ImportSummary {
    /// Count one report line, by its reason's key, in its bucket.
    pub fn tally(&mut self, key: &str, tally: Tally) {
        let bucket = match tally {
            Tally::Skipped => &mut self.skipped,
            Tally::Warning => &mut self.warnings,
            Tally::Counted => return,
        };
        *bucket.entry(key.to_string()).or_default() += 1;
    }

    /// Rows not imported, whatever the reason.
    pub fn skipped_total(&self) -> u64 {
        self.skipped.values().sum()
    }

    /// Imported rows with a problem, whatever the kind.
    pub fn warnings_total(&self) -> u64 {
        self.warnings.values().sum()
    }
}

/// The command line's summary of an import (English: the server's operators read it).
impl std::fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "import {} ({})", self.import_id, self.format)?;
        writeln!(f, "rows read:        {}", self.rows)?;
        writeln!(f, "added:            {}", self.added)?;
        writeln!(
            f,
            "updated:          {} (moved: {}, of whom {} to an address in no turf yet)",
            self.updated, self.moved, self.moved_unplaced
        )?;
        writeln!(f, "unchanged:        {}", self.unchanged)?;
        if self.full_file {
            writeln!(f, "removed:          {}", self.removed)?;
        } else {
            writeln!(f, "removed:          none (a partial file removes nobody)")?;
        }
        writeln!(f, "households added: {}", self.households_added)?;
        writeln!(f, "sent to devices:  {}", self.sent_to_devices)?;
        writeln!(f, "not imported:     {}", self.skipped_total())?;
        for (reason, n) in &self.skipped {
            writeln!(f, "  {reason}: {n}")?;
        }
        writeln!(f, "warnings:         {}", self.warnings_total())?;
        for (kind, n) in &self.warnings {
            writeln!(f, "  {kind}: {n}")?;
        }
        if self.blank_rows > 0 {
            writeln!(f, "blank rows:       {}", self.blank_rows)?;
        }
        if self.moved_unplaced > 0 {
            writeln!(
                f,
                "{} voters moved to addresses in no turf yet; cut turfs again to place them",
                self.moved_unplaced
            )?;
        }
        Ok(())
    }
}

/// An import job: `POST /api/v1/imports` answers with it at once, and
/// `GET /api/v1/imports/{id}` follows it to its end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportJobResponse {
    pub id: Uuid,
    pub status: ImportStatus,
    pub file_name: String,
    pub format: String,
    /// Bytes of the (decompressed) file.
    pub total_bytes: u64,
    pub bytes_read: u64,
    pub rows_read: u64,
    /// 0 to 100, for a progress bar.
    pub percent: f64,
    /// When it started (milliseconds since the Unix epoch).
    pub started_at: u64,
    /// When done: what the import did (rows, added, updated, removed, skipped by reason...).
    pub summary: Option<ImportSummary>,
    /// When failed: why, in words to show the lead. Nothing was imported.
    pub error: Option<String>,
    /// Whether `GET .../report` has a report to download.
    pub report: bool,
    pub report_lines: u64,
}

/// The body of `POST /api/v1/turfs/cut`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CutRequest {
    pub by: CutBy,
    /// Doors per turf: the most for precinct and street, about this many for area.
    pub doors: u32,
}

/// A turf a cut made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CutTurfItem {
    pub id: TurfId,
    pub name: String,
    pub doors: u32,
}

/// What a cut made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CutResponse {
    pub turfs: Vec<CutTurfItem>,
    /// Households an area cut left waiting for coordinates.
    pub without_coordinates: u32,
}

/// The body of `POST /api/v1/call-lists`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CallListRequest {
    /// 1 to 200 characters, not all spaces.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 200, pattern = r"\S")
    )]
    pub name: String,
    /// Only voters in these precincts (all when empty).
    #[serde(default)]
    pub precincts: Vec<String>,
    /// The key of the script callers read.
    #[serde(default)]
    pub script: Option<String>,
}

/// What making a call list did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallListResponse {
    pub id: CallListId,
    pub members: u32,
    pub without_phone: u32,
    pub do_not_call: u32,
    pub shared_phone: u32,
}

/// A script file saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScriptSaved {
    pub key: String,
    pub version: u32,
    /// False when the file equals the latest version (nothing new stored).
    pub created: bool,
    pub questions: u32,
}

/// A script of the campaign, by key, with its latest version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScriptListItem {
    pub key: String,
    pub latest_version: u32,
}

/// `GET /api/v1/scripts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScriptList {
    pub scripts: Vec<ScriptListItem>,
}

/// One report line of a geocoding file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GeocodeLine {
    /// The file's row (the header is row 1).
    pub row: u64,
    pub reason: String,
}

/// What a geocoding file did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GeocodeResponse {
    /// Data rows read.
    pub rows: u64,
    /// Households whose location was set or changed.
    pub located: u64,
    /// Households that already had this location.
    pub unchanged: u64,
    /// Rows whose address matches no household of the campaign.
    pub unmatched: u64,
    /// Rows with no address or no valid location.
    pub bad_rows: u64,
    /// Placed households whose new location devices will receive.
    pub sent_to_devices: u64,
    /// The first report lines, in row order.
    pub report: Vec<GeocodeLine>,
    /// How many report lines there were in all.
    pub report_lines: u64,
}

/// What loading an OpenStreetMap extract did (`POST /api/v1/streets`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StreetsResponse {
    /// Named street ways kept.
    pub streets: u64,
    /// Distinct street names among them.
    pub names: u64,
    /// Mapped addresses (nodes, and buildings at their centre).
    pub address_points: u64,
    /// Highway ways with no name, left out.
    pub unnamed_ways: u64,
    /// Ways cut off at the extract's edge, left out.
    pub ways_without_geometry: u64,
    /// Address tags missing a number or street, left out.
    pub bad_addresses: u64,
}

/// What placing the households from the map did (`POST /api/v1/geocode/streets`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlacedResponse {
    pub households: u64,
    /// Placed at a mapped address.
    pub exact: u64,
    /// Placed along their street between mapped numbers.
    pub interpolated: u64,
    /// Not placed, by reason.
    pub not_found: Vec<NotPlaced>,
    /// Households whose location was set or changed.
    pub located: u64,
    /// Placed households whose new location devices will receive.
    pub sent_to_devices: u64,
    /// The first households not placed (address and reason).
    pub report: Vec<NotPlacedLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotPlaced {
    pub reason: String,
    pub households: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotPlacedLine {
    pub address: String,
    pub reason: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_keys_are_their_wire_names() {
        for f in [
            ImportFormat::Ncvoter,
            ImportFormat::Van,
            ImportFormat::Mapped,
        ] {
            assert_eq!(serde_json::to_value(f).unwrap(), f.key());
        }
        for f in [ExportFormat::Full, ExportFormat::Van] {
            assert_eq!(serde_json::to_value(f).unwrap(), f.key());
        }
        assert_eq!(ExportFormat::default(), ExportFormat::Full);
        assert_eq!(serde_json::to_value(CutBy::Area).unwrap(), "area");
    }

    #[test]
    fn a_summary_tallies_by_bucket_and_reads_old_records_without_buckets() {
        let mut s = ImportSummary::default();
        s.tally("missing_house_number", Tally::Skipped);
        s.tally("missing_house_number", Tally::Skipped);
        s.tally("bad_phone", Tally::Warning);
        s.tally("removed", Tally::Counted);
        assert_eq!(s.skipped_total(), 2);
        assert_eq!(s.warnings_total(), 1);
        assert!(!s.skipped.contains_key("removed") && !s.warnings.contains_key("removed"));
        let mut json = serde_json::to_value(&s).unwrap();
        let back: ImportSummary = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(back, s);
        let obj = json.as_object_mut().unwrap();
        obj.remove("skipped");
        obj.remove("warnings");
        let old: ImportSummary = serde_json::from_value(json).unwrap();
        assert_eq!(old.skipped_total(), 0);
    }
}
