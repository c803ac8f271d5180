//! `aloe simulate` writes both reports; bad arguments are refused before anything runs.

use super::aloe;

#[test]
fn a_small_market_writes_report_json_and_html() {
    let out_dir = std::env::temp_dir().join(format!("aloe-sim-{}", std::process::id()));
    let out = aloe()
        .args(["simulate", "--borrowers", "30", "--lenders", "4", "--days", "60", "--seed", "5", "--out"])
        .arg(&out_dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("60 days, 30 borrowers, 4 lenders"), "{stdout}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["days_simulated"], 60);
    assert_eq!(report["registrations"], 30);
    assert_eq!(report["partial"], false);
    let html = std::fs::read_to_string(out_dir.join("report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<svg"), "{}", &html[..200.min(html.len())]);

    let refused = aloe().args(["simulate", "--borrowers", "0", "--out"]).arg(&out_dir).output().unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("must be positive"));
}

#[test]
fn a_cold_start_model_is_published_before_the_market_opens() {
    let dir = std::env::temp_dir().join(format!("aloe-sim-cold-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let model = dir.join("knn-model.json");
    let built = aloe().args(["model", "knn", "build", "--out"]).arg(&model).output().unwrap();
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let out = aloe()
        .args(["simulate", "--borrowers", "20", "--lenders", "3", "--days", "40", "--cold-start-model"])
        .arg(&model)
        .arg("--out")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    assert!(report["cold_start_points"].as_u64().unwrap() > 1_000, "{}", report["cold_start_points"]);

    std::fs::write(&model, "{\"format\": \"not a model\"}").unwrap();
    let refused = aloe()
        .args(["simulate", "--borrowers", "5", "--cold-start-model"])
        .arg(&model)
        .arg("--out")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("loading"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
}
