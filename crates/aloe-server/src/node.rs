//! `aloe serve`'s process, assembled from one data directory: the chain (a persistent embedded chain in
//! `chain.sqlite`, or a JSON-RPC node), the protocol's deployment file, the escrow parties (a notary and
//! auditors, each with its keys and store in its own folder) and the keeper's key.
//!
//! Every step of the first start is idempotent, so a crash anywhere in it is mended by the next start:
//! the deployment file is written (atomically) only once the protocol is on the chain, the auditor set is
//! listed only if the chain does not list exactly ours already, and the notary only if it is not listed.
//!
//! ```text
//! DIR/chain.sqlite        the embedded chain (absent with --rpc-url)
//! DIR/deployment.json     the protocol's addresses
//! DIR/notary/             key.json, tag-key.json (encrypted), notary.sqlite
//! DIR/auditor-N/          key.json (encrypted), auditor.sqlite
//! DIR/keeper/             key.json (encrypted)
//! DIR/lending-pool.json   the Aave-V3-shaped pool the DeFi score reads (made on first start)
//! DIR/decision-model.json the development credit model's index in the decision-model registry
//! DIR/dev-wallet/         development accounts' credit attributes and salts, to prove with
//! DIR/index.sqlite        the indexer's tables
//! ```

use std::path::{Path, PathBuf};

use alloy_primitives::{Address, U256};
use alloy_signer_local::PrivateKeySigner;
use aloe_chain::{Chain, EmbeddedChain, RpcChain, SharedChain, dev_signer};
use aloe_contracts::{Auditor as ListedAuditor, Protocol};
use aloe_identity::{
    roles::{auditor::Auditor, notary::Notary},
    store::{AuditorStore, NotaryStore},
};

use crate::{
    Error, attributes::PoseidonCommitter, auditor::AuditorService, in_process::ServiceCourier, keys,
    notary::NotaryService, registry::ChainRegistry,
};

/// What `aloe serve` is started with.
#[derive(Clone, Debug)]
pub struct NodeConfig {
    /// The data directory.
    pub data_dir: PathBuf,
    /// A JSON-RPC node instead of the embedded chain.
    pub rpc_url: Option<String>,
    /// The password of the parties' key files.
    pub password: String,
    /// How many auditors run in this process.
    pub auditors: usize,
    /// How many of them reveal an identity.
    pub threshold: u8,
}

/// The development accounts a person acts as from the dashboard (public keys: development chains only).
pub const DEV_USERS: std::ops::Range<usize> = 100..110;

/// The protocol's owner on a development chain.
pub fn dev_owner() -> PrivateKeySigner {
    dev_signer(0)
}

/// What each party and development account is given for gas and for lending on a development chain.
fn allowance() -> U256 {
    U256::from(10_000u64) * U256::from(10u64).pow(U256::from(18))
}

/// The running protocol and its parties.
#[derive(Debug)]
pub struct Node {
    /// The chain every party shares.
    pub chain: SharedChain,
    /// The deployment.
    pub protocol: Protocol,
    /// The notary's service.
    pub notary: NotaryService,
    /// The auditors' services, in the escrow set's order.
    pub auditors: Vec<AuditorService>,
    /// The keeper's account (reports defaults).
    pub keeper: Address,
    /// The lending pool whose history the DeFi score reads beside Aloe's loans.
    pub lending_pool: LendingPool,
    /// The development credit model loans may require a proof of approval from.
    pub decision: std::sync::Arc<crate::decision::LazyModel>,
    /// The data directory.
    pub data_dir: PathBuf,
}

