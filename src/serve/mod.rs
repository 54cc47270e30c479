//! `tokenrace serve`: a real HTTP auth + resource server whose policy is the
//! scenario's (the model's own auth server, [`core`]), with a scheduler in
//! front that parks every request and decides when each is handled and
//! when each answer is released ([`sched`]), so a user's real client meets
//! the interleavings the explorer reasons about. Each run of the client
//! command is recorded as a tokenrace trace, judged by the same invariants
//! (`check::judge`) and drawn by the same renderers.
//!
//! A layer beside `cli/`: it uses scenario, model, check and trace, and is
//! used only by `cli/`. Unlike the layers it uses it does IO — a loopback
//! socket, child processes and the wall clock (settle windows, run
//! bounds) — so no verdict of the model ever depends on it. It writes no
//! files: the CLI saves what it returns.

pub mod arrive;
pub mod call;
pub mod child;
pub mod core;
pub mod follow;
pub mod http;
pub mod jwt;
pub mod observe;
pub mod policy;
pub mod record;
pub mod run;
pub mod sched;
pub mod script;
pub mod server;
pub mod stages;
pub mod tokens;

pub use run::{serve, Mode, Options, Outcome, RunSummary, ServeError};
