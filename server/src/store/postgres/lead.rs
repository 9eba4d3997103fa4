//! The lead's figures and lists on PostgreSQL: progress, quarantine, turf, volunteer and
//! invite lists, records made under ended assignments.

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
    pub(super) fn progress(
        &self,
        _campaign: CampaignId,
        _tz_offset_minutes: i32,
    ) -> Result<Progress, StoreError> {
        not_yet("the lead's figures")
    }

    pub(super) fn warm_progress(&self) -> usize {
        0
    }

    pub(super) fn quarantine_volunteer(
        &self,
        _volunteer: VolunteerId,
        _by: DeviceId,
        _now_ms: u64,
    ) -> Result<u64, StoreError> {
        not_yet("quarantine")
    }

    pub(super) fn release_volunteer(
        &self,
        _volunteer: VolunteerId,
        _by: DeviceId,
        _now_ms: u64,
    ) -> Result<u64, StoreError> {
        not_yet("quarantine")
    }

    pub(super) fn quarantined_event_count(&self, _campaign: CampaignId) -> Result<u64, StoreError> {
        not_yet("quarantine")
    }

    pub(super) fn turf_summaries(
        &self,
        _campaign: CampaignId,
    ) -> Result<Vec<TurfSummary>, StoreError> {
        not_yet("the lead's turf list")
    }

    pub(super) fn volunteer_summaries(
        &self,
        _campaign: CampaignId,
    ) -> Result<Vec<VolunteerSummary>, StoreError> {
        not_yet("the lead's volunteer list")
    }

    pub(super) fn invite_summaries(
        &self,
        _campaign: CampaignId,
    ) -> Result<Vec<InviteSummary>, StoreError> {
        not_yet("the lead's invite list")
    }

    pub(super) fn old_assignments(
        &self,
        _campaign: CampaignId,
    ) -> Result<Vec<OldAssignment>, StoreError> {
        not_yet("records under ended assignments")
    }
}