impl Node {
    /// Opens (or on first start, creates) the node in `config.data_dir`.
    pub fn open(config: &NodeConfig) -> Result<Self, Error> {
        let dir = &config.data_dir;
        std::fs::create_dir_all(dir)?;
        let notary_key = keys::account(&dir.join("notary"), &config.password)?;
        let tag_key = keys::tag_key(&dir.join("notary"), &config.password, None)?;
        let auditor_keys = (1..=config.auditors)
            .map(|i| keys::account(&dir.join(format!("auditor-{i}")), &config.password))
            .collect::<Result<Vec<_>, _>>()?;
        let keeper = keys::account(&dir.join("keeper"), &config.password)?;

        let mut chain = SharedChain::new(match &config.rpc_url {
            None => Box::new(EmbeddedChain::open(dir.join("chain.sqlite"))?),
            Some(url) => {
                let mut signers = vec![dev_owner(), notary_key.clone(), keeper.clone()];
                signers.extend(auditor_keys.iter().cloned());
                signers.extend(DEV_USERS.map(dev_signer));
                Box::new(RpcChain::connect(url, signers)?)
            }
        });
        let protocol = deployment(&mut chain, &dir.join("deployment.json"))?;
        for account in [notary_key.address(), keeper.address()]
            .into_iter()
            .chain(auditor_keys.iter().map(PrivateKeySigner::address))
            .chain(DEV_USERS.map(|i| dev_signer(i).address()))
        {
            if chain.balance(account)? < allowance() / U256::from(2) {
                chain.set_balance(account, allowance())?;
            }
        }

        let shared = chain.clone();
        let registry = || ChainRegistry::new(Box::new(shared.clone()), protocol);
        let auditors = auditor_keys
            .into_iter()
            .enumerate()
            .map(|(i, key)| {
                let store = AuditorStore::open(&dir.join(format!("auditor-{}", i + 1)).join("auditor.sqlite"))?;
                Ok(AuditorService::new(Auditor::new(key, store), registry()))
            })
            .collect::<Result<Vec<_>, Error>>()?;
        list_auditors(&mut chain, &protocol, &auditors, config.threshold)?;
        if !protocol.bureau.is_notary(&mut chain, notary_key.address())? {
            protocol.bureau.add_notary(&mut chain, protocol.owner, notary_key.address())?;
        }
        let courier = ServiceCourier { auditors: auditors.iter().map(|s| (s.address(), s.clone())).collect() };
        let notary = Notary::new(notary_key, tag_key, NotaryStore::open(&dir.join("notary").join("notary.sqlite"))?)
            .with_committer(Box::new(PoseidonCommitter));
        let notary = NotaryService::new(notary, registry(), Box::new(courier));
        let lending_pool = lending_pool(&mut chain, &protocol, &dir.join("lending-pool.json"))?;
        let decision = std::sync::Arc::new(decision_model(&mut chain, &protocol, &dir.join("decision-model.json"))?);
        Ok(Self {
            chain,
            protocol,
            notary,
            auditors,
            keeper: keeper.address(),
            lending_pool,
            decision,
            data_dir: dir.clone(),
        })
    }
}

/// An Aave-V3-shaped lending pool and the wrapped ether it prices (Aave prices WETH, Aloe lends ether): what
/// the DeFi behaviour score reads an address's pool history and account data from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LendingPool {
    /// The pool, its own price oracle (the test pool of `aloe_contracts::aave`).
    pub pool: Address,
    /// The WETH reserve listed in it.
    pub weth: Address,
}

/// Ether's price in the pool's oracle (8 decimals, as Aave's): $2,000.
const ETHER_PRICE: u64 = 2_000 * 100_000_000;

/// The pool in `path`, or on first start a test pool with a WETH reserve, written there (a crash before
/// the file is written leaves only unused contracts; the next start makes another).
fn lending_pool(chain: &mut dyn Chain, protocol: &Protocol, path: &Path) -> Result<LendingPool, Error> {
    if path.exists() {
        let text = std::fs::read_to_string(path)?;
        return serde_json::from_str(&text).map_err(|e| Error::Deployment {
            path: path.display().to_string(),
            reason: format!("not a lending pool file: {e}"),
        });
    }
    let owner = protocol.owner;
    let pool = aloe_contracts::aave::TestLendingPool::deploy(chain, owner)?.value;
    let weth = aloe_contracts::Token::deploy_test_token(chain, owner, "Wrapped Ether", "WETH")?.value;
    pool.list_reserve(chain, owner, weth.address, 8_000, 8_250, U256::from(ETHER_PRICE))?;
    let found = LendingPool { pool: pool.address, weth: weth.address };
    write_atomically(path, &(serde_json::to_string_pretty(&found).expect("addresses serialise") + "\n"))?;
    Ok(found)
}

