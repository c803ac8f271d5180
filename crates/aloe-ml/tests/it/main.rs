//! Integration tests of aloe-ml: the fixed-point error bound on random networks, the protocol on a
//! small budget, and scoring files through a model file.

mod coldstart;
mod protocol;
mod quantize_bound;
mod score;
