//! `aloe score defi`: an address's DeFi behaviour score from chain data, each component with its
//! contribution; a batch of addresses as CSV. Without `--rpc-url` the embedded chain holds the seeded
//! test market (`aloe_defi::market`), so there is something to score.

use std::fmt::Write as _;
use std::path::PathBuf;

use alloy_primitives::Address;
use aloe_chain::{Chain, EmbeddedChain, RpcChain, dev_signer, dev_signers};
use aloe_contracts::Protocol;
use aloe_defi::market::{self, Market, Roles, market_address};
use aloe_defi::{Error as DefiError, Extractor, Sources};
use aloe_ml::defi_model::{DefiModelFile, SHIPPED};
use aloe_ml::defi_population::{AnomalyKind, population};
use aloe_score::defi::{DAY, DefiFeatures, DefiScore, Window};
use aloe_server::web::format::date;
use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};

use super::model::write_atomically;

/// Arguments of `aloe score`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    kind: Kind,
}

#[derive(Debug, clap::Subcommand)]
enum Kind {
    /// The DeFi behaviour score: 38.5·P + 33.5·A + 16.5·L + 11.5·C − X from an address's lending history.
    Defi(DefiArgs),
}

#[derive(Debug, clap::Args)]
struct DefiArgs {
    /// An address to score (repeatable). On the embedded chain, none means every account of the test market.
    #[arg(long = "address")]
    addresses: Vec<Address>,
    /// A file of addresses to score, one per line (`#` starts a comment).
    #[arg(long)]
    addresses_file: Option<PathBuf>,
    /// Batch mode: write one CSV row per address here.
    #[arg(long)]
    csv: Option<PathBuf>,
    /// The anomaly detector file (default: the shipped data/models/defi-autoencoder.json).
    #[arg(long)]
    model: Option<PathBuf>,
    /// The window's length in whole days, ending at the chain's present.
    #[arg(long, default_value_t = 365)]
    days: u32,
    /// The window's first day instead (YYYY-MM-DD, UTC midnight); it ends at the chain's present.
    #[arg(long, conflicts_with = "days")]
    start: Option<String>,
    /// A JSON-RPC node (anvil or any chain); without it, the embedded chain with the test market.
    #[arg(long)]
    rpc_url: Option<String>,
    /// The Aave V3 pool (with --rpc-url, unless --play-market).
    #[arg(long)]
    pool: Option<Address>,
    /// Its price oracle (default: the pool, as the test pool is its own oracle).
    #[arg(long)]
    oracle: Option<Address>,
    /// An Aloe deployment file (`aloe deploy`): its loans count as a loan kind.
    #[arg(long)]
    deployment: Option<PathBuf>,
    /// The asset whose price values Aloe's ether loans (Aave prices WETH).
    #[arg(long)]
    ether_priced_as: Option<Address>,
    /// The first block searched for events.
    #[arg(long, default_value_t = 0)]
    from_block: u64,
    /// With --rpc-url: first play the test market onto the node (a development node: it signs with the
    /// development keys, one per account).
    #[arg(long, requires = "rpc_url")]
    play_market: bool,
    /// Accounts in the test market.
    #[arg(long, default_value_t = 300)]
    accounts: usize,
    /// Seed of the test market's population.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Share of the test market's accounts with an injected anomaly.
    #[arg(long, default_value_t = 0.1)]
    anomaly_share: f64,
}

pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    match args.kind {
        Kind::Defi(args) => defi(args),
    }
}

