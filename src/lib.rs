//! tokenrace: a deterministic protocol simulator and race-condition explorer
//! for access-token / refresh-token flows.
//!
//! Data flows one way: `scenario → engine → model → explore → check → trace
//! → render → cli` (docs/architecture.md).

pub mod check;
pub mod cli;
pub mod engine;
pub mod explore;
pub mod model;
pub mod render;
pub mod scenario;
pub mod trace;
