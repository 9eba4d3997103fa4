//! My network (relational organizing): the volunteer's own contacts and asks, private to
//! them. `list` is `/network` (my totals, follow-ups due, my contacts), `contact` is
//! `/network/contact/:id` (add or edit a contact; plan, answer and follow up each ask),
//! `import` is `/network/import` (a phone's vCard or CSV export, checked and reported
//! before anything is saved). `text` holds their sentences with numbers, in EN and ES.

mod contact;
mod import;
mod list;
/// My network's sentences (in `ui/i18n/network.rs`, with every other string).
pub use crate::ui::i18n::network as text;

pub use contact::{ContactFields, NetworkContact};
pub use import::{check as check_import, commit as commit_import, NetworkImport};
pub use list::{matching, overview, Network, Overview};
