//! The resolve stage: registry facts for every component, fetched once per
//! package, in parallel, through the cache and snapshots.

pub mod cache;
pub mod cargo_index;
pub mod client;
pub mod derive;
pub mod endpoints;
pub mod goproxy;
pub mod http;
pub mod keys;
pub mod npm;
pub mod progress;
pub mod pypi;
pub mod snapshot;
