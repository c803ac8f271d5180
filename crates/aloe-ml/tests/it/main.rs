//! Integration tests of aloe-ml: the fixed-point error bound on random networks, the protocol on a
//! small budget, scoring files through a model file, and the shipped DeFi detector file.

mod coldstart;
mod defi_model;
mod protocol;
mod quantize_bound;
mod score;
