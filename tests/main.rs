//! Groundgame's end-to-end suite: one integration-test binary (the ripgrep shape).
//! Everything here runs real parts: the server's real router and store on real SQLite
//! files, over real HTTP on 127.0.0.1 or as the real `groundgame-server` process, and real
//! devices (the app's store on a SQLite file plus its sync engine).
//!
//! Index:
//! - `support`: servers (in-process on a socket, or the real binary), devices, an
//!   in-process transport and a fault-injecting one.
//! - `calls`: two callers on one list through the real server binary: claims never shared,
//!   an offline caller's lease running out, an offline do-not-call reaching everyone.
//! - `two_devices`: two canvassers knock the same doors offline; both see both knocks.
//! - `lost_response`: a push answered after commit but never heard: retried, no duplicate.
//! - `crash_before_push`: a device process killed between its local commit and its push.
//! - `device_kill`: a device process killed at chosen points in the middle of its writes
//!   (a door save, a pull page written, a pull page committed).
//! - `reassignment`: a turf reassigned while its canvasser is offline.
//! - `revocation`: a revoked device gets 401 and wipes its voter data.
//! - `fuzz_seeds`: every fuzz target's oracle (`fuzz/src/lib.rs`) over its committed seeds,
//!   its regression inputs and fixed mutations of them.
//! - `keystore`: the device's database key in a real secret service (GNOME Keyring on the
//!   test's own D-Bus bus) through the real app binary: kept there and not in a file, the
//!   app refusing in plain words and changing nothing while the keyring is gone, a key file
//!   moved in, and revocation replacing the key.
//! - `lead`: a lead's device caches the lead views, acts, and reads them offline.
//! - `lead_data`: a lead's device imports a voter file, cuts turfs, makes a call list and
//!   saves scripts through the API; a volunteer's may not.
//! - `bad_signal`: three devices on one turf over a network losing 10%, 25% and 40% of
//!   requests (before and after the server acts): nothing lost or twice, all drained within
//!   a stated number of syncs.
//! - `bad_input`: the bad-input matrix against the real server process.
//! - `simulation`: the seeded deterministic fault simulation (1,000+ seeds).
//! - `product_simulation`: the seeded simulation of the whole product (doors, calls, my
//!   network, a lead acting through the API; devices syncing at once, in-process and over
//!   real HTTP) with oracles for derived state: calling rounds, do-not-call, claims.
//! - `simulator`: the field simulator beside a real canvasser: turf 1 stays theirs, and a
//!   second run on the same campaign passes.
//! - `server_kill`: the server process SIGKILLed in the middle of a push.
//! - `replicas`: three server processes on one PostgreSQL, the simulator's devices spread
//!   over them, one replica SIGKILLed mid-push and PostgreSQL restarted: nothing lost.
//! - `maps`: an OpenStreetMap extract written by pyosmium loaded with `streets`, and a
//!   voter file with no coordinates placed from it (`geocode --from-streets`), each door
//!   within 30 m of its house; the doors it cannot place reported with the reason.
//! - `network`: my network (private contacts and asks) to my devices only; the lead's
//!   summary is totals.
//! - `voter_file`: a voter file imported, cut, walked, re-imported and exported through the
//!   real server binary's command line.
//! - `voter_archives`: gzipped and zipped voter files through the real server binary, from
//!   the app's engine and from the command line; bad archives refused, nothing imported.

mod support;

mod bad_input;
mod bad_signal;
mod calls;
mod crash_before_push;
mod device_kill;
mod fuzz_seeds;
mod keystore;
mod lead;
mod lead_data;
mod lost_response;
mod maps;
mod network;
mod product_simulation;
mod reassignment;
mod replicas;
mod revocation;
mod server_kill;
mod simulation;
mod simulator;
mod two_devices;
mod voter_archives;
mod voter_file;
