//! Syncing my network (relational organizing): push the network outbox in batches, then
//! pull this volunteer's records from their other devices, page by page. Run from every
//! sync after the main push. The same safety rules as the events: an outbox row leaves only
//! by the server's answer for it (a lost answer means a harmless re-push, answered
//! `duplicate`), and each pulled page is applied in one transaction with its cursor.

use groundgame_core::network::{
    NetworkPullRequest, NetworkPullResponse, NetworkPushRequest, NetworkPushResponse,
    MAX_NETWORK_PULL, MAX_NETWORK_PUSH, NETWORK_PULL_PATH, NETWORK_PUSH_PATH,
};
use groundgame_core::protocol::PROTOCOL_VERSION;

use super::client::Method;
use super::transport::{gzip, Transport};
use super::{Engine, SyncError};
use crate::store::StoreError;

/// What one network sync moved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NetworkSyncReport {
    pub pushed: u64,
    pub rejected: u64,
    pub pulled: u64,
}

impl<T: Transport> Engine<T> {
    /// Push every waiting network record, then pull everything new of my own.
    pub(super) async fn sync_network(&self, token: &str) -> Result<NetworkSyncReport, SyncError> {
        let mut report = NetworkSyncReport::default();
        while let Some(batch) = self
            .api()
            .blocking(|store| Ok(store.network_outbox_batch(MAX_NETWORK_PUSH)?))
            .await?
        {
            let request = NetworkPushRequest {
                protocol: PROTOCOL_VERSION,
                records: batch.records.clone(),
            };
            let body = gzip(&serde_json::to_vec(&request).map_err(StoreError::from)?);
            let raw = self
                .request(Method::Post, NETWORK_PUSH_PATH, Some(body), token)
                .await?;
            let response: NetworkPushResponse = serde_json::from_slice(&raw)
                .map_err(|e| SyncError::Protocol(format!("network push answer: {e}")))?;
            if response.results.len() != batch.records.len() {
                return Err(SyncError::Protocol(format!(
                    "network push answer has {} outcomes for {} records",
                    response.results.len(),
                    batch.records.len()
                )));
            }
            report.pushed += batch.records.len() as u64;
            report.rejected += response
                .results
                .iter()
                .filter(|o| matches!(o, groundgame_core::protocol::PushOutcome::Rejected { .. }))
                .count() as u64;
            self.api()
                .blocking(move |store| {
                    Ok(
                        store.apply_network_push(
                            &batch,
                            &response.results,
                            response.server_time,
                        )?,
                    )
                })
                .await?;
        }
        loop {
            let cursor = self
                .api()
                .blocking(|store| Ok(store.network_cursor()?))
                .await?;
            let request = NetworkPullRequest {
                protocol: PROTOCOL_VERSION,
                cursor,
                limit: Some(MAX_NETWORK_PULL),
            };
            let body = gzip(&serde_json::to_vec(&request).map_err(StoreError::from)?);
            let raw = self
                .request(Method::Post, NETWORK_PULL_PATH, Some(body), token)
                .await?;
            let response: NetworkPullResponse = serde_json::from_slice(&raw)
                .map_err(|e| SyncError::Protocol(format!("network pull answer: {e}")))?;
            if response.cursor < cursor {
                return Err(SyncError::Protocol(
                    "the network pull went backwards; update the app".into(),
                ));
            }
            let more = response.has_more && response.cursor > cursor;
            report.pulled += self
                .api()
                .blocking(move |store| {
                    Ok(store.apply_network_pull(
                        &response.records,
                        response.cursor,
                        response.server_time,
                    )?)
                })
                .await?;
            if !more {
                break;
            }
        }
        if report != NetworkSyncReport::default() {
            tracing::debug!(
                pushed = report.pushed,
                rejected = report.rejected,
                pulled = report.pulled,
                "network synced"
            );
        }
        Ok(report)
    }
}
