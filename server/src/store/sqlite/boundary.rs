//! [`Store`] for the embedded backend: each operation is the `SqliteStore` method of the same
//! name (they stay inherent so the command line, benches and tests that hold a concrete
//! `SqliteStore` keep calling them directly); push and pull run the shared rules in
//! `crate::sync` over this backend's look-ups.

use groundgame_core::network::{NetworkPullResponse, NetworkRecord, NetworkSummary};
use groundgame_core::protocol::{
    PullRequest, PullResponse, PushOutcome, PushRequest, PushResponse,
};
use groundgame_core::script::VersionedScript;
use groundgame_core::TimeZone;
use groundgame_core::{
    CallListId, CampaignConfig, CampaignId, DeviceId, Event, EventId, Hlc, HouseholdId, PersonId,
    Role, Script, TurfId, VolunteerId,
};

use uuid::Uuid;

use super::SqliteStore;
use crate::http::auth::AuthDevice;
use crate::import::{
    GeoIssue, GeoRow, GeocodeSummary, ImportError, ImportSummary, ReportLine, Row, VoterImport,
};
use crate::import_jobs::{ImportJob, JobState, NewImportJob};
use crate::store::{
    CallListFilter, CallListItem, CallListMember, CallListReport, CallProgress, ClaimedContact,
    DeviceAuth, DoNotCallAddition, DoNotCallUndoResponse, ExportedEvent, HeldDecisionResponse,
    HeldRecord, InviteSummary, MyCallList, NetworkOwner, NewHousehold, NewPerson, OldAssignment,
    Progress, PushJob, Registration, SavedScript, ScriptListItem, Store, StoreError, TurfItem,
    UnplacedHousehold, VolunteerSummary,
};

impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    fn concurrency(&self) -> (usize, usize) {
        // One writer connection; a pool of readers.
        (1, super::READERS)
    }

    fn server_time(&self, wall_ms: u64) -> Hlc {
        SqliteStore::server_time(self, wall_ms)
    }

    fn create_campaign(&self, name: &str, time_zone: TimeZone) -> Result<CampaignId, StoreError> {
        SqliteStore::create_campaign(self, name, time_zone)
    }

    fn campaign_time_zone(&self, campaign: CampaignId) -> Result<TimeZone, StoreError> {
        self.read(|tx| super::campaigns::time_zone(tx, campaign))
    }

    fn set_campaign_time_zone(
        &self,
        campaign: CampaignId,
        time_zone: TimeZone,
    ) -> Result<(), StoreError> {
        self.write(|tx| super::campaigns::set_time_zone(tx, campaign, time_zone))
    }

    fn campaigns(&self) -> Result<Vec<(CampaignId, String)>, StoreError> {
        SqliteStore::campaigns(self)
    }

    fn campaign_config(&self, campaign: CampaignId) -> Result<CampaignConfig, StoreError> {
        SqliteStore::campaign_config(self, campaign)
    }

    fn create_invite(
        &self,
        campaign: CampaignId,
        role: Role,
        uses: u32,
        expires_at_ms: u64,
    ) -> Result<String, StoreError> {
        SqliteStore::create_invite(self, campaign, role, uses, expires_at_ms)
    }

    fn create_turf(&self, campaign: CampaignId, name: &str) -> Result<TurfId, StoreError> {
        SqliteStore::create_turf(self, campaign, name)
    }

    fn add_households(
        &self,
        turf: TurfId,
        households: Vec<(NewHousehold, Vec<NewPerson>)>,
    ) -> Result<Vec<HouseholdId>, StoreError> {
        SqliteStore::add_households(self, turf, households)
    }

    fn remove_household(&self, household: HouseholdId) -> Result<(), StoreError> {
        SqliteStore::remove_household(self, household)
    }

    fn set_assignees_at(
        &self,
        turf: TurfId,
        volunteers: &[VolunteerId],
        now_ms: u64,
    ) -> Result<(), StoreError> {
        SqliteStore::set_assignees_at(self, turf, volunteers, now_ms)
    }

    fn turf_campaign(&self, turf: TurfId) -> Result<Option<CampaignId>, StoreError> {
        SqliteStore::turf_campaign(self, turf)
    }

    fn assignees(&self, turf: TurfId) -> Result<Vec<VolunteerId>, StoreError> {
        SqliteStore::assignees(self, turf)
    }

    fn turf_summaries(&self, campaign: CampaignId) -> Result<Vec<TurfItem>, StoreError> {
        SqliteStore::turf_summaries(self, campaign)
    }

    fn unplaced_households(
        &self,
        campaign: CampaignId,
    ) -> Result<Vec<UnplacedHousehold>, StoreError> {
        SqliteStore::unplaced_households(self, campaign)
    }

    fn place_households(
        &self,
        campaign: CampaignId,
        plan: &[(String, Vec<HouseholdId>)],
    ) -> Result<Vec<TurfId>, StoreError> {
        SqliteStore::place_households(self, campaign, plan)
    }

    fn register_device(
        &self,
        invite_code: &str,
        volunteer_name: &str,
        device_name: &str,
        app_version: &str,
        token_hash: &[u8; 32],
        now_ms: u64,
    ) -> Result<Registration, StoreError> {
        SqliteStore::register_device(
            self,
            invite_code,
            volunteer_name,
            device_name,
            app_version,
            token_hash,
            now_ms,
        )
    }

    fn create_device_link(
        &self,
        device: DeviceId,
        now_ms: u64,
    ) -> Result<(String, u64), StoreError> {
        SqliteStore::create_device_link(self, device, now_ms)
    }

    fn device_by_token(&self, token_hash: &[u8; 32]) -> Result<Option<DeviceAuth>, StoreError> {
        SqliteStore::device_by_token(self, token_hash)
    }

    fn touch_device(&self, device: DeviceId, now_ms: u64) -> Result<(), StoreError> {
        SqliteStore::touch_device(self, device, now_ms)
    }

    fn revoke_device(&self, device: DeviceId) -> Result<(), StoreError> {
        SqliteStore::revoke_device(self, device)
    }

    fn device_campaign(&self, device: DeviceId) -> Result<Option<CampaignId>, StoreError> {
        SqliteStore::device_campaign(self, device)
    }

    fn volunteer_campaign(&self, volunteer: VolunteerId) -> Result<Option<CampaignId>, StoreError> {
        SqliteStore::volunteer_campaign(self, volunteer)
    }

    fn volunteer_summaries(
        &self,
        campaign: CampaignId,
    ) -> Result<Vec<VolunteerSummary>, StoreError> {
        SqliteStore::volunteer_summaries(self, campaign)
    }

    fn registration_attempt(&self, client: &str, now_ms: u64) -> Result<Option<u64>, StoreError> {
        Ok(self.register_limit.attempt(client, now_ms))
    }

    fn registration_given_back(&self, client: &str, now_ms: u64) -> Result<(), StoreError> {
        self.register_limit.given_back(client, now_ms);
        Ok(())
    }

    fn import_running(&self, campaign: CampaignId, _now_ms: u64) -> Result<bool, StoreError> {
        Ok(self.import_jobs.running(campaign))
    }

    fn start_import_job(&self, job: &NewImportJob, now_ms: u64) -> Result<(), StoreError> {
        self.import_jobs.start(job, now_ms)
    }

    fn import_job_received(&self, id: Uuid, total_bytes: u64) -> Result<(), StoreError> {
        self.import_jobs.received(id, total_bytes);
        Ok(())
    }

    fn import_job_progress(
        &self,
        id: Uuid,
        bytes_read: u64,
        rows_read: u64,
        _now_ms: u64,
    ) -> Result<(), StoreError> {
        self.import_jobs.progress(id, bytes_read, rows_read);
        Ok(())
    }

    fn finish_import_job(
        &self,
        id: Uuid,
        state: &JobState,
        report_gz: Option<&[u8]>,
        _now_ms: u64,
    ) -> Result<(), StoreError> {
        self.import_jobs.finish(id, state, report_gz);
        Ok(())
    }

    fn import_job(
        &self,
        campaign: CampaignId,
        id: Uuid,
        _now_ms: u64,
    ) -> Result<Option<ImportJob>, StoreError> {
        Ok(self.import_jobs.get(campaign, id))
    }

    fn import_job_report(
        &self,
        campaign: CampaignId,
        id: Uuid,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.import_jobs.report(campaign, id))
    }

    fn push(
        &self,
        who: &AuthDevice,
        req: &PushRequest,
        app_version: Option<&str>,
        wall_ms: u64,
    ) -> Result<PushResponse, StoreError> {
        super::spine::push(self, who, req, app_version, wall_ms)
    }

    fn push_group(&self, jobs: &[PushJob]) -> Vec<Result<PushResponse, StoreError>> {
        let borrowed: Vec<_> = jobs.iter().map(PushJob::borrowed).collect();
        super::spine::push_all(self, &borrowed)
    }

    fn pull(
        &self,
        who: &AuthDevice,
        req: &PullRequest,
        wall_ms: u64,
    ) -> Result<PullResponse, StoreError> {
        super::spine::pull(self, who, req, wall_ms)
    }

    fn campaign_events(&self, campaign: CampaignId) -> Result<Vec<Event>, StoreError> {
        SqliteStore::campaign_events(self, campaign)
    }

    fn event_count(&self, campaign: CampaignId) -> Result<u64, StoreError> {
        SqliteStore::event_count(self, campaign)
    }

    fn stale_events(&self, campaign: CampaignId) -> Result<Vec<EventId>, StoreError> {
        SqliteStore::stale_events(self, campaign)
    }

    fn begin_import(
        &self,
        campaign: CampaignId,
        format: &str,
        file_name: &str,
    ) -> Result<i64, StoreError> {
        SqliteStore::begin_import(self, campaign, format, file_name)
    }

    fn import_voters(
        &self,
        import: &VoterImport,
        rows: &mut dyn Iterator<Item = Result<Row, ImportError>>,
        report: &mut dyn FnMut(&ReportLine) -> std::io::Result<()>,
    ) -> Result<ImportSummary, ImportError> {
        SqliteStore::import_voters(self, import, rows, report)
    }

    fn set_locations(
        &self,
        campaign: CampaignId,
        rows: &mut dyn Iterator<Item = Result<GeoRow, ImportError>>,
        report: &mut dyn FnMut(u64, &GeoIssue) -> std::io::Result<()>,
    ) -> Result<GeocodeSummary, ImportError> {
        SqliteStore::set_locations(self, campaign, rows, report)
    }

    fn replace_map(
        &self,
        campaign: CampaignId,
        streets: &[groundgame_core::map::Street],
        points: &[groundgame_core::map::AddressPoint],
    ) -> Result<(), StoreError> {
        self.write(|tx| super::map::replace(tx, campaign, streets, points))
    }

    fn map(
        &self,
        campaign: CampaignId,
    ) -> Result<
        (
            Vec<groundgame_core::map::Street>,
            Vec<groundgame_core::map::AddressPoint>,
        ),
        StoreError,
    > {
        self.read(|tx| super::map::load(tx, campaign))
    }

    fn household_addresses(
        &self,
        campaign: CampaignId,
    ) -> Result<Vec<super::HouseholdAddress>, StoreError> {
        self.read(|tx| super::map::household_addresses(tx, campaign))
    }

    fn export_events(
        &self,
        campaign: CampaignId,
        with_household_voters: bool,
        row: &mut dyn FnMut(&ExportedEvent) -> Result<(), StoreError>,
    ) -> Result<u64, StoreError> {
        SqliteStore::export_events(self, campaign, with_household_voters, row)
    }

    fn save_script(
        &self,
        campaign: CampaignId,
        script: &Script,
    ) -> Result<SavedScript, StoreError> {
        SqliteStore::save_script(self, campaign, script)
    }

    fn latest_script(
        &self,
        campaign: CampaignId,
        key: &str,
    ) -> Result<Option<VersionedScript>, StoreError> {
        SqliteStore::latest_script(self, campaign, key)
    }

    fn scripts(&self, campaign: CampaignId) -> Result<Vec<ScriptListItem>, StoreError> {
        SqliteStore::scripts(self, campaign)
    }

    fn create_call_list(
        &self,
        campaign: CampaignId,
        name: &str,
        filter: &CallListFilter,
    ) -> Result<CallListReport, StoreError> {
        SqliteStore::create_call_list(self, campaign, name, filter)
    }

    fn call_list_members(&self, list: CallListId) -> Result<Vec<CallListMember>, StoreError> {
        SqliteStore::call_list_members(self, list)
    }

    fn add_do_not_call(&self, campaign: CampaignId, phone: &str) -> Result<(), StoreError> {
        SqliteStore::add_do_not_call(self, campaign, phone)
    }

    fn set_call_list_callers(
        &self,
        list: CallListId,
        volunteers: &[VolunteerId],
        now_ms: u64,
    ) -> Result<Vec<VolunteerId>, StoreError> {
        SqliteStore::set_call_list_callers(self, list, volunteers, now_ms)
    }

    fn call_list_campaign(&self, list: CallListId) -> Result<Option<CampaignId>, StoreError> {
        SqliteStore::call_list_campaign(self, list)
    }

    fn is_call_list_caller(
        &self,
        list: CallListId,
        volunteer: VolunteerId,
    ) -> Result<bool, StoreError> {
        SqliteStore::is_call_list_caller(self, list, volunteer)
    }

    fn call_list_script(&self, list: CallListId) -> Result<Option<String>, StoreError> {
        SqliteStore::call_list_script(self, list)
    }

    fn claim_calls(
        &self,
        list: CallListId,
        campaign: CampaignId,
        device: DeviceId,
        count: u32,
        now_ms: u64,
    ) -> Result<Vec<ClaimedContact>, StoreError> {
        SqliteStore::claim_calls(self, list, campaign, device, count, now_ms)
    }

    fn release_calls(
        &self,
        list: CallListId,
        device: DeviceId,
        people: &[PersonId],
    ) -> Result<u32, StoreError> {
        SqliteStore::release_calls(self, list, device, people)
    }

    fn call_progress(
        &self,
        list: CallListId,
        campaign: CampaignId,
        now_ms: u64,
    ) -> Result<CallProgress, StoreError> {
        SqliteStore::call_progress(self, list, campaign, now_ms)
    }

    fn call_lists_for(
        &self,
        campaign: CampaignId,
        volunteer: Option<VolunteerId>,
        now_ms: u64,
    ) -> Result<Vec<MyCallList>, StoreError> {
        SqliteStore::call_lists_for(self, campaign, volunteer, now_ms)
    }

    fn progress(
        &self,
        campaign: CampaignId,
        zone: Option<TimeZone>,
    ) -> Result<Progress, StoreError> {
        SqliteStore::progress(self, campaign, zone)
    }

    fn warm_progress(&self) -> usize {
        SqliteStore::warm_progress(self)
    }

    fn quarantine_volunteer(
        &self,
        volunteer: VolunteerId,
        by: DeviceId,
        now_ms: u64,
    ) -> Result<u64, StoreError> {
        SqliteStore::quarantine_volunteer(self, volunteer, by, now_ms)
    }

    fn release_volunteer(
        &self,
        volunteer: VolunteerId,
        by: DeviceId,
        now_ms: u64,
    ) -> Result<u64, StoreError> {
        SqliteStore::release_volunteer(self, volunteer, by, now_ms)
    }

    fn quarantined_event_count(&self, campaign: CampaignId) -> Result<u64, StoreError> {
        SqliteStore::quarantined_event_count(self, campaign)
    }

    fn invite_summaries(&self, campaign: CampaignId) -> Result<Vec<InviteSummary>, StoreError> {
        SqliteStore::invite_summaries(self, campaign)
    }

    fn call_list_summaries(&self, campaign: CampaignId) -> Result<Vec<CallListItem>, StoreError> {
        SqliteStore::call_list_summaries(self, campaign)
    }

    fn old_assignments(&self, campaign: CampaignId) -> Result<Vec<OldAssignment>, StoreError> {
        SqliteStore::old_assignments(self, campaign)
    }

    fn do_not_call_additions(
        &self,
        campaign: CampaignId,
    ) -> Result<Vec<DoNotCallAddition>, StoreError> {
        SqliteStore::do_not_call_additions(self, campaign)
    }

    fn undo_do_not_call(
        &self,
        campaign: CampaignId,
        id: i64,
        by: VolunteerId,
        now_ms: u64,
    ) -> Result<DoNotCallUndoResponse, StoreError> {
        SqliteStore::undo_do_not_call(self, campaign, id, by, now_ms)
    }

    fn held_records(&self, campaign: CampaignId) -> Result<Vec<HeldRecord>, StoreError> {
        SqliteStore::held_records(self, campaign)
    }

    fn decide_held(
        &self,
        campaign: CampaignId,
        id: EventId,
        accept: bool,
        by: VolunteerId,
        now_ms: u64,
    ) -> Result<HeldDecisionResponse, StoreError> {
        SqliteStore::decide_held(self, campaign, id, accept, by, now_ms)
    }

    fn network_push(
        &self,
        who: NetworkOwner,
        records: &[NetworkRecord],
        wall_ms: u64,
    ) -> Result<Vec<PushOutcome>, StoreError> {
        SqliteStore::network_push(self, who, records, wall_ms)
    }

    fn network_pull(
        &self,
        volunteer: VolunteerId,
        cursor: u64,
        limit: u32,
        server_time: Hlc,
    ) -> Result<NetworkPullResponse, StoreError> {
        SqliteStore::network_pull(self, volunteer, cursor, limit, server_time)
    }

    fn network_summary(
        &self,
        campaign: CampaignId,
        now_ms: u64,
    ) -> Result<NetworkSummary, StoreError> {
        SqliteStore::network_summary(self, campaign, now_ms)
    }
}
