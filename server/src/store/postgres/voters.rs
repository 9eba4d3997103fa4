//! Campaign data in and out on PostgreSQL: voter-file imports, map locations, placing
//! imported households into turfs, and the results export.

#[allow(unused_imports)]
use groundgame_core::network::{NetworkPullResponse, NetworkRecord, NetworkSummary};
#[allow(unused_imports)]
use groundgame_core::protocol::PushOutcome;
#[allow(unused_imports)]
use groundgame_core::script::VersionedScript;
#[allow(unused_imports)]
use groundgame_core::{
    CallListId, CampaignId, DeviceId, Hlc, HouseholdId, PersonId, Script, TurfId, VolunteerId,
};

use super::{not_yet, PgStore};
#[allow(unused_imports)]
use crate::import::{
    GeoIssue, GeoRow, GeocodeSummary, ImportError, ImportSummary, ReportLine, Row, VoterImport,
};
#[allow(unused_imports)]
use crate::store::*;

impl PgStore {
    pub(super) fn begin_import(
        &self,
        _campaign: CampaignId,
        _format: &str,
        _file_name: &str,
    ) -> Result<i64, StoreError> {
        not_yet("importing a voter file")
    }

    pub(super) fn import_voters(
        &self,
        _import: &VoterImport,
        _rows: &mut dyn Iterator<Item = Result<Row, ImportError>>,
        _report: &mut dyn FnMut(&ReportLine) -> std::io::Result<()>,
    ) -> Result<ImportSummary, ImportError> {
        Ok(not_yet("importing a voter file")?)
    }

    pub(super) fn set_locations(
        &self,
        _campaign: CampaignId,
        _rows: &mut dyn Iterator<Item = Result<GeoRow, ImportError>>,
        _report: &mut dyn FnMut(u64, &GeoIssue) -> std::io::Result<()>,
    ) -> Result<GeocodeSummary, ImportError> {
        Ok(not_yet("geocoding")?)
    }

    pub(super) fn unplaced_households(
        &self,
        _campaign: CampaignId,
    ) -> Result<Vec<UnplacedHousehold>, StoreError> {
        not_yet("cutting turfs")
    }

    pub(super) fn place_households(
        &self,
        _campaign: CampaignId,
        _plan: &[(String, Vec<HouseholdId>)],
    ) -> Result<Vec<TurfId>, StoreError> {
        not_yet("cutting turfs")
    }

    pub(super) fn export_events(
        &self,
        _campaign: CampaignId,
        _with_household_voters: bool,
        _row: &mut dyn FnMut(&ExportedEvent) -> Result<(), StoreError>,
    ) -> Result<u64, StoreError> {
        not_yet("exporting results")
    }
}
