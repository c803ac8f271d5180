//! Private loan decisions in the simulated market: the path `aloe demo` walks once, here for every
//! borrower who brings a credit file.
//!
//! A share of borrowers ([`CREDIT_FILE_SHARE`]) apply with a credit file: one applicant of the UCI German
//! credit data, drawn to match their hidden state (a "good" applicant with probability equal to their
//! reliability, a "bad" one otherwise), so the file says something true about how they will pay without
//! deciding it. The notary commits to the file's 20 attributes (Poseidon, with the borrower's salt) at
//! registration. One loan tier asks no minimum score but the shipped credit model's approval: a borrower
//! whose file the model approves proves it in zero knowledge (Groth16, the development keys) and borrows
//! with `borrowWithProof`. A proof binds the borrower, the commitment and the threshold, not the loan, so
//! each borrower proves once and reuses its proof; a file the model rejects is never proved.
//!
//! Proving is the market's one heavy computation off the chain (about a quarter of a second a proof), and
//! the day loop keeps one core busy, so a prover thread makes each approved borrower's proof as soon as it
//! registers, on the other core, while the market goes on; borrowers first look for a loan the day after
//! they register. Each proof draws from a generator seeded by the run's seed and the borrower alone, so
//! the proofs, and the report, do not depend on the threads' timing.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

use alloy_primitives::{Address, U256};
use aloe_chain::Chain;
use aloe_contracts::Protocol;
use aloe_identity::roles::notary::ModelAttributes;
use aloe_ml::data::GERMAN_DATA;
use aloe_ml::fixed_input::CommittedAttributes;
use aloe_ml::rng::SplitMix64;
use aloe_server::decision::{RegisteredModel, register_dev_model};
use ark_bn254::Fr;
use rand::{SeedableRng, rngs::StdRng};

/// The share of borrowers who apply with a credit file.
pub const CREDIT_FILE_SHARE: f64 = 0.1;

/// The smallest margin (the model's fixed-point units) the decision tier asks: the model's own cut.
pub const MIN_MARGIN: i32 = 0;

/// The German credit data's applicants as credit files: their attributes in the UCI coding and class.
#[derive(Debug, Clone)]
pub struct CreditFiles {
    uci: Vec<String>,
    good: Vec<usize>,
    bad: Vec<usize>,
}

impl CreditFiles {
    /// The 1,000 applicants shipped with `aloe-ml` (`data/german_credit`).
    pub fn german() -> Self {
        let mut files = Self { uci: Vec::new(), good: Vec::new(), bad: Vec::new() };
        for line in GERMAN_DATA.lines().filter(|l| !l.trim().is_empty()) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let (attributes, class) = fields.split_at(fields.len() - 1);
            let index = files.uci.len();
            if class == ["1"] {
                files.good.push(index)
            } else {
                files.bad.push(index)
            }
            files.uci.push(attributes.join(" "));
        }
        files
    }

    /// A borrower of `reliability`'s file, or none (it applies without one).
    pub fn draw(&self, reliability: f64, rng: &mut SplitMix64) -> Option<usize> {
        if rng.next_f64() >= CREDIT_FILE_SHARE {
            return None;
        }
        let pool = if rng.next_f64() < reliability { &self.good } else { &self.bad };
        Some(pool[rng.below(pool.len())])
    }

    /// File `index`'s attributes in the UCI coding.
    pub fn uci(&self, index: usize) -> &str {
        &self.uci[index]
    }
}

/// What went wrong on the decision path (the model, its keys or a proof); boxed, as `aloe_server::Error`
/// is large and these results pass through every day's loop.
pub type DecisionError = Box<aloe_server::Error>;

/// A proof to make: whose, of what.
struct Job {
    borrower: usize,
    address: Address,
    attributes: CommittedAttributes,
    salt: Fr,
    rng: StdRng,
}

type Made = (usize, Result<[U256; 8], DecisionError>);

/// The decision model on the chain, which borrowers it approves, and their proofs (made by a prover
/// thread, collected when first needed).
pub struct Decisions {
    model: Arc<RegisteredModel>,
    files: CreditFiles,
    seed: u64,
    /// Per borrower with a file: whether the model approves it.
    approved: HashMap<usize, bool>,
    proofs: HashMap<usize, [U256; 8]>,
    /// Borrowers that borrowed with their proof.
    used: std::collections::BTreeSet<usize>,
    jobs: Sender<Job>,
    made: Receiver<Made>,
}

