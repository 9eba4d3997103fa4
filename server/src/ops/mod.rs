//! The operations the lead's API and the command line both run on a store, each tying pure
//! parts to the store: cut the households no turf holds into turfs ([`cut_turfs`]), import
//! a voter or geocoding file from disk with its report and progress ([`import_file`]), and
//! write the results CSV ([`export`]). The routes run them on blocking threads; the
//! command line runs them directly.

pub mod cut_turfs;
pub mod export;
pub mod import_file;
