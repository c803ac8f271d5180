//! `aloe serve`: the protocol, its escrow parties, the keeper, the indexer, the JSON API and the
//! dashboard in one process, on a persistent embedded chain in the data directory (or `--rpc-url`).

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use aloe_index::Indexer;
use aloe_server::{
    app::{Intervals, serve},
    node::{Node, NodeConfig},
};
use anyhow::Context;

/// Arguments of `aloe serve`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The data directory: the chain, the deployment, the parties' keys and stores, the index.
    #[arg(long, default_value = "aloe-data")]
    data_dir: PathBuf,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// The port to listen on (overrides --listen's).
    #[arg(long)]
    port: Option<u16>,
    /// A development node (anvil) instead of the embedded chain; the deployment is made on first start.
    #[arg(long)]
    rpc_url: Option<String>,
    /// Environment variable holding the password of the parties' key files (asked for when unset).
    #[arg(long, default_value = "ALOE_SERVICE_PASSWORD")]
    password_env: String,
    /// Auditors run in this process.
    #[arg(long, default_value_t = 3)]
    auditors: usize,
    /// How many auditors reveal an identity.
    #[arg(long, default_value_t = 2)]
    threshold: u8,
    /// Milliseconds between two index syncs.
    #[arg(long, default_value_t = 500)]
    index_ms: u64,
    /// Seconds between two keeper passes.
    #[arg(long, default_value_t = 5)]
    keeper_seconds: u64,
}

pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    anyhow::ensure!(
        (1..=args.auditors).contains(&usize::from(args.threshold)),
        "--threshold {} must be between 1 and --auditors {}",
        args.threshold,
        args.auditors
    );
    let config = NodeConfig {
        data_dir: args.data_dir.clone(),
        rpc_url: args.rpc_url.clone(),
        password: super::password(&args.password_env)?,
        auditors: args.auditors,
        threshold: args.threshold,
    };
    let node = Node::open(&config).with_context(|| format!("opening {}", args.data_dir.display()))?;
    let index = Indexer::open(args.data_dir.join("index.sqlite"), &node.protocol).context("opening the index")?;
    let intervals = Intervals {
        index: Duration::from_millis(args.index_ms.max(50)),
        keeper: Duration::from_secs(args.keeper_seconds.max(1)),
        ..Intervals::default()
    };
    let mut listen = args.listen;
    if let Some(port) = args.port {
        listen.set_port(port);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("binding {listen}"))?;
        println!(
            "aloe serve: bureau {} on {} chain {}, data in {}",
            node.protocol.bureau.address,
            if args.rpc_url.is_some() { "JSON-RPC" } else { "the embedded" },
            node.protocol.chain_id,
            args.data_dir.display()
        );
        println!("listening on http://{}", listener.local_addr()?);
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        serve(node, index, listener, intervals, shutdown).await.context("serving")
    })
}
