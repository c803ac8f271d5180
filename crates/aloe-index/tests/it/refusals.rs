//! Files the indexer must refuse, with an error that says why: another deployment's index, a garbage file,
//! another application's database, another schema version, a chain the deployment is not on.

use aloe_chain::{EmbeddedChain, dev_signer};
use aloe_contracts::Protocol;
use aloe_index::{Error, Indexer};

fn deployment(owner: usize) -> Protocol {
    Protocol::deploy(&mut EmbeddedChain::new(), dev_signer(owner).address()).unwrap()
}

#[test]
fn an_index_refuses_another_deployment() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index.sqlite");
    let (ours, theirs) = (deployment(0), deployment(1));
    assert_ne!(ours.bureau, theirs.bureau);
    drop(Indexer::open(&path, &ours).unwrap());
    let error = Indexer::open(&path, &theirs).unwrap_err();
    assert!(matches!(error, Error::OtherDeployment { .. }), "{error}");
    assert!(error.to_string().contains(&theirs.bureau.address.to_string()), "{error}");
    // The refusal changed nothing: the file still opens for its own deployment.
    Indexer::open(&path, &ours).unwrap();
}

#[test]
fn garbage_is_not_an_index() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("garbage.sqlite");
    std::fs::write(&path, (0..8192u32).map(|i| (i * 7 % 251) as u8).collect::<Vec<_>>()).unwrap();
    let error = Indexer::open(&path, &deployment(0)).unwrap_err();
    assert!(matches!(error, Error::Unreadable { .. }), "{error}");
}

#[test]
fn another_applications_database_is_not_an_index() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.sqlite");
    rusqlite::Connection::open(&path).unwrap().execute_batch("CREATE TABLE notes (body TEXT);").unwrap();
    let error = Indexer::open(&path, &deployment(0)).unwrap_err();
    assert!(matches!(error, Error::NotAnIndex { .. }), "{error}");
}

#[test]
fn another_schema_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index.sqlite");
    let protocol = deployment(0);
    drop(Indexer::open(&path, &protocol).unwrap());
    rusqlite::Connection::open(&path).unwrap().pragma_update(None, "user_version", 99).unwrap();
    let error = Indexer::open(&path, &protocol).unwrap_err();
    assert!(matches!(error, Error::SchemaVersion { found: 99, expected: 1 }), "{error}");
}

#[test]
fn a_chain_with_another_id_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let protocol = Protocol { chain_id: 1, ..deployment(0) };
    let mut index = Indexer::open(dir.path().join("index.sqlite"), &protocol).unwrap();
    let error = index.sync(&mut EmbeddedChain::new()).unwrap_err();
    assert!(matches!(error, Error::WrongChain { chain: 31337, deployment: 1 }), "{error}");
    assert_eq!(index.cursor().unwrap(), None);
}
