//! `/dev`: the development accounts (their keys are public: local use only) with their balances and
//! links to their pages, and the forms that register one through the notary, create a loan and move
//! the chain's clock. [`accounts`] also fills the account pickers of the loan page's forms.

use aloe_chain::Chain;
use askama::Template;
use axum::extract::State;

use super::{
    format,
    page::{Chrome, Flash, PageResult, render},
};
use crate::api::{AppState, body::Params, dev, problem::ApiResult};

/// A development account as a form's `<select>` offers it.
#[derive(Clone, Debug)]
pub(super) struct Account {
    /// What the forms send as `user`.
    pub(super) user: u32,
    /// "2 · 0x16c8…27c0".
    pub(super) label: String,
}

/// The development accounts, for the pickers.
pub(super) fn accounts(chain: &mut dyn Chain) -> ApiResult<Vec<Account>> {
    Ok(dev::users(chain)?
        .into_iter()
        .map(|u| Account { user: u.user, label: format!("{} · {}", u.user, format::short(u.address)) })
        .collect())
}

/// A development account with its balance, and whether the index knows it as a borrower or a lender.
#[derive(Clone, Debug)]
struct UserRow {
    user: u32,
    address: String,
    balance: String,
    borrower: bool,
    lender: bool,
}

#[derive(Template)]
#[template(path = "dev.html")]
struct DevPage {
    chrome: Chrome,
    users: Vec<UserRow>,
    accounts: Vec<Account>,
}

/// `GET /dev`.
pub(super) async fn show(State(state): State<AppState>, Params(flash): Params<Flash>) -> PageResult {
    let page = state
        .with_index(move |index, chain, _| {
            let users = dev::users(chain)?
                .into_iter()
                .map(|u| {
                    Ok(UserRow {
                        user: u.user,
                        address: u.address.to_string(),
                        balance: format::ether(u.balance),
                        borrower: index.borrower(u.address)?.is_some(),
                        lender: index.lender(u.address)?.is_some(),
                    })
                })
                .collect::<ApiResult<Vec<_>>>()?;
            Ok(DevPage {
                chrome: Chrome::new("Development", "dev", chain.timestamp()?, flash).with_dev(),
                accounts: accounts(chain)?,
                users,
            })
        })
        .await?;
    render(&page)
}
