//! `aloe score defi` on the embedded chain: the batch CSV, one address explained, and the refusals.

use super::aloe;

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("aloe-defi-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_batch_writes_one_row_per_account_and_one_address_is_explained() {
    let dir = scratch("batch");
    let csv = dir.join("scores.csv");
    let out = aloe().args(["score", "defi", "--accounts", "40", "--seed", "3", "--csv"]).arg(&csv).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("played on a test pool with the Aave V3 ABI"), "{stdout}");
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert!(rows.len() >= 30, "{} rows", rows.len());
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    for row in &rows {
        assert_eq!(row.len(), header.len(), "{row:?}");
        assert_eq!(row[column("error")], "", "{row:?}");
        let score: f64 = row[column("score")].parse().unwrap();
        let parts: f64 = ["points_p", "points_a", "points_l", "points_c"]
            .iter()
            .map(|c| row[column(c)].parse::<f64>().unwrap())
            .sum();
        let penalty: f64 = row[column("penalty")].parse().unwrap();
        assert!((score - (parts - penalty)).abs() < 1e-3, "{row:?}");
        assert!((0.0..=20.0).contains(&penalty));
    }

    // The first scored account, explained component by component on the same seeded market.
    let address = rows[0][0];
    let out = aloe().args(["score", "defi", "--accounts", "40", "--seed", "3", "--address", address]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    for expected in [
        "P payment history",
        "A amount owed",
        "L length of history",
        "C credit mix",
        "X anomaly penalty",
        "on the 300–850 scale",
        address,
    ] {
        assert!(stdout.contains(expected), "missing {expected:?} in\n{stdout}");
    }
}

#[test]
fn unknown_addresses_bad_files_and_tampered_detectors_are_refused() {
    let dir = scratch("refusals");
    let stranger = "0x00000000000000000000000000000000000000a1";
    let out = aloe().args(["score", "defi", "--accounts", "5", "--address", stranger]).output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("has no lending history"), "{stderr}");

    let list = dir.join("addresses.txt");
    std::fs::write(&list, format!("# accounts\n{stranger}\nnot-an-address\n")).unwrap();
    let out = aloe().args(["score", "defi", "--accounts", "5", "--addresses-file"]).arg(&list).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 3"), "{}", String::from_utf8_lossy(&out.stderr));

    let tampered = dir.join("detector.json");
    let shipped =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/models/defi-autoencoder.json"))
            .unwrap();
    let at = shipped.find("\"threshold\"").unwrap();
    std::fs::write(&tampered, format!("{}\"threshold\": 0.5, \"was\"{}", &shipped[..at], &shipped[at + 11..])).unwrap();
    let out = aloe()
        .args(["score", "defi", "--accounts", "5", "--model"])
        .arg(&tampered)
        .arg("--address")
        .arg(stranger)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("loading detector"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out =
        aloe().args(["score", "defi", "--rpc-url", "http://127.0.0.1:1", "--address", stranger]).output().unwrap();
    assert!(!out.status.success(), "no node listens on port 1");
    let out = aloe().args(["score", "defi", "--accounts", "5", "--start", "2026-02-30"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a date"), "{}", String::from_utf8_lossy(&out.stderr));
}
