//! `aloe bench serve`: a load test of `aloe serve`'s JSON API on loopback, bounded in requests. It starts
//! the whole process in this one (persistent embedded chain, escrow parties, indexer) on a fresh data
//! directory, seeds a market through the development actions, then measures twice in the same run:
//! readers alone (the baseline), and the same readers while writers invest, so the ratio shows what
//! writes cost readers. Latency is per request, client side; p50 and p99 are over all requests of a kind.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use aloe_index::Indexer;
use aloe_server::{
    app::{Intervals, serve},
    node::{Node, NodeConfig},
};
use anyhow::Context;
use serde_json::{Value, json};

/// Arguments of `aloe bench serve`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Concurrent readers.
    #[arg(long, default_value_t = 4)]
    readers: usize,
    /// Concurrent writers (in the second phase).
    #[arg(long, default_value_t = 2)]
    writers: usize,
    /// Requests per reader, in each phase.
    #[arg(long, default_value_t = 250)]
    reads: usize,
    /// Requests per writer.
    #[arg(long, default_value_t = 50)]
    writes: usize,
    /// Loans seeded before measuring.
    #[arg(long, default_value_t = 20)]
    loans: usize,
}

/// Latencies of one kind of request, and how many failed.
#[derive(Debug, Default)]
struct Sample {
    latencies: Vec<Duration>,
    errors: usize,
}

impl Sample {
    fn merge(&mut self, other: Sample) {
        self.latencies.extend(other.latencies);
        self.errors += other.errors;
    }

    fn percentile(&self, p: f64) -> f64 {
        let mut sorted = self.latencies.clone();
        sorted.sort_unstable();
        if sorted.is_empty() {
            return f64::NAN;
        }
        let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
        sorted[rank.clamp(1, sorted.len()) - 1].as_secs_f64() * 1e3
    }
}

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder().timeout(Duration::from_secs(60)).build().expect("a client builds")
}

fn post(client: &reqwest::blocking::Client, url: &str, body: Value) -> anyhow::Result<Value> {
    let response = client.post(url).json(&body).send().with_context(|| format!("POST {url}"))?;
    let status = response.status();
    let body: Value = response.json().unwrap_or_default();
    anyhow::ensure!(status.is_success(), "POST {url}: {status} {body}");
    Ok(body)
}

/// Registers a borrower, creates `loans` loans and funds part of each, through the API.
fn seed(base: &str, loans: usize) -> anyhow::Result<(Vec<String>, String)> {
    let client = client();
    let registered =
        post(&client, &format!("{base}/dev/registrations"), json!({"user": 0, "fico": 720, "nationalId": "bench-0"}))?;
    let borrower = registered["borrower"].as_str().context("a borrower address")?.to_owned();
    let mut created = Vec::new();
    for i in 0..loans {
        let loan = post(
            &client,
            &format!("{base}/dev/loans"),
            json!({"user": 1, "amount": "1000000000000000000000", "ratePerMil": 10 + i % 5, "payments": 12,
                   "periodDays": 30, "minScore": 0, "fundDays": 365, "graceDays": 10}),
        )?;
        let address = loan["loan"].as_str().context("a loan address")?.to_owned();
        post(
            &client,
            &format!("{base}/dev/loans/{address}/invest"),
            json!({"user": 2, "amount": "1000000000000000000"}),
        )?;
        created.push(address);
    }
    Ok((created, borrower))
}

fn read_loop(base: String, paths: Arc<Vec<String>>, count: usize, offset: usize) -> Sample {
    let client = client();
    let mut sample = Sample::default();
    for i in 0..count {
        let url = format!("{base}{}", paths[(i + offset) % paths.len()]);
        let started = Instant::now();
        match client.get(&url).send().and_then(|r| r.error_for_status()).and_then(|r| r.bytes()) {
            Ok(_) => sample.latencies.push(started.elapsed()),
            Err(_) => sample.errors += 1,
        }
    }
    sample
}

fn write_loop(base: String, loans: Arc<Vec<String>>, count: usize, writer: usize) -> Sample {
    let client = client();
    let mut sample = Sample::default();
    for i in 0..count {
        let loan = &loans[(i + writer) % loans.len()];
        let body = json!({"user": 3 + writer % 7, "amount": "1000000000000000"});
        let started = Instant::now();
        match post(&client, &format!("{base}/dev/loans/{loan}/invest"), body) {
            Ok(_) => sample.latencies.push(started.elapsed()),
            Err(_) => sample.errors += 1,
        }
    }
    sample
}

