//! Phone banking (call lists, callers, claims and the calling rounds), scripts, and my
//! network on PostgreSQL.

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
    pub(super) fn create_call_list(
        &self,
        _campaign: CampaignId,
        _name: &str,
        _filter: &CallListFilter,
    ) -> Result<CallListReport, StoreError> {
        not_yet("making call lists")
    }

    pub(super) fn call_list_members(
        &self,
        _list: CallListId,
    ) -> Result<Vec<CallListMember>, StoreError> {
        not_yet("call lists")
    }

    pub(super) fn set_call_list_callers(
        &self,
        _list: CallListId,
        _volunteers: &[VolunteerId],
        _now_ms: u64,
    ) -> Result<Vec<VolunteerId>, StoreError> {
        not_yet("call lists")
    }

    pub(super) fn call_list_campaign(
        &self,
        _list: CallListId,
    ) -> Result<Option<CampaignId>, StoreError> {
        not_yet("call lists")
    }

    pub(super) fn is_call_list_caller(
        &self,
        _list: CallListId,
        _volunteer: VolunteerId,
    ) -> Result<bool, StoreError> {
        not_yet("call lists")
    }

    pub(super) fn call_list_script(&self, _list: CallListId) -> Result<Option<String>, StoreError> {
        not_yet("call lists")
    }

    pub(super) fn claim_calls(
        &self,
        _list: CallListId,
        _campaign: CampaignId,
        _device: DeviceId,
        _count: u32,
        _now_ms: u64,
    ) -> Result<Vec<ClaimedContact>, StoreError> {
        not_yet("phone banking")
    }

    pub(super) fn release_calls(
        &self,
        _list: CallListId,
        _device: DeviceId,
        _people: &[PersonId],
    ) -> Result<u32, StoreError> {
        not_yet("phone banking")
    }

    pub(super) fn call_progress(
        &self,
        _list: CallListId,
        _campaign: CampaignId,
        _now_ms: u64,
    ) -> Result<CallProgress, StoreError> {
        not_yet("phone banking")
    }

    pub(super) fn call_lists_for(
        &self,
        _campaign: CampaignId,
        _volunteer: Option<VolunteerId>,
        _now_ms: u64,
    ) -> Result<Vec<CallListSummary>, StoreError> {
        // No call list can be made on this backend yet, so nobody has one to call.
        Ok(Vec::new())
    }

    pub(super) fn call_list_summaries(
        &self,
        _campaign: CampaignId,
    ) -> Result<Vec<LeadCallListSummary>, StoreError> {
        not_yet("the lead's call lists")
    }

    pub(super) fn save_script(
        &self,
        _campaign: CampaignId,
        _script: &Script,
    ) -> Result<SavedScript, StoreError> {
        not_yet("saving scripts")
    }

    pub(super) fn latest_script(
        &self,
        campaign: CampaignId,
        key: &str,
    ) -> Result<Option<VersionedScript>, StoreError> {
        let config = self.campaign_config(campaign)?;
        Ok(config.scripts.into_iter().find(|s| s.script.key == key))
    }

    pub(super) fn scripts(&self, _campaign: CampaignId) -> Result<Vec<ScriptSummary>, StoreError> {
        not_yet("the list of scripts")
    }

    pub(super) fn network_push(
        &self,
        _who: NetworkOwner,
        _records: &[NetworkRecord],
        _wall_ms: u64,
    ) -> Result<Vec<PushOutcome>, StoreError> {
        not_yet("my network")
    }

    pub(super) fn network_pull(
        &self,
        _volunteer: VolunteerId,
        _cursor: u64,
        _limit: u32,
        _server_time: Hlc,
    ) -> Result<NetworkPullResponse, StoreError> {
        not_yet("my network")
    }

    pub(super) fn network_summary(
        &self,
        _campaign: CampaignId,
        _today: &str,
    ) -> Result<NetworkSummary, StoreError> {
        not_yet("my network")
    }
}
