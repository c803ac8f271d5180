//! The k-NN model handle (upload, publish, score) and the naive baseline the benchmark compares it with.

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;
use aloe_chain::Chain;
use aloe_score::ModelPoint;

use crate::{
    Error, Result, Sent, artifacts,
    bindings::{KnnModel as abi, NaiveKnn as naive_abi},
    tx::{deploy, send, view, view_gas},
};

/// The model's point sets (`KnnModel.Set`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PointSet {
    /// The old set.
    Old,
    /// The new set (its count includes the buffer).
    New,
    /// Chunks staged for the next published model.
    Staging,
}

impl PointSet {
    fn id(self) -> u8 {
        self as u8
    }
}

const NAME: &str = "KnnModel";
const NAIVE: &str = "NaiveKnn";

/// Points per chunk at most (`KnnModel.MAX_CHUNK_POINTS`).
pub const MAX_CHUNK_POINTS: usize = 511;

/// The bureau's k-NN model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KnnModel {
    /// Its address.
    pub address: Address,
}

fn packed(points: &[ModelPoint]) -> Vec<U256> {
    points.iter().map(ModelPoint::pack).collect()
}

fn query(vector: [u16; 5]) -> [U256; 5] {
    vector.map(U256::from)
}

impl KnnModel {
    fn send<C: SolCall>(&self, chain: &mut dyn Chain, from: Address, call: C) -> Result<Sent> {
        send(chain, NAME, from, self.address, U256::ZERO, call)
    }

    fn view<C: SolCall>(&self, chain: &mut dyn Chain, call: C) -> Result<C::Return> {
        view(chain, NAME, self.address, call)
    }

    /// Stages one chunk (1 to 511 points) of the next model (owner only).
    pub fn stage_chunk(&self, chain: &mut dyn Chain, owner: Address, points: &[ModelPoint]) -> Result<Sent> {
        self.send(chain, owner, abi::stageChunkCall { points: packed(points) })
    }

    /// Forgets the staged chunks (owner only).
    pub fn clear_staging(&self, chain: &mut dyn Chain, owner: Address) -> Result<Sent> {
        self.send(chain, owner, abi::clearStagingCall {})
    }

    /// Makes the staged points the model with `k` neighbours (owner only).
    pub fn publish(&self, chain: &mut dyn Chain, owner: Address, k: u8) -> Result<Sent> {
        self.send(chain, owner, abi::publishCall { k_: U256::from(k) })
    }

    /// Stages `points` in chunks of at most 511 and publishes them with `k` (owner only).
    pub fn upload(&self, chain: &mut dyn Chain, owner: Address, points: &[ModelPoint], k: u8) -> Result<()> {
        for chunk in points.chunks(MAX_CHUNK_POINTS) {
            self.stage_chunk(chain, owner, chunk)?;
        }
        self.publish(chain, owner, k)?;
        Ok(())
    }

    /// The model's answer in thousandths for a ratio vector and a loan of `duration` seconds; `None` while
    /// the model has no point.
    pub fn score(&self, chain: &mut dyn Chain, vector: [u16; 5], duration: u64) -> Result<Option<u64>> {
        let answer = self.view(chain, abi::scoreCall { vector: query(vector), duration: U256::from(duration) })?;
        Ok(answer.found.then(|| answer._0.to::<u64>()))
    }

    /// The gas of that answer as a transaction.
    pub fn score_gas(&self, chain: &mut dyn Chain, vector: [u16; 5], duration: u64) -> Result<u64> {
        view_gas(chain, NAME, self.address, abi::scoreCall { vector: query(vector), duration: U256::from(duration) })
    }

    /// k.
    pub fn k(&self, chain: &mut dyn Chain) -> Result<u64> {
        Ok(self.view(chain, abi::kCall {})?.to::<u64>())
    }

    /// Points in `set`.
    pub fn size(&self, chain: &mut dyn Chain, set: PointSet) -> Result<u64> {
        Ok(self.view(chain, abi::sizeCall { set: set.id() })?.to::<u64>())
    }

    /// The chunks of `set`.
    pub fn chunks(&self, chain: &mut dyn Chain, set: PointSet) -> Result<Vec<Address>> {
        self.view(chain, abi::chunksCall { set: set.id() })
    }

    /// The points of chunk `index` of `set`, as uploaded.
    pub fn points_of(&self, chain: &mut dyn Chain, set: PointSet, index: usize) -> Result<Vec<ModelPoint>> {
        let words = self.view(chain, abi::pointsOfCall { set: set.id(), index: U256::from(index) })?;
        words
            .into_iter()
            .map(|word| {
                ModelPoint::unpack(word).map_err(|_| Error::Decode {
                    contract: NAME,
                    function: abi::pointsOfCall::SIGNATURE,
                    source: alloy_sol_types::Error::custom("a stored point has bits above bit 200"),
                })
            })
            .collect()
    }
}

/// The benchmark's baseline: points in a storage array, a plain Solidity loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NaiveKnn {
    /// Its address.
    pub address: Address,
}

impl NaiveKnn {
    /// Deploys one from `from`.
    pub fn deploy(chain: &mut dyn Chain, from: Address) -> Result<Self> {
        Ok(Self { address: deploy(chain, NAIVE, from, artifacts::NAIVE_KNN.bytecode.to_vec())?.value })
    }

    /// Appends `points`.
    pub fn add(&self, chain: &mut dyn Chain, from: Address, points: &[ModelPoint]) -> Result<Sent> {
        send(chain, NAIVE, from, self.address, U256::ZERO, naive_abi::addCall { packed: packed(points) })
    }

    /// The answer over all points with `k` neighbours.
    pub fn score(&self, chain: &mut dyn Chain, vector: [u16; 5], duration: u64, k: u8) -> Result<Option<u64>> {
        let call = naive_abi::scoreCall { vector: query(vector), duration: U256::from(duration), k: U256::from(k) };
        let answer = view(chain, NAIVE, self.address, call)?;
        Ok(answer._1.then(|| answer._0.to::<u64>()))
    }

    /// The gas of that answer as a transaction.
    pub fn score_gas(&self, chain: &mut dyn Chain, vector: [u16; 5], duration: u64, k: u8) -> Result<u64> {
        let call = naive_abi::scoreCall { vector: query(vector), duration: U256::from(duration), k: U256::from(k) };
        view_gas(chain, NAIVE, self.address, call)
    }
}
