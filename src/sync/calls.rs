//! Phone banking in the sync: after every push and pull, refresh the list of the call
//! lists this volunteer calls (a list left with its contacts), then, for each list the
//! caller opened on this device, give back the contacts they skipped and claim a small
//! buffer ([`CLAIM_BUFFER`]) of contacts to call, renewing the leases of the ones held.
//!
//! Call results are not sent here: they are ordinary events in the outbox, pushed with
//! everything else before this step runs, so a claim's answer already reflects them.
//! Offline, nothing here runs and the caller works through what the device holds.

use groundgame_core::protocol::calls::{
    CallContact, ClaimRequest, ClaimResponse, MyCallListsResponse, ReleaseRequest,
};
use groundgame_core::{paths, CallListId};
use serde::Serialize;

use super::client::Method;
use super::transport::{gzip, Transport};
use super::{Engine, SyncError};
use crate::store::calls::{CallListInfo, HeldContact};
use crate::store::StoreError;

/// How many contacts a device keeps claimed per open list (the server allows up to
/// [`MAX_CLAIM`]).
pub const CLAIM_BUFFER: u32 = 10;
pub use groundgame_core::protocol::calls::{MAX_CLAIM, MAX_RELEASE};

pub use groundgame_core::paths::MY_CALL_LISTS_PATH;

/// Claim contacts of a list (`POST`, body `{"count": n}`).
pub fn claim_path(list: CallListId) -> String {
    paths::with_id(paths::CALL_LIST_CLAIM_PATH, list)
}

/// Give back contacts of a list (`POST`, body `{"people": [..]}`).
pub fn release_path(list: CallListId) -> String {
    paths::with_id(paths::CALL_LIST_RELEASE_PATH, list)
}

/// A claimed contact as the device holds it.
fn held(list: CallListId, c: CallContact) -> HeldContact {
    HeldContact {
        list,
        person: c.person,
        household: c.household,
        first_name: c.first_name,
        last_name: c.last_name,
        language: c.language,
        phone: c.phone,
        street: c.address.street,
        number: c.address.number,
        unit: c.address.unit,
        city: c.address.city,
        zip: c.address.zip,
        position: c.position,
        retry: c.retry,
        expires_at: c.expires_at,
        call_back_due: None,
    }
}

/// How many contacts to ask for: the buffer, or every open contact held (so none is let
/// go of), plus room for the call-backs that came due, within the server's limit.
pub fn claim_count(open_held: u32, due_call_backs: u32) -> u32 {
    (CLAIM_BUFFER.max(open_held) + due_call_backs).clamp(1, MAX_CLAIM)
}

fn json<T: Serialize>(value: &T) -> Result<Vec<u8>, SyncError> {
    Ok(gzip(&serde_json::to_vec(value).map_err(StoreError::from)?))
}

impl<T: Transport> Engine<T> {
    /// The phone-bank step of a sync (see the module docs). A list the volunteer was taken
    /// off between the listing and the claim is skipped (the next sync removes it); a
    /// server that does not know phone banking (404) leaves the step out.
    pub(super) async fn sync_calls(&self, token: &str) -> Result<(), SyncError> {
        let raw = match self
            .request(Method::Get, MY_CALL_LISTS_PATH, None, token)
            .await
        {
            Ok(raw) => raw,
            // A server from before phone banking: there are no call lists to keep.
            Err(SyncError::Server { status: 404, .. }) => return Ok(()),
            Err(e) => return Err(e),
        };
        let wire: MyCallListsResponse = serde_json::from_slice(&raw)
            .map_err(|e| SyncError::Protocol(format!("call lists answer: {e}")))?;
        let lists: Vec<CallListInfo> = wire
            .lists
            .into_iter()
            .map(|l| CallListInfo {
                id: l.id,
                name: l.name,
                script: l.script,
                total: l.progress.total,
                left: l.progress.left,
                call_backs: l.progress.call_backs,
            })
            .collect();
        self.api()
            .blocking(move |store| Ok(store.replace_call_lists(&lists)?))
            .await?;
        for list in self.store().active_call_lists()? {
            match self.claim_for(token, list).await {
                Ok(()) => {}
                Err(SyncError::Server { status, .. }) if status == 403 || status == 404 => {
                    tracing::info!(list = list.0, status, "call list no longer callable here");
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Give back the skipped contacts of `list`, then claim its buffer.
    async fn claim_for(&self, token: &str, list: CallListId) -> Result<(), SyncError> {
        let skipped = self.store().skipped_calls(list)?;
        for chunk in skipped.chunks(MAX_RELEASE) {
            let body = json(&ReleaseRequest {
                people: chunk.to_vec(),
            })?;
            self.request(Method::Post, &release_path(list), Some(body), token)
                .await?;
            let given = chunk.to_vec();
            self.api()
                .blocking(move |store| Ok(store.forget_released(list, &given)?))
                .await?;
        }
        let count = claim_count(
            self.store().open_call_count(list)?,
            self.store().due_call_back_count(list)?,
        );
        let raw = self
            .request(
                Method::Post,
                &claim_path(list),
                Some(json(&ClaimRequest { count })?),
                token,
            )
            .await?;
        let wire: ClaimResponse = serde_json::from_slice(&raw)
            .map_err(|e| SyncError::Protocol(format!("claim answer: {e}")))?;
        let contacts: Vec<HeldContact> = wire.contacts.into_iter().map(|c| held(list, c)).collect();
        tracing::debug!(
            list = list.0,
            asked = count,
            held = contacts.len(),
            "calls claimed"
        );
        self.api()
            .blocking(move |store| Ok(store.apply_claim(list, &contacts, count)?))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_claim_keeps_every_held_contact_and_makes_room_for_due_call_backs() {
        assert_eq!(claim_count(0, 0), CLAIM_BUFFER);
        assert_eq!(claim_count(3, 0), CLAIM_BUFFER);
        assert_eq!(claim_count(14, 0), 14, "never fewer than held");
        assert_eq!(claim_count(10, 2), 12);
        assert_eq!(claim_count(49, 5), MAX_CLAIM);
    }
}