fn defi(args: DefiArgs) -> anyhow::Result<()> {
    let detector = match &args.model {
        None => DefiModelFile::from_json(SHIPPED).context("loading the shipped detector")?,
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
            DefiModelFile::from_json(&text).with_context(|| format!("loading detector {}", path.display()))?
        }
    };
    let mut addresses = args.addresses.clone();
    if let Some(path) = &args.addresses_file {
        addresses.extend(read_addresses(path)?);
    }
    if !(0.0..=1.0).contains(&args.anomaly_share) {
        bail!("--anomaly-share must be within [0, 1], not {}", args.anomaly_share);
    }

    let (mut chain, market) = open_chain(&args)?;
    let bureau = match &args.deployment {
        None => None,
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
            let protocol: Protocol =
                serde_json::from_str(&text).with_context(|| format!("parsing deployment file {}", path.display()))?;
            Some(protocol.bureau.address)
        }
    };
    let pool = match (&market, args.pool) {
        (Some(m), None) => m.pool,
        (_, Some(pool)) => pool,
        (None, None) => bail!("--pool is needed with --rpc-url (or --play-market to play the test market there)"),
    };
    let now = chain.timestamp().context("reading the chain's clock")?;
    let window = match &args.start {
        Some(date) => Window::new(parse_date(date)?, now).context("the window from --start to the chain's present")?,
        None => Window::ending_at(now, args.days).context("the window")?,
    };
    let sources = Sources {
        pool,
        oracle: args.oracle.unwrap_or(pool),
        bureau,
        ether_priced_as: args.ether_priced_as.unwrap_or(Address::ZERO),
        from_block: args.from_block,
    };
    let labelled: Vec<(Address, Option<AnomalyKind>)> = if addresses.is_empty() {
        match &market {
            Some(m) => m.played.iter().map(|a| (a.address, a.anomaly)).collect(),
            None => bail!("name the addresses to score: --address A (repeatable) or --addresses-file F"),
        }
    } else {
        let label = |a: &Address| {
            market.as_ref().and_then(|m| m.played.iter().find(|p| p.address == *a)).and_then(|p| p.anomaly)
        };
        addresses.iter().map(|a| (*a, label(a))).collect()
    };

    println!(
        "DeFi behaviour score on the {} chain: pool {pool}, window {} to {} ({} days)",
        chain.backend(),
        date(window.start()),
        date(window.end()),
        window.days()
    );
    let mut extractor = Extractor::new(chain.as_mut(), sources, window);
    let bar = progress(labelled.len() as u64, "scoring addresses");
    let mut rows = Vec::with_capacity(labelled.len());
    for (address, anomaly) in &labelled {
        let outcome = extractor.features(*address).map(|f| Scored::new(f, &detector));
        bar.inc(1);
        rows.push((*address, *anomaly, outcome));
    }
    bar.finish_and_clear();

    // Named addresses are explained one by one; a batch (--csv, or the whole market) is summarised.
    let detailed = args.csv.is_none() && !addresses.is_empty();
    if let Some(path) = &args.csv {
        write_atomically(path, &to_csv(&rows)).with_context(|| format!("writing {}", path.display()))?;
        println!("wrote {} rows to {}", rows.len(), path.display());
    }
    if detailed {
        let mut failed = 0;
        for (address, _, outcome) in &rows {
            match outcome {
                Ok(scored) => print!("{}", scored.explain(*address, &detector)),
                Err(error) => {
                    failed += 1;
                    eprintln!("{address}: {error}");
                }
            }
        }
        if failed > 0 {
            bail!("{failed} of {} addresses could not be scored", rows.len());
        }
    } else {
        print!("{}", summary(&rows));
    }
    Ok(())
}

/// The chain, and the test market when one was played on it.
fn open_chain(args: &DefiArgs) -> anyhow::Result<(Box<dyn Chain>, Option<Market>)> {
    let owner = dev_signer(0).address();
    let accounts = || population(args.accounts, args.anomaly_share, args.seed);
    match &args.rpc_url {
        None => {
            let mut chain: Box<dyn Chain> = Box::new(EmbeddedChain::new());
            let generated = accounts();
            let addresses: Vec<Address> = (0..generated.len()).map(market_address).collect();
            let market = play(chain.as_mut(), Roles::embedded(owner), &generated, &addresses, args.days)?;
            Ok((chain, Some(market)))
        }
        Some(url) if args.play_market => {
            // Owner, liquidator, then one development key per account.
            let signers = dev_signers(2 + args.accounts);
            let addresses: Vec<Address> = signers[2..].iter().map(|s| s.address()).collect();
            let roles = Roles { owner, liquidator: signers[1].address() };
            let mut chain: Box<dyn Chain> =
                Box::new(RpcChain::connect(url, signers).with_context(|| format!("connecting to {url}"))?);
            for who in [roles.owner, roles.liquidator].iter().chain(&addresses) {
                chain
                    .set_balance(*who, alloy_primitives::U256::from(10u64).pow(alloy_primitives::U256::from(21)))
                    .context("funding the market's accounts for gas (a development node is needed)")?;
            }
            let market = play(chain.as_mut(), roles, &accounts(), &addresses, args.days)?;
            Ok((chain, Some(market)))
        }
        Some(url) => {
            // Reading needs no key; the connection wants one signer.
            let chain = RpcChain::connect(url, vec![dev_signer(0)]).with_context(|| format!("connecting to {url}"))?;
            Ok((Box::new(chain), None))
        }
    }
}

