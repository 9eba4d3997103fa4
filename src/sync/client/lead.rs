//! The field lead's calls: fetch every view the lead's screens show (progress, turfs,
//! volunteers and devices, invites, call lists, records under old assignments) and keep
//! them in the local cache ([`crate::store::lead_cache`]) so they stay readable offline;
//! and the lead's actions (quarantine, assign call lists, make invites). Turf assignment
//! and revocation are [`ApiClient::set_assignees`] and [`ApiClient::revoke_device`].
//!
//! A refresh either replaces the whole cached snapshot or leaves it as it was: every view
//! is fetched first, and only then written, in one transaction.

use groundgame_core::protocol::calls::CallersRequest;
use groundgame_core::protocol::lead::{
    CallListList, DoNotCallList, HeldRecordList, InviteList, InviteRequest, InviteResponse,
    OldAssignmentList, TurfList, VolunteerList,
};
use groundgame_core::{paths, CallListId, EventId, Role, VolunteerId};

use super::super::transport::Transport;
use super::ApiClient;
use super::Method;
use crate::store::lead_cache::{CachedLead, LeadSnapshot, Progress};
use crate::sync::SyncError;

pub use groundgame_core::paths::{
    CALL_LISTS_PATH, DO_NOT_CALL_PATH, HELD_RECORDS_PATH, INVITES_PATH, OLD_ASSIGNMENTS_PATH,
    PROGRESS_PATH, TURFS_PATH, VOLUNTEERS_PATH,
};

/// `POST`: accept (`true`) or dismiss a record held for the lead.
pub fn held_decision_path(record: EventId, accept: bool) -> String {
    let pattern = if accept {
        paths::HELD_RECORD_ACCEPT_PATH
    } else {
        paths::HELD_RECORD_DISMISS_PATH
    };
    paths::with_id(pattern, record)
}

/// `POST`: quarantine (`true`) or release a volunteer's records.
pub fn quarantine_path(volunteer: VolunteerId, quarantined: bool) -> String {
    let pattern = if quarantined {
        paths::VOLUNTEER_QUARANTINE_PATH
    } else {
        paths::VOLUNTEER_RELEASE_PATH
    };
    paths::with_id(pattern, volunteer)
}

/// `PUT`: replace a call list's callers.
pub fn callers_path(list: CallListId) -> String {
    paths::with_id(paths::CALL_LIST_ASSIGNEES_PATH, list)
}

impl<T: Transport> ApiClient<T> {
    /// Fetch every lead view, keep them in the cache with the time they were asked for,
    /// and return them. A refresh that started earlier than the cached one never replaces it.
    pub async fn refresh_lead(&self) -> Result<CachedLead, SyncError> {
        let store = self.store().clone();
        let fetched_at = store.now_ms();
        let (progress, turfs, volunteers, invites, call_lists, old, held, dnc) = tokio::try_join!(
            self.get_json::<Progress>(PROGRESS_PATH),
            self.get_json::<TurfList>(TURFS_PATH),
            self.get_json::<VolunteerList>(VOLUNTEERS_PATH),
            self.get_json::<InviteList>(INVITES_PATH),
            self.get_json::<CallListList>(CALL_LISTS_PATH),
            self.get_json::<OldAssignmentList>(OLD_ASSIGNMENTS_PATH),
            self.get_json::<HeldRecordList>(HELD_RECORDS_PATH),
            self.get_json::<DoNotCallList>(DO_NOT_CALL_PATH),
        )?;
        let snapshot = LeadSnapshot {
            progress,
            turfs: turfs.turfs,
            volunteers: volunteers.volunteers,
            invites: invites.invites,
            call_lists: call_lists.call_lists,
            old_assignments: old.records,
            held: held.records,
            do_not_call: dnc.additions,
        };
        let cached = CachedLead {
            snapshot,
            fetched_at,
        };
        let saving = cached.clone();
        tokio::task::spawn_blocking(move || {
            store.save_lead_snapshot(&saving.snapshot, saving.fetched_at)
        })
        .await
        .map_err(|e| SyncError::Protocol(format!("a background task stopped: {e}")))??;
        Ok(cached)
    }

    /// Quarantine (`true`) or release a volunteer's records.
    pub async fn set_quarantine(
        &self,
        volunteer: VolunteerId,
        quarantined: bool,
    ) -> Result<(), SyncError> {
        self.send_json(
            Method::Post,
            &quarantine_path(volunteer, quarantined),
            &serde_json::json!({}),
        )
        .await?;
        Ok(())
    }

    /// Accept (`true`: stored, with its effects) or dismiss a record held for the lead.
    pub async fn decide_held(&self, record: EventId, accept: bool) -> Result<(), SyncError> {
        self.send_json(
            Method::Post,
            &held_decision_path(record, accept),
            &serde_json::json!({}),
        )
        .await?;
        Ok(())
    }

    /// Take back a number a volunteer's record put on the do-not-call list.
    pub async fn undo_do_not_call(&self, addition: i64) -> Result<(), SyncError> {
        self.send_json(
            Method::Post,
            &paths::with_id(paths::DO_NOT_CALL_UNDO_PATH, addition),
            &serde_json::json!({}),
        )
        .await?;
        Ok(())
    }

    /// Replace the volunteers who call a list.
    pub async fn assign_call_list(
        &self,
        list: CallListId,
        volunteers: &[VolunteerId],
    ) -> Result<(), SyncError> {
        self.send_json(
            Method::Put,
            &callers_path(list),
            &CallersRequest {
                volunteers: volunteers.to_vec(),
            },
        )
        .await?;
        Ok(())
    }

    /// Make an invite code for `role`, usable by `uses` devices for `days` days.
    pub async fn create_invite(
        &self,
        role: Role,
        uses: u32,
        days: u32,
    ) -> Result<InviteResponse, SyncError> {
        let raw = self
            .send_json(
                Method::Post,
                INVITES_PATH,
                &InviteRequest { role, uses, days },
            )
            .await?;
        serde_json::from_slice(&raw).map_err(|e| SyncError::Protocol(format!("invite answer: {e}")))
    }
}
