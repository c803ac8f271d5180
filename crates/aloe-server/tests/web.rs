//! The dashboard over a real listener: every page renders with what the chain and the index hold, a
//! form's action redirects (303) to the page that shows it, a refused form shows its message naming the
//! field and changes nothing, text from the query string is escaped, and unknown loans, parties and paths
//! get a 404 page (JSON under `/api/`).

use std::{net::SocketAddr, path::Path};

use aloe_index::Indexer;
use aloe_server::{
    api::AppState,
    app,
    node::{Node, NodeConfig},
};
use reqwest::{StatusCode, blocking::Client, redirect::Policy};

/// `aloe serve`'s routes on 127.0.0.1, without the background tasks (writes sync the index themselves).
fn serve(dir: &Path) -> SocketAddr {
    let config = NodeConfig { data_dir: dir.into(), rpc_url: None, password: "x".into(), auditors: 3, threshold: 2 };
    let node = Node::open(&config).unwrap();
    let index = Indexer::open(dir.join("index.sqlite"), &node.protocol).unwrap();
    let state = AppState::new(&node, index);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            let _node = node; // the chain lives as long as the server
            axum::serve(listener, app::router(state)).await.unwrap();
        });
    });
    rx.recv().unwrap()
}

struct Browser {
    base: String,
    follow: Client,
    stay: Client,
}

impl Browser {
    fn get(&self, path: &str) -> (StatusCode, String) {
        let response = self.follow.get(format!("{}{path}", self.base)).send().unwrap();
        (response.status(), response.text().unwrap())
    }

    /// Posts `form` form-encoded, as a browser does, not following the answer.
    fn send(&self, path: &str, form: &[(&str, &str)]) -> reqwest::blocking::Response {
        let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
        let request = self.stay.post(format!("{}{path}", self.base)).body(body);
        request.header("content-type", "application/x-www-form-urlencoded").send().unwrap()
    }

    /// Posts the form and returns the redirect's target without following it.
    fn post(&self, path: &str, form: &[(&str, &str)]) -> String {
        let response = self.send(path, form);
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path} {form:?}");
        response.headers()["location"].to_str().unwrap().to_owned()
    }

    /// Posts the form and reads the page it redirects to.
    fn submit(&self, path: &str, form: &[(&str, &str)]) -> (String, String) {
        let location = self.post(path, form);
        let (status, page) = self.get(&location);
        assert_eq!(status, StatusCode::OK, "{location}");
        (location, page)
    }

    fn json(&self, path: &str) -> serde_json::Value {
        self.follow.get(format!("{}{path}", self.base)).send().unwrap().json().unwrap()
    }
}