fn play(
    chain: &mut dyn Chain,
    roles: Roles,
    accounts: &[aloe_ml::defi_population::Account],
    addresses: &[Address],
    days: u32,
) -> anyhow::Result<Market> {
    let bar = progress(0, "playing the test market");
    let market = market::play(chain, roles, accounts, addresses, days, &mut |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })
    .context("playing the test market")?;
    bar.finish_and_clear();
    println!(
        "test market: {} of {} generated accounts played on a test pool with the Aave V3 ABI ({} transactions){}",
        market.played.len(),
        accounts.len(),
        market.transactions,
        if market.unplayable.is_empty() {
            String::new()
        } else {
            format!("; {} could not be played exactly and were left out", market.unplayable.len())
        }
    );
    Ok(market)
}

fn progress(total: u64, message: &'static str) -> ProgressBar {
    let bar = ProgressBar::new(total).with_message(message);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({per_sec}, {eta} left)")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    bar
}

/// A scored address.
struct Scored {
    features: DefiFeatures,
    score: DefiScore,
    error: f64,
}

impl Scored {
    fn new(features: DefiFeatures, detector: &DefiModelFile) -> Self {
        Self { score: detector.score(&features), error: detector.reconstruction_error(&features), features }
    }

    fn explain(&self, address: Address, detector: &DefiModelFile) -> String {
        let f = &self.features;
        let (a, h) = (f.account(), f.history());
        let c = &self.score.components;
        let points = self.score.contributions();
        let ramp = &detector.payload.ramp;
        let mut out = String::new();
        let _ = writeln!(out, "\n{address}");
        let _ = writeln!(
            out,
            "  activity {:.3} tx/day ({} in {} days), history {} days, health factor {}, LTV {:.2}%, liquidation threshold {:.2}%",
            f.activity(),
            h.transactions,
            h.window_days,
            h.history_days,
            if f.health_factor() >= aloe_score::defi::HEALTH_FACTOR_CAP {
                "no debt or ≥ 10".to_owned()
            } else {
                format!("{:.3}", f.health_factor())
            },
            f64::from(a.ltv_bps) / 100.0,
            f64::from(a.liquidation_threshold_bps) / 100.0,
        );
        let _ = writeln!(
            out,
            "  collateral ${:.2}, debt ${:.2}, available ${:.2}; {} assets, {} loan kinds; borrowed ${:.2}, repaid ${:.2}",
            usd(a.total_collateral_base),
            usd(a.total_debt_base),
            usd(a.available_borrows_base),
            h.distinct_assets,
            h.loan_kinds,
            usd(h.borrowed_base),
            usd(h.repaid_base),
        );
        for (name, value, weight, pts) in [
            ("P payment history", c.p, aloe_score::defi::WEIGHT_P, points[0]),
            ("A amount owed", c.a, aloe_score::defi::WEIGHT_A, points[1]),
            ("L length of history", c.l, aloe_score::defi::WEIGHT_L, points[2]),
            ("C credit mix", c.c, aloe_score::defi::WEIGHT_C, points[3]),
        ] {
            let _ = writeln!(out, "  {name:<22} {value:.3} × {weight:>4} = {pts:>6.2}");
        }
        let _ = writeln!(
            out,
            "  {:<22} −{:.2} (reconstruction error {:.5}; 0 up to {:.5}, 20 from {:.5})",
            "X anomaly penalty", self.score.penalty, self.error, ramp.threshold, ramp.cap
        );
        let _ = writeln!(
            out,
            "  score {:.2} of 100, {:.0} on the 300–850 scale",
            self.score.points(),
            self.score.fico_scale()
        );
        out
    }
}

fn usd(base: u128) -> f64 {
    base as f64 / aloe_score::defi::BASE_UNIT
}

const CSV_HEADER: &str = "address,anomaly,transactions,window_days,history_days,health_factor,ltv_bps,liquidation_threshold_bps,collateral_usd,debt_usd,available_usd,distinct_assets,loan_kinds,borrowed_usd,repaid_usd,p,a,l,c,points_p,points_a,points_l,points_c,reconstruction_error,penalty,score,score_300_850,error";

