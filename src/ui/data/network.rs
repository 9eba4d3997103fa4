//! My network's screen: my totals, the follow-ups due and my contacts, from the shared fold
//! over my network records, with what waits to sync and what the server refused.

use groundgame_core::network::{ContactState, FollowUp, NetworkContactId, NetworkTotals};
use groundgame_core::TimeZone;

use crate::store::{Store, StoreError};

/// What the screen shows, read in one go.
#[derive(Debug, Clone, PartialEq)]
pub struct Overview {
    pub contacts: Vec<ContactState>,
    pub totals: NetworkTotals,
    pub due: Vec<FollowUp>,
    pub waiting: u64,
    /// The server's reasons for records it refused.
    pub refused: Vec<String>,
}

/// Read my network from the store; follow-ups are due on or before today in the device's
/// time zone.
pub fn overview(store: &Store, zone: TimeZone) -> Result<Overview, StoreError> {
    let state = store.network_state()?;
    let today = zone.date_of(store.now_ms());
    Ok(Overview {
        totals: state.totals(today),
        due: state.follow_ups_due(today),
        contacts: state.active().cloned().collect(),
        waiting: store.network_pending()?,
        refused: store
            .network_rejected()?
            .into_iter()
            .map(|r| r.message)
            .collect(),
    })
}

/// One of my contacts, as the shared fold has it (none once removed or never there).
pub fn contact(store: &Store, id: NetworkContactId) -> Result<Option<ContactState>, StoreError> {
    Ok(store.network_state()?.contact(id).cloned())
}

/// Every contact on my list, removed ones included (an import checks new rows against
/// them all).
pub fn all_contacts(store: &Store) -> Result<Vec<ContactState>, StoreError> {
    Ok(store.network_state()?.contacts)
}
