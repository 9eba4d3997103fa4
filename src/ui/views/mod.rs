//! One screen per [`crate::ui::Route`]: join a campaign, home (my turfs), the walk list of
//! a turf, its paper walk list, and the door.

pub mod call;
pub mod call_lists;
mod door;
mod door_script;
mod home;
mod join;
pub mod lead;
pub mod link_device;
pub mod network;
mod print_walk_list;
mod walk_list;
mod walk_map;

pub use call::Call;
pub use call_lists::{CallLists, CallListsLink};
pub use door::{keep_draft, load_draft, visit_events, Door, DoorDraft, VisitForm};
pub use door_script::ScriptAnswers;
pub use home::Home;
pub use join::Join;
pub use lead::{
    LeadAssign, LeadDashboard, LeadData, LeadInvites, LeadLayout, LeadPeople, LeadTurfMap,
};
pub use link_device::LinkDevice;
pub use network::{Network, NetworkContact, NetworkImport};
pub use print_walk_list::PrintWalkList;
pub use walk_list::{visible_groups, Filter, WalkList};
pub use walk_map::WalkMap;
