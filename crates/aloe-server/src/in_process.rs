//! The escrow parties in one process: auditors reached by direct calls instead of HTTP, each with its own
//! registry over a [`aloe_chain::SharedChain`]. For the demo, tests and single-process deployments.

use alloy_primitives::Address;
use aloe_identity::{
    Error, Result,
    escrow::AuditorInfo,
    messages::Signed,
    roles::{auditor::Auditor, notary::Courier},
};

use crate::{auditor::AuditorService, registry::ChainRegistry};

/// Auditors in this process; the `offline` ones refuse as an unreachable one would.
#[derive(Debug)]
pub struct InProcessCourier {
    /// Each auditor with its own registry.
    pub auditors: Vec<(Auditor, ChainRegistry)>,
    /// Auditors that do not answer.
    pub offline: Vec<Address>,
}

impl Courier for InProcessCourier {
    fn deliver(&mut self, auditor: &AuditorInfo, message: &Signed) -> Result<()> {
        if self.offline.contains(&auditor.account) {
            return Err(Error::refused(format!("auditor {} is offline", auditor.account)));
        }
        let (service, registry) = self
            .auditors
            .iter_mut()
            .find(|(candidate, _)| candidate.address() == auditor.account)
            .ok_or_else(|| Error::refused(format!("no auditor {} in this process", auditor.account)))?;
        service.receive(registry, message)
    }
}

/// Delivers to auditor services running in this process (`aloe serve`): the same services that answer
/// over HTTP, reached by a direct call.
#[derive(Debug)]
pub struct ServiceCourier {
    /// Each auditor's account and its service.
    pub auditors: Vec<(Address, AuditorService)>,
}

impl Courier for ServiceCourier {
    fn deliver(&mut self, auditor: &AuditorInfo, message: &Signed) -> Result<()> {
        let (_, service) = self
            .auditors
            .iter()
            .find(|(account, _)| *account == auditor.account)
            .ok_or_else(|| Error::refused(format!("no auditor {} in this process", auditor.account)))?;
        service.receive_blocking(message)
    }
}
