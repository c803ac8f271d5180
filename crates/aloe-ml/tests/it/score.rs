//! Scoring a file of applicants with a model file.

use aloe_ml::data::{GERMAN_DATA, german_credit};
use aloe_ml::eval::{EvalConfig, default_config, train_model};
use aloe_ml::mlp::TrainConfig;
use aloe_ml::model_file::ModelFile;
use aloe_ml::score::{RowError, score_text, to_csv};

fn model() -> ModelFile {
    let config =
        EvalConfig { train: TrainConfig { epochs: 5, members: 2, ..TrainConfig::default() }, ..default_config() };
    let model = train_model(&config, &german_credit(), 12).unwrap();
    ModelFile::from_json(&model.to_json()).unwrap()
}

#[test]
fn scores_labelled_and_unlabelled_rows_alike() {
    let model = model();
    let labelled: String = GERMAN_DATA.lines().take(3).map(|l| format!("{l}\n")).collect();
    let unlabelled: String = labelled.lines().map(|l| format!("{}\n", l.rsplit_once(' ').unwrap().0)).collect();
    let a = score_text(&model, &labelled).unwrap();
    let b = score_text(&model, &unlabelled).unwrap();
    assert_eq!(a.len(), 3);
    assert_eq!(
        a.iter().map(|s| s.margin_fixed).collect::<Vec<_>>(),
        b.iter().map(|s| s.margin_fixed).collect::<Vec<_>>()
    );
    assert_eq!(a[1].good, Some(false));
    let csv = to_csv(&a);
    assert!(csv.starts_with("line,margin_fixed,margin,class\n1,"), "{csv}");
    assert_eq!(to_csv(&b).lines().count(), 4);
}

#[test]
fn every_bad_row_is_reported_and_nothing_is_scored() {
    let model = model();
    let good = GERMAN_DATA.lines().next().unwrap();
    let text = format!("{good}\n{}\n{good}\nA11 6\n", good.replace("A34", "A39"));
    let error = score_text(&model, &text).unwrap_err();
    assert_eq!(error.0.len(), 2);
    assert!(matches!(&error.0[0], RowError::Data(e) if e.to_string().starts_with("line 2, column 3 (credit_history)")));
    let message = error.to_string();
    assert!(message.contains("2 bad row(s)") && message.contains("line 4: 2 fields"), "{message}");
}