#[test]
fn pages_render_forms_redirect_and_a_refused_form_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let address = serve(dir.path());
    let browser = Browser {
        base: format!("http://{address}"),
        follow: Client::new(),
        stay: Client::builder().redirect(Policy::none()).build().unwrap(),
    };

    let (status, market) = browser.get("/");
    assert_eq!(status, StatusCode::OK);
    assert!(market.contains("Loans by status") && market.contains("<svg") && market.contains("No loan yet"));
    let (_, dev) = browser.get("/dev");
    assert!(dev.contains("Development keys: these accounts' keys are public; local use only"));
    assert_eq!(dev.matches("<tr data-user=").count(), 10, "the ten development accounts");

    let (location, borrower) =
        browser.submit("/dev/registrations", &[("user", "1"), ("fico", "720"), ("nationalId", "078-05-1120")]);
    assert!(location.starts_with("/borrowers/0x"), "{location}");
    assert!(borrower.contains("through the notary") && borrower.contains("class=\"gauge\""));
    assert!(borrower.contains("ScoreLedgerInitialized") && borrower.contains("UPR"));

    let terms = [
        ("user", "0"),
        ("amount", "2"),
        ("ratePerMil", "10"),
        ("payments", "3"),
        ("periodDays", "30"),
        ("minScore", "0"),
        ("fundDays", "7"),
        ("graceDays", "15"),
        ("feePerMil", "0"),
    ];
    let (location, loan_page) = browser.submit("/dev/loans", &terms);
    let loan = location.trim_start_matches("/loans/").split('?').next().unwrap().to_owned();
    assert!(loan_page.contains("id=\"loan-status\">open<") && loan_page.contains("Amortisation schedule"));
    assert_eq!(loan_page.matches("<td>0.680044222962938517</td>").count(), 3, "three level installments");
    for form in ["invest", "borrow", "disburse", "pay", "withdraw", "clock"] {
        assert!(loan_page.contains(&format!("<form class=\"action\" id=\"{form}\"")), "{form}");
    }

    // A bad amount: back to the loan with the message and the field, and nothing invested.
    let (location, refused) = browser.submit(&format!("/loans/{loan}/invest"), &[("user", "2"), ("amount", "1,5")]);
    assert!(location.contains("error=") && location.contains("field=amount"), "{location}");
    assert!(refused.contains("id=\"error\"") && refused.contains("is not a decimal amount such as 1.5"), "{refused}");
    assert!(
        refused.contains(
            "name=\"amount\" inputmode=\"decimal\" placeholder=\"1.5\" autocomplete=\"off\" class=\"invalid\""
        )
    );
    assert_eq!(browser.json(&format!("/api/v1/loans/{loan}"))["invested"], "0");
    // A contract's refusal: borrowing more than the loan raises.
    let (_, refused) = browser.submit(&format!("/loans/{loan}/borrow"), &[("user", "1"), ("amount", "3")]);
    assert!(refused.contains("the contract refused"), "{refused}");
    assert_eq!(browser.json(&format!("/api/v1/loans/{loan}"))["requested"], "0");

    let (_, invested) = browser.submit(&format!("/loans/{loan}/invest"), &[("user", "2"), ("amount", "2")]);
    assert!(invested.contains("invested 2 ether") && invested.contains("id=\"funding-percent\">100.0 %<"));
    let (_, funded) = browser.submit(&format!("/loans/{loan}/borrow"), &[("user", "1"), ("amount", "2")]);
    assert!(funded.contains("id=\"loan-status\">funded<"));
    let (_, active) = browser.submit(&format!("/loans/{loan}/disburse"), &[("user", "1")]);
    assert!(active.contains("id=\"loan-status\">active<") && active.contains("took the principal"));
    let back = format!("/loans/{loan}");
    let (location, _) = browser.submit("/dev/clock", &[("days", "30"), ("back", &back)]);
    assert!(location.starts_with(&back), "{location}");
    let (_, paid) = browser.submit(&format!("/loans/{loan}/pay"), &[("user", "1"), ("amount", "0.680044222962938517")]);
    assert!(paid.contains("<td class=\"paid\">0.680044222962938517</td>"), "{paid}");
    let lender =
        browser.json(&format!("/api/v1/loans/{loan}"))["lenderPositions"][0]["lender"].as_str().unwrap().to_owned();
    let (status, lender_page) = browser.get(&format!("/lenders/{lender}"));
    assert_eq!(status, StatusCode::OK);
    assert!(lender_page.contains("<td class=\"withdrawable\">0.680044222962938517</td>"), "{lender_page}");
    let (status, model) = browser.get("/model");
    assert_eq!(status, StatusCode::OK);
    assert!(model.contains("id=\"model-k\">10<"));
    let (_, market) = browser.get("/");
    assert!(market.contains(&format!("href=\"/loans/{loan}\"")) && market.contains("id=\"stat-loans\">1<"));

    // What the query string carries is text, never markup.
    let (_, escaped) = browser.get("/?error=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
    assert!(!escaped.contains("<script>alert") && escaped.contains("alert(1)"));

    let nobody = "0x00000000000000000000000000000000000000a1";
    for path in
        [format!("/loans/{nobody}"), format!("/borrowers/{nobody}"), format!("/lenders/{nobody}"), "/nothing".into()]
    {
        let (status, page) = browser.get(&path);
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.contains("404 · Not found"), "{path}: {page}");
    }
    let (status, api) = browser.get("/api/v1/nothing");
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(api.starts_with('{'), "{api}");
    assert_eq!(browser.send(&format!("/loans/{loan}/fly"), &[("user", "1")]).status(), StatusCode::NOT_FOUND);
}