fn to_csv(rows: &[(Address, Option<AnomalyKind>, Result<Scored, DefiError>)]) -> String {
    let mut out = String::from(CSV_HEADER);
    out.push('\n');
    for (address, anomaly, outcome) in rows {
        let kind = anomaly.map(AnomalyKind::name).unwrap_or("");
        match outcome {
            Ok(s) => {
                let (a, h, c, p) =
                    (s.features.account(), s.features.history(), &s.score.components, s.score.contributions());
                let _ = writeln!(
                    out,
                    "{address},{kind},{},{},{},{:.6},{},{},{:.8},{:.8},{:.8},{},{},{:.8},{:.8},{:.6},{:.6},{:.6},{:.6},{:.4},{:.4},{:.4},{:.4},{:.6},{:.4},{:.4},{:.1},",
                    h.transactions,
                    h.window_days,
                    h.history_days,
                    s.features.health_factor(),
                    a.ltv_bps,
                    a.liquidation_threshold_bps,
                    usd(a.total_collateral_base),
                    usd(a.total_debt_base),
                    usd(a.available_borrows_base),
                    h.distinct_assets,
                    h.loan_kinds,
                    usd(h.borrowed_base),
                    usd(h.repaid_base),
                    c.p,
                    c.a,
                    c.l,
                    c.c,
                    p[0],
                    p[1],
                    p[2],
                    p[3],
                    s.error,
                    s.score.penalty,
                    s.score.points(),
                    s.score.fico_scale(),
                );
            }
            Err(error) => {
                let message = error.to_string().replace('"', "\"\"");
                let _ =
                    writeln!(out, "{address},{kind},{}\"{message}\"", ",".repeat(CSV_HEADER.split(',').count() - 3));
            }
        }
    }
    out
}

fn summary(rows: &[(Address, Option<AnomalyKind>, Result<Scored, DefiError>)]) -> String {
    let mut out = String::new();
    let scored: Vec<_> = rows.iter().filter_map(|(a, k, o)| o.as_ref().ok().map(|s| (a, k, s))).collect();
    let _ =
        writeln!(out, "{} addresses scored, {} without history or valid data", scored.len(), rows.len() - scored.len());
    for (label, anomalous) in [("normal", false), ("anomalous (injected)", true)] {
        let mut points: Vec<f64> =
            scored.iter().filter(|(_, k, _)| k.is_some() == anomalous).map(|(_, _, s)| s.score.points()).collect();
        if points.is_empty() {
            continue;
        }
        points.sort_by(f64::total_cmp);
        let penalised = scored.iter().filter(|(_, k, s)| k.is_some() == anomalous && s.score.penalty > 0.0).count();
        let _ = writeln!(
            out,
            "  {label:<21} {:>4} accounts: median score {:.1}, 5th–95th percentile {:.1}–{:.1}, penalised {penalised}",
            points.len(),
            points[points.len() / 2],
            points[points.len() * 5 / 100],
            points[(points.len() * 95 / 100).min(points.len() - 1)],
        );
    }
    let _ = writeln!(out, "\n{:<44} {:>7} {:>6} {:>7}  anomaly", "address", "score", "X", "300-850");
    for (address, kind, s) in scored.iter().take(8) {
        let _ = writeln!(
            out,
            "{address:<44} {:>7.2} {:>6.2} {:>7.0}  {}",
            s.score.points(),
            s.score.penalty,
            s.score.fico_scale(),
            kind.map(AnomalyKind::name).unwrap_or("-")
        );
    }
    let _ = writeln!(out, "\n--address A explains one score component by component; --csv F writes every row.");
    out
}

fn read_addresses(path: &PathBuf) -> anyhow::Result<Vec<Address>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    text.lines()
        .enumerate()
        .map(|(i, line)| (i, line.split('#').next().unwrap_or("").trim()))
        .filter(|(_, line)| !line.is_empty())
        .map(|(i, line)| {
            line.parse().with_context(|| format!("{} line {}: {line:?} is not an address", path.display(), i + 1))
        })
        .collect()
}

/// `YYYY-MM-DD` as Unix seconds at UTC midnight.
fn parse_date(text: &str) -> anyhow::Result<u64> {
    let parts: Vec<&str> = text.split('-').collect();
    let bad = || anyhow::anyhow!("--start {text:?} is not a date as YYYY-MM-DD");
    let [y, m, d] = parts.as_slice() else { return Err(bad()) };
    let (y, m, d): (i64, u32, u32) =
        (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?);
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) || y < 1970 {
        return Err(bad());
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Ok(((era * 146_097 + doe - 719_468) * DAY as i64) as u64)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_bad_ones_are_refused() {
        assert_eq!(parse_date("2026-01-01").unwrap(), aloe_chain::GENESIS_TIMESTAMP);
        for t in [0, 951_782_400, 1_767_225_600, 1_803_859_200] {
            assert_eq!(parse_date(&date(t)).unwrap(), t);
        }
        assert_eq!(date(951_782_400), "2000-02-29");
        for bad in ["2026-13-01", "2026-02-29", "2026-1", "yesterday", "1969-12-31", "2026-00-10"] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }
}