/// The development credit model (the shipped MLP, keys from a public seed) registered in `path`, or on
/// first start registered and written there.
fn decision_model(
    chain: &mut dyn Chain,
    protocol: &Protocol,
    path: &Path,
) -> Result<crate::decision::LazyModel, Error> {
    let dev = aloe_zk::dev::PUBLIC;
    if path.exists() {
        let text = std::fs::read_to_string(path)?;
        let index = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v["index"].as_u64())
            .and_then(|i| u32::try_from(i).ok())
            .ok_or_else(|| Error::Deployment { path: path.display().to_string(), reason: "no model index".into() })?;
        return Ok(crate::decision::LazyModel::new(index, dev));
    }
    let index = crate::decision::LazyModel::register(chain, protocol, protocol.owner, dev)?;
    write_atomically(path, &(serde_json::json!({ "index": index }).to_string() + "\n"))?;
    Ok(crate::decision::LazyModel::new(index, dev))
}

/// Writes `text` to `path` through a synced temporary file renamed over it: never half a file.
pub(crate) fn write_atomically(path: &Path, text: &str) -> Result<(), Error> {
    use std::io::Write;
    let staging = path.with_extension("partial");
    let mut file = std::fs::File::create(&staging)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    std::fs::rename(&staging, path)?;
    Ok(())
}

/// The deployment in `path`, checked against the chain; or, on first start, the protocol deployed by the
/// development owner and the file written (atomically: a crash leaves no half-written file).
fn deployment(chain: &mut dyn Chain, path: &Path) -> Result<Protocol, Error> {
    if path.exists() {
        let text = std::fs::read_to_string(path)?;
        let protocol: Protocol = serde_json::from_str(&text).map_err(|e| Error::Deployment {
            path: path.display().to_string(),
            reason: format!("not a deployment file: {e}"),
        })?;
        let chain_id = chain.chain_id()?;
        if protocol.chain_id != chain_id || chain.code(protocol.bureau.address)?.is_empty() {
            return Err(Error::Deployment {
                path: path.display().to_string(),
                reason: format!(
                    "it names a bureau at {} on chain {}, which this chain (id {chain_id}) does not have",
                    protocol.bureau.address, protocol.chain_id
                ),
            });
        }
        return Ok(protocol);
    }
    let owner = dev_owner().address();
    chain.set_balance(owner, allowance())?;
    let protocol = Protocol::deploy(chain, owner)?;
    write_atomically(path, &(serde_json::to_string_pretty(&protocol).expect("a deployment serialises") + "\n"))?;
    Ok(protocol)
}

/// Lists `auditors` as the escrow's current set unless exactly they (with `threshold`) are listed already.
fn list_auditors(
    chain: &mut dyn Chain,
    protocol: &Protocol,
    auditors: &[AuditorService],
    threshold: u8,
) -> Result<(), Error> {
    let wanted: Vec<_> =
        auditors.iter().map(|s| ListedAuditor { account: s.address(), encryptionKey: s.encryption_key() }).collect();
    let escrow = &protocol.identity_escrow;
    let epoch = escrow.current_epoch(chain)?;
    if epoch > 0 {
        let (listed, listed_threshold) = escrow.auditor_set(chain, epoch)?;
        let same = listed_threshold == threshold
            && listed.len() == wanted.len()
            && listed.iter().zip(&wanted).all(|(a, b)| a.account == b.account && a.encryptionKey == b.encryptionKey);
        if same {
            return Ok(());
        }
    }
    escrow.set_auditors(chain, protocol.owner, wanted, threshold)?;
    Ok(())
}