/// Runs the readers (and writers) to completion; returns the reads, the writes and the wall time.
fn phase(
    args: &Args,
    base: &str,
    paths: &Arc<Vec<String>>,
    loans: &Arc<Vec<String>>,
    writers: usize,
) -> (Sample, Sample, Duration) {
    let started = Instant::now();
    let readers: Vec<_> = (0..args.readers)
        .map(|r| {
            let (base, paths, count) = (base.to_owned(), paths.clone(), args.reads);
            std::thread::spawn(move || read_loop(base, paths, count, r))
        })
        .collect();
    let writing: Vec<_> = (0..writers)
        .map(|w| {
            let (base, loans, count) = (base.to_owned(), loans.clone(), args.writes);
            std::thread::spawn(move || write_loop(base, loans, count, w))
        })
        .collect();
    let (mut reads, mut writes) = (Sample::default(), Sample::default());
    for handle in readers {
        reads.merge(handle.join().expect("a reader thread"));
    }
    for handle in writing {
        writes.merge(handle.join().expect("a writer thread"));
    }
    (reads, writes, started.elapsed())
}

pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    anyhow::ensure!(
        args.readers > 0 && args.reads > 0 && args.loans > 0,
        "--readers, --reads and --loans must be positive"
    );
    let dir = tempfile::tempdir().context("a temporary data directory")?;
    let config = NodeConfig {
        data_dir: dir.path().to_owned(),
        rpc_url: None,
        password: "bench".into(),
        auditors: 3,
        threshold: 2,
    };
    let node = Node::open(&config).context("opening the node")?;
    let index = Indexer::open(dir.path().join("index.sqlite"), &node.protocol).context("opening the index")?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the runtime")?;
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).context("binding loopback")?;
    let base = format!("http://{}/api/v1", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = runtime.spawn(serve(node, index, listener, Intervals::default(), async {
        let _ = stopped.await;
    }));

    eprintln!("seeding {} loans through the API…", args.loans);
    let (loans, borrower) = seed(&base, args.loans)?;
    let mut paths = vec![
        "/loans?limit=20".to_owned(),
        "/market".to_owned(),
        format!("/borrowers/{borrower}"),
        "/status".to_owned(),
    ];
    paths.extend(loans.iter().take(5).map(|l| format!("/loans/{l}")));
    let (paths, loans) = (Arc::new(paths), Arc::new(loans));

    let (baseline, _, baseline_wall) = phase(&args, &base, &paths, &loans, 0);
    let (reads, writes, wall) = phase(&args, &base, &paths, &loans, args.writers);
    let _ = stop.send(());
    runtime.block_on(server).context("the server task")?.context("serving")?;

    println!(
        "aloe serve on loopback: {} readers × {} reads{}; embedded chain persisted in a temporary directory",
        args.readers,
        args.reads,
        format_args!(", then the same with {} writers × {} investments", args.writers, args.writes)
    );
    println!("| phase | requests | errors | p50 ms | p99 ms | requests/s |");
    println!("|---|---:|---:|---:|---:|---:|");
    let row = |name: &str, s: &Sample, wall: Duration| {
        println!(
            "| {name} | {} | {} | {:.2} | {:.2} | {:.0} |",
            s.latencies.len() + s.errors,
            s.errors,
            s.percentile(50.0),
            s.percentile(99.0),
            s.latencies.len() as f64 / wall.as_secs_f64()
        )
    };
    row("reads alone (baseline)", &baseline, baseline_wall);
    row("reads beside writes", &reads, wall);
    if args.writers > 0 {
        row("writes (invest, then index sync)", &writes, wall);
    }
    println!(
        "reads beside writes / alone: p50 {:.2}×, p99 {:.2}×",
        reads.percentile(50.0) / baseline.percentile(50.0),
        reads.percentile(99.0) / baseline.percentile(99.0)
    );
    let errors = baseline.errors + reads.errors + writes.errors;
    anyhow::ensure!(errors == 0, "{errors} requests failed");
    Ok(())
}
