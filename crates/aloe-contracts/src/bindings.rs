//! Typed bindings generated from the committed artifacts (`contracts/artifacts/*.json`).

#![allow(missing_docs, unreachable_pub, clippy::too_many_arguments)]

use alloy_sol_types::sol;

sol!(
    #[derive(Debug, PartialEq, Eq)]
    CreditBureau,
    "../../contracts/artifacts/CreditBureau.json"
);
sol!(
    #[derive(Debug, PartialEq, Eq)]
    Loan,
    "../../contracts/artifacts/Loan.json"
);
sol!(
    #[derive(Debug, PartialEq, Eq)]
    TestToken,
    "../../contracts/artifacts/TestToken.json"
);
sol!(
    #[derive(Debug, PartialEq, Eq)]
    KnnModel,
    "../../contracts/artifacts/KnnModel.json"
);
sol!(
    #[derive(Debug, PartialEq, Eq)]
    NaiveKnn,
    "../../contracts/artifacts/NaiveKnn.json"
);
sol!(
    #[derive(Debug, PartialEq, Eq)]
    IdentityEscrow,
    "../../contracts/artifacts/IdentityEscrow.json"
);
sol!(
    #[derive(Debug, PartialEq, Eq)]
    DecisionModels,
    "../../contracts/artifacts/DecisionModels.json"
);
sol!(
    #[derive(Debug, PartialEq, Eq)]
    TestDecisionVerifier,
    "../../contracts/artifacts/TestDecisionVerifier.json"
);
sol!(
    #[derive(Debug, PartialEq, Eq)]
    TestLendingPool,
    "../../contracts/artifacts/TestLendingPool.json"
);
