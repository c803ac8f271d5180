//! Integration tests of the indexer on the embedded chain (the lifecycle scenario, syncs in pieces, failures
//! mid-range, reorganisations, refused files) and, ignored unless `ALOE_ANVIL_URL` is set as `scripts/test`
//! does, a real reorganisation on anvil.

mod anvil;
mod lifecycle;
mod model;
mod refusals;
mod reorg;
mod resume;
mod status;
mod support;