impl std::fmt::Debug for Decisions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decisions").field("model", &self.model.index).field("files", &self.approved.len()).finish()
    }
}

/// Makes every job's proof in turn until the market drops its end of the queue.
fn prover(model: Arc<RegisteredModel>, jobs: Receiver<Job>, made: Sender<Made>) {
    for mut job in jobs {
        let proof = model.prove(&job.attributes, job.salt, job.address, MIN_MARGIN, &mut job.rng).map_err(Box::new);
        if made.send((job.borrower, proof)).is_err() {
            return;
        }
    }
}

impl Decisions {
    /// Deploys the shipped model's development verifier from `owner`, registers it, makes its keys and
    /// starts the prover thread; borrowers' files come from `files`.
    pub fn new(
        chain: &mut dyn Chain,
        protocol: &Protocol,
        owner: Address,
        files: CreditFiles,
        seed: u64,
    ) -> Result<Self, DecisionError> {
        let model = Arc::new(register_dev_model(chain, protocol, owner, aloe_zk::dev::PUBLIC).map_err(Box::new)?);
        let (jobs, queue) = channel();
        let (done, made) = channel();
        let for_prover = model.clone();
        std::thread::Builder::new()
            .name("aloe-sim-prover".into())
            .spawn(move || prover(for_prover, queue, done))
            .map_err(|e| Box::new(aloe_server::Error::Io(e)))?;
        Ok(Self {
            model,
            files,
            seed,
            approved: HashMap::new(),
            proofs: HashMap::new(),
            used: Default::default(),
            jobs,
            made,
        })
    }

    /// The model's index in `DecisionModels` (what a loan of the decision tier names).
    pub fn model_index(&self) -> u32 {
        self.model.index
    }

    /// Borrower `borrower` (at `address`) registers its credit file `file`: the attributes and a fresh
    /// salt for the notary to commit to. If the model approves them its proof is queued at once.
    pub fn register(
        &mut self,
        borrower: usize,
        address: Address,
        file: usize,
    ) -> Result<ModelAttributes, DecisionError> {
        let uci = self.files.uci(file).to_owned();
        let attributes = aloe_zk::files::parse_attributes(&uci).map_err(|e| Box::new(e.into()))?;
        // One generator per borrower: its salt, then its proof's randomness.
        let mut rng =
            StdRng::seed_from_u64(self.seed ^ 0xDEC1_5105 ^ (borrower as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let salt = aloe_zk::commitment::random_salt(&mut rng);
        let approved = self.model.model.margin(&attributes).map_err(|e| Box::new(e.into()))? >= i128::from(MIN_MARGIN);
        self.approved.insert(borrower, approved);
        if approved {
            // The prover outlives the market's use of it; a closed queue only means no proof will come.
            let _ = self.jobs.send(Job { borrower, address, attributes, salt, rng });
        }
        Ok(ModelAttributes { uci, salt: aloe_zk::files::field_hex(salt) })
    }

    /// Borrowers registered with a credit file, and of those, the ones the model approves.
    pub fn files(&self) -> (usize, usize) {
        (self.approved.len(), self.approved.values().filter(|&&a| a).count())
    }

    /// Borrowers that borrowed with their proof.
    pub fn provers(&self) -> usize {
        self.used.len()
    }

    /// `borrower`'s proof that the model approves its file, waiting for the prover if it is not made yet;
    /// `None` if it has no file the model approves.
    pub fn proof(&mut self, borrower: usize) -> Result<Option<[U256; 8]>, DecisionError> {
        if !self.approved.get(&borrower).copied().unwrap_or(false) {
            return Ok(None);
        }
        while !self.proofs.contains_key(&borrower) {
            let (whose, proof) = self
                .made
                .recv()
                .map_err(|_| Box::new(aloe_server::Error::Io(std::io::Error::other("the prover thread stopped"))))?;
            self.proofs.insert(whose, proof?);
        }
        self.used.insert(borrower);
        Ok(self.proofs.get(&borrower).copied())
    }
}
