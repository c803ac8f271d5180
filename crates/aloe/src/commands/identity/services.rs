//! `aloe notary serve` and `aloe auditor serve`: each on its own data directory (keys made on first
//! start and kept, encrypted; its SQLite store) and port.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use aloe_identity::{
    roles::{auditor::Auditor, notary::Notary},
    store::{AuditorStore, NotaryStore},
};
use aloe_server::{
    attributes::PoseidonCommitter,
    auditor::AuditorService,
    keys,
    notary::{HttpCourier, NotaryService},
};
use anyhow::Context;

use super::ChainArgs;

/// Where a service lives and listens.
#[derive(Debug, clap::Args)]
pub(crate) struct ServiceArgs {
    #[command(flatten)]
    chain: ChainArgs,
    /// Its data directory (keys, store).
    #[arg(long)]
    data_dir: PathBuf,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:7000")]
    listen: SocketAddr,
    /// Environment variable holding the password of the service's keys.
    #[arg(long, default_value = "ALOE_SERVICE_PASSWORD")]
    password_env: String,
}

/// Arguments of `aloe notary serve`.
#[derive(Debug, clap::Args)]
pub(crate) struct NotaryArgs {
    #[command(flatten)]
    service: ServiceArgs,
    /// Base URL of an auditor (repeat for each).
    #[arg(long = "auditor", required = true)]
    auditors: Vec<String>,
    /// Another notary's `tag-key.json` to share its tag key (first start only; same password).
    #[arg(long)]
    import_tag_key: Option<PathBuf>,
}

/// Arguments of `aloe auditor serve`.
#[derive(Debug, clap::Args)]
pub(crate) struct AuditorArgs {
    #[command(flatten)]
    service: ServiceArgs,
    /// Seconds between two looks at the chain for confirmed defaults.
    #[arg(long, default_value_t = 5)]
    poll_seconds: u64,
}

/// Serves `router` on `listen` until the process ends; for an auditor, with its release loop beside.
fn serve(listen: SocketAddr, router: axum::Router, watch: Option<(AuditorService, Duration)>) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the runtime")?;
    runtime.block_on(async move {
        let watcher = watch.map(|(state, interval)| tokio::spawn(state.watch(interval)));
        let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("binding {listen}"))?;
        println!("listening on http://{}", listener.local_addr()?);
        let served = axum::serve(listener, router).await.context("serving");
        if let Some(watcher) = watcher {
            watcher.abort();
        }
        served
    })
}

pub(crate) fn notary(args: NotaryArgs) -> anyhow::Result<()> {
    let service = &args.service;
    let password = super::super::password(&service.password_env)?;
    let signer = keys::account(&service.data_dir, &password).context("the notary's account key")?;
    let tag_key = keys::tag_key(&service.data_dir, &password, args.import_tag_key.as_deref()).context("the tag key")?;
    let store = NotaryStore::open(&service.data_dir.join("notary.sqlite")).context("opening the notary's store")?;
    println!("notary {}", signer.address());
    let registry = service.chain.registry(signer.clone())?;
    let notary = Notary::new(signer, tag_key, store).with_committer(Box::new(PoseidonCommitter));
    let router = NotaryService::new(notary, registry, Box::new(HttpCourier::new(args.auditors))).router();
    serve(service.listen, router, None)
}

pub(crate) fn auditor(args: AuditorArgs) -> anyhow::Result<()> {
    let service = &args.service;
    let password = super::super::password(&service.password_env)?;
    let signer = keys::account(&service.data_dir, &password).context("the auditor's account key")?;
    let store = AuditorStore::open(&service.data_dir.join("auditor.sqlite")).context("opening the auditor's store")?;
    let registry = service.chain.registry(signer.clone())?;
    let auditor = Auditor::new(signer, store);
    println!(
        "auditor {} encryption key 0x{}",
        auditor.address(),
        alloy_primitives::hex::encode(auditor.encryption_key().0)
    );
    let state = AuditorService::new(auditor, registry);
    let interval = Duration::from_secs(args.poll_seconds.max(1));
    serve(service.listen, state.clone().router(), Some((state, interval)))
}
