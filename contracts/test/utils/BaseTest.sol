// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

import {CreditBureau} from "../../src/CreditBureau.sol";
import {DecisionModels} from "../../src/DecisionModels.sol";
import {IdentityEscrow} from "../../src/IdentityEscrow.sol";
import {IdentityRecord, Auditor} from "../../src/interfaces/IIdentityEscrow.sol";
import {Loan} from "../../src/Loan.sol";
import {LoanTerms} from "../../src/libraries/LoanTerms.sol";
import {TestToken} from "../../src/mocks/TestToken.sol";
import {VM, Vm} from "./Vm.sol";

/// @notice Shared fixture: a bureau owned by this contract, one notary, three registered borrowers,
///         a TestToken, helpers that drive a loan through its lifecycle, and assertion helpers.
abstract contract BaseTest {
    Vm internal constant vm = VM;

    uint256 internal constant START = 1_700_000_000;
    // Default terms: 12 monthly installments at 1% a period, 10% of the interest to the creator.
    uint96 internal constant TOTAL = 12 ether;
    uint16 internal constant RATE = 10;
    uint16 internal constant NUM_PAYMENTS = 12;
    uint32 internal constant PERIOD = 30 days;
    uint16 internal constant MIN_SCORE = 600;
    uint40 internal constant FUND_WINDOW = 14 days;
    uint32 internal constant GRACE = 10 days;
    uint16 internal constant FEE = 100;

    uint16 internal constant FICO_A = 720;
    uint16 internal constant FICO_B = 680;
    uint16 internal constant FICO_C = 800;

    address internal immutable NOTARY = _actor("notary");
    address internal immutable CREATOR = _actor("creator");
    address internal immutable LENDER_A = _actor("lenderA");
    address internal immutable LENDER_B = _actor("lenderB");
    address internal immutable LENDER_C = _actor("lenderC");
    address internal immutable BORROWER_A = _actor("borrowerA");
    address internal immutable BORROWER_B = _actor("borrowerB");
    address internal immutable BORROWER_C = _actor("borrowerC");
    address internal immutable STRANGER = _actor("stranger");
    address internal immutable AUDITOR_1 = _actor("auditor1");
    address internal immutable AUDITOR_2 = _actor("auditor2");
    address internal immutable AUDITOR_3 = _actor("auditor3");

    CreditBureau internal bureau;
    DecisionModels internal models;
    IdentityEscrow internal escrow;
    /// The escrow's current auditor set (kept here: `_identity` is evaluated inside prank / expectRevert
    /// calls, where an external call would consume the cheat).
    uint32 internal auditorEpoch;
    TestToken internal token;
    /// Accounts, loans and tokens whose state `_stateHash` covers.
    address[] internal tracked;
    Loan[] internal loans;
    TestToken[] internal tokens;

    function setUp() public virtual {
        vm.warp(START);
        models = new DecisionModels(address(this));
        bureau = new CreditBureau(address(this), models);
        bureau.addNotary(NOTARY);
        escrow = new IdentityEscrow(address(this), address(bureau));
        bureau.setIdentityEscrow(address(escrow));
        auditorEpoch = escrow.setAuditors(_auditors(), 2);
        token = new TestToken("Test", "TST");
        tokens.push(token);
        _register(BORROWER_A, FICO_A);
        _register(BORROWER_B, FICO_B);
        _register(BORROWER_C, FICO_C);
        address[9] memory all =
            [NOTARY, CREATOR, LENDER_A, LENDER_B, LENDER_C, BORROWER_A, BORROWER_B, BORROWER_C, STRANGER];
        for (uint256 i; i < all.length; ++i) {
            tracked.push(all[i]);
        }
        tracked.push(address(this));
        vm.label(address(bureau), "bureau");
        vm.label(address(models), "models");
        vm.label(address(token), "token");
    }

    // =========================================================================================
    //                                      ACTORS AND TERMS
    // =========================================================================================

    function _actor(string memory name) internal returns (address a) {
        a = address(uint160(uint256(keccak256(bytes(name)))));
        vm.label(a, name);
    }

    /// Rules out addresses a fuzzed account must not take: zero, precompiles, cheatcodes, our contracts.
    function _assumeUsable(address a) internal view {
        vm.assume(uint160(a) > 0xffff && a != address(vm) && a != address(this));
        vm.assume(a != address(bureau) && a != address(token) && a != bureau.loanImplementation());
    }

    /// Three auditors (any two reconstruct), with stand-in X25519 keys.
    function _auditors() internal view returns (Auditor[] memory auditors) {
        auditors = new Auditor[](3);
        auditors[0] = Auditor(AUDITOR_1, keccak256("key1"));
        auditors[1] = Auditor(AUDITOR_2, keccak256("key2"));
        auditors[2] = Auditor(AUDITOR_3, keccak256("key3"));
    }

    /// A stand-in identity record for `borrower` (the cryptography is off-chain; the contract checks shape,
    /// uniqueness and epoch): a distinct tag per address.
    function _identity(address borrower) internal view returns (IdentityRecord memory) {
        return IdentityRecord({
            identityTag: keccak256(abi.encode("tag", borrower)),
            identityHash: keccak256(abi.encode("hash", borrower)),
            escrowDigest: keccak256(abi.encode("digest", borrower)),
            attributesCommitment: bytes32(0),
            epoch: auditorEpoch
        });
    }

    function _register(address borrower, uint256 fico) internal {
        vm.prank(NOTARY);
        bureau.initScoreLedger(borrower, fico, block.timestamp, _identity(borrower));
    }

    function _defaultTerms(address asset) internal view returns (LoanTerms memory) {
        return LoanTerms({
            asset: asset,
            totalAmount: TOTAL,
            intRatePerMil: RATE,
            numPayments: NUM_PAYMENTS,
            secondsBetweenPayments: PERIOD,
            minCreditScore: MIN_SCORE,
            fundDate: uint40(block.timestamp + FUND_WINDOW),
            gracePeriod: GRACE,
            creatorFeePerMil: FEE,
            decisionModel: 0,
            minDecisionMargin: 0
        });
    }

    /// Any raw terms, bounded into what createLoan accepts.
    function _boundTerms(LoanTerms memory t) internal view returns (LoanTerms memory) {
        t.totalAmount = uint96(bound(t.totalAmount, 1, type(uint96).max));
        t.intRatePerMil = uint16(bound(t.intRatePerMil, 0, 1000));
        t.numPayments = uint16(bound(t.numPayments, 1, 1200));
        t.secondsBetweenPayments = uint32(bound(t.secondsBetweenPayments, 1 minutes, 3650 days));
        t.minCreditScore = uint16(bound(t.minCreditScore, 0, 1000));
        t.fundDate = uint40(bound(t.fundDate, block.timestamp + 1, type(uint40).max));
        t.gracePeriod = uint32(bound(t.gracePeriod, 0, 3650 days));
        t.creatorFeePerMil = uint16(bound(t.creatorFeePerMil, 0, 1000));
        // Decision models have tests of their own (BorrowWithProofTest): none here.
        (t.decisionModel, t.minDecisionMargin) = (0, 0);
        return t;
    }

    // =========================================================================================
    //                                      LOAN LIFECYCLE
    // =========================================================================================

    function _createLoan(LoanTerms memory t) internal returns (Loan loan) {
        vm.prank(CREATOR);
        loan = Loan(payable(bureau.createLoan(t)));
        loans.push(loan);
    }

    function _etherLoan() internal returns (Loan) {
        return _createLoan(_defaultTerms(address(0)));
    }

    function _tokenLoan() internal returns (Loan) {
        return _createLoan(_defaultTerms(address(token)));
    }

    function _asset(Loan loan) internal view returns (address asset) {
        (, LoanTerms memory t) = loan.terms();
        return t.asset;
    }

    function _total(Loan loan) internal view returns (uint256) {
        (, LoanTerms memory t) = loan.terms();
        return t.totalAmount;
    }

    function _balance(address asset, address account) internal view returns (uint256) {
        return asset == address(0) ? account.balance : TestToken(asset).balanceOf(account);
    }

    /// Gives `account` `amount` more of the asset and lets `loan` pull it.
    function _give(Loan loan, address account, uint256 amount) internal {
        address asset = _asset(loan);
        if (asset == address(0)) {
            vm.deal(account, account.balance + amount);
        } else {
            TestToken(asset).mint(account, amount);
            vm.prank(account);
            TestToken(asset).approve(address(loan), type(uint256).max);
        }
    }

    /// Ether travels as msg.value; a token loan takes none.
    function _value(Loan loan, uint256 amount) internal view returns (uint256) {
        return _asset(loan) == address(0) ? amount : 0;
    }

    function _invest(Loan loan, address lender, uint256 amount) internal {
        _give(loan, lender, amount);
        uint256 value = _value(loan, amount);
        vm.prank(lender);
        loan.invest{value: value}(amount);
    }

    function _borrow(Loan loan, address borrower, uint256 amount) internal {
        vm.prank(borrower);
        loan.borrow(amount);
    }

    /// Pays `amount` for `borrower`, first taking their principal if they have not (payments need it).
    function _pay(Loan loan, address borrower, uint256 amount) internal {
        if (!loan.borrowerPosition(borrower).disbursed) {
            vm.prank(borrower);
            loan.disburse();
        }
        _give(loan, borrower, amount);
        uint256 value = _value(loan, amount);
        vm.prank(borrower);
        loan.makePayment{value: value}(amount);
    }

    /// Funds `loan`: LENDER_A and LENDER_B invest, BORROWER_A and BORROWER_B request, split by the seeds.
    function _fund(Loan loan, uint256 lenderSeed, uint256 borrowerSeed) internal {
        uint256 total = _total(loan);
        uint256 a = bound(lenderSeed, 1, total);
        _invest(loan, LENDER_A, a);
        if (a < total) _invest(loan, LENDER_B, total - a);
        _requestAll(loan, borrowerSeed);
    }

    /// BORROWER_A and BORROWER_B request the whole total between them, split by the seed.
    function _requestAll(Loan loan, uint256 borrowerSeed) internal {
        uint256 total = _total(loan);
        uint256 b = bound(borrowerSeed, 1, total);
        _borrow(loan, BORROWER_A, b);
        if (b < total) _borrow(loan, BORROWER_B, total - b);
    }

    function _fund(Loan loan) internal {
        _fund(loan, _total(loan) / 4, _total(loan) / 3);
    }

    // =========================================================================================
    //                                     STATE SNAPSHOTS
    // =========================================================================================

    /// A hash of everything a call could change: bureau roles and ledgers, balances and positions of
    /// every tracked account in every tracked loan. Equal before and after means the call changed nothing.
    function _stateHash() internal view returns (bytes32 h) {
        h = keccak256(abi.encode(bureau.owner(), bureau.pendingOwner(), bureau.loanCount()));
        h = keccak256(abi.encode(h, escrow.owner(), escrow.pendingOwner(), escrow.currentEpoch()));
        h = keccak256(abi.encode(h, models.owner(), models.pendingOwner(), _modelsHash()));
        for (uint256 i; i < tracked.length; ++i) {
            address a = tracked[i];
            bytes32 ledger = _viewHash(address(bureau), abi.encodeCall(bureau.ledgerOf, (a)));
            bytes32 identity = _viewHash(address(escrow), abi.encodeCall(escrow.identityOf, (a)));
            h = keccak256(abi.encode(h, a.balance, _tokenBalances(a), bureau.isNotary(a), ledger, identity));
            h = keccak256(abi.encode(h, escrow.encryptionKeyOf(a)));
        }
        for (uint256 j; j < loans.length; ++j) {
            Loan loan = loans[j];
            (uint256 inv, uint256 req, uint256 rep, uint256 sched) = loan.totals();
            h = keccak256(abi.encode(h, address(loan).balance, _tokenBalances(address(loan))));
            h = keccak256(abi.encode(h, inv, req, rep, sched, loan.fundedAt(), loan.feesWithdrawable()));
            h = keccak256(abi.encode(h, loan.openBorrowers(), loan.dustSwept()));
            for (uint256 i; i < tracked.length; ++i) {
                h = keccak256(
                    abi.encode(
                        h,
                        _viewHash(address(loan), abi.encodeCall(loan.lenderPosition, (tracked[i]))),
                        _viewHash(address(loan), abi.encodeCall(loan.borrowerPosition, (tracked[i])))
                    )
                );
            }
        }
    }

    /// Every registered decision model's verifier and retirement.
    function _modelsHash() private view returns (bytes32 h) {
        uint32 count = models.modelCount();
        h = bytes32(uint256(count));
        for (uint32 i = 1; i <= count; ++i) {
            h = keccak256(abi.encode(h, models.verifierOf(i), models.isRetired(i)));
        }
    }

    /// The hash of what a view returns, without decoding it: the state hash runs hundreds of times in one test,
    /// and decoded structs would pile up in memory (never freed) past the EVM's limit.
    function _viewHash(address target, bytes memory data) private view returns (bytes32 h) {
        assembly ("memory-safe") {
            if iszero(staticcall(gas(), target, add(data, 32), mload(data), 0, 0)) { revert(0, 0) }
            let ptr := mload(0x40)
            returndatacopy(ptr, 0, returndatasize())
            h := keccak256(ptr, returndatasize())
        }
    }

    function _tokenBalances(address account) private view returns (bytes32 h) {
        for (uint256 i; i < tokens.length; ++i) {
            h = keccak256(abi.encode(h, tokens[i].totalSupply(), tokens[i].balanceOf(account)));
        }
    }

    // =========================================================================================
    //                                  ASSERTIONS AND BOUNDS
    // =========================================================================================

    /// `x` mapped into [min, max], the identity when already inside.
    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        require(min <= max, "bound: min > max");
        if (x >= min && x <= max) return x;
        uint256 size = max - min;
        if (size == type(uint256).max) return x;
        return min + x % (size + 1);
    }

    function _fail(string memory message, string memory left, string memory right) private pure {
        revert(string.concat(message, ": ", left, " != ", right));
    }

    function assertEq(uint256 a, uint256 b, string memory message) internal pure {
        if (a != b) _fail(message, Strings.toString(a), Strings.toString(b));
    }

    function assertEqInt(int256 a, int256 b, string memory message) internal pure {
        if (a != b) _fail(message, Strings.toStringSigned(a), Strings.toStringSigned(b));
    }

    function assertEq(address a, address b, string memory message) internal pure {
        if (a != b) _fail(message, Strings.toHexString(a), Strings.toHexString(b));
    }

    function assertEq(bytes32 a, bytes32 b, string memory message) internal pure {
        if (a != b) _fail(message, Strings.toHexString(uint256(a)), Strings.toHexString(uint256(b)));
    }

    function assertEq(bool a, bool b, string memory message) internal pure {
        if (a != b) _fail(message, a ? "true" : "false", b ? "true" : "false");
    }

    function assertTrue(bool condition, string memory message) internal pure {
        if (!condition) revert(message);
    }

    function assertLe(uint256 a, uint256 b, string memory message) internal pure {
        if (a > b) revert(string.concat(message, ": ", Strings.toString(a), " > ", Strings.toString(b)));
    }

    function assertGe(uint256 a, uint256 b, string memory message) internal pure {
        if (a < b) revert(string.concat(message, ": ", Strings.toString(a), " < ", Strings.toString(b)));
    }

    function assertLt(uint256 a, uint256 b, string memory message) internal pure {
        if (a >= b) revert(string.concat(message, ": ", Strings.toString(a), " >= ", Strings.toString(b)));
    }
}
