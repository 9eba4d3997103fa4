//! One screen per [`crate::ui::Route`]: join a campaign, home (my turfs), the walk list of
//! a turf, and the door.

mod door;
mod home;
mod join;
mod walk_list;

pub use door::{visit_events, Door, VisitForm};
pub use home::Home;
pub use join::Join;
pub use walk_list::{visible_groups, Filter, WalkList};
