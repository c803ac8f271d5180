// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {IAaveV3Pool, TestLendingPool} from "../src/mocks/TestLendingPool.sol";
import {DecimalsToken} from "./mocks/DecimalsToken.sol";
import {BaseTest} from "./utils/BaseTest.sol";

/// @notice The Aave-V3-shaped test pool: its selectors and topics are Aave's, getUserAccountData matches hand-computed
///         values (two collateral reserves with different LTVs and decimals, a borrow-only one), every refusal has its
///         error, liquidations follow Aave's close factor, bonus and collateral cap.
contract TestLendingPoolTest is BaseTest {
    uint256 internal constant STABLE = 1;
    uint256 internal constant VARIABLE = 2;
    uint256 internal constant MAX = type(uint256).max;

    TestLendingPool internal pool;
    /// 18 decimals, LTV 80%, liquidation threshold 82.5%, $2,000.
    DecimalsToken internal weth;
    /// 8 decimals, LTV 70%, liquidation threshold 75%, $30,000.
    DecimalsToken internal wbtc;
    /// 6 decimals, borrow-only, $1.
    DecimalsToken internal usdc;

    address internal immutable ALICE = _actor("alice");
    address internal immutable BOB = _actor("bob");
    address internal immutable SUPPLIER = _actor("supplier");
    address internal immutable LIQUIDATOR = _actor("liquidator");

    function setUp() public override {
        super.setUp();
        pool = new TestLendingPool(address(this));
        weth = new DecimalsToken("Wrapped Ether", "WETH", 18);
        wbtc = new DecimalsToken("Wrapped Bitcoin", "WBTC", 8);
        usdc = new DecimalsToken("USD Coin", "USDC", 6);
        pool.listReserve(address(weth), 8000, 8250, 2000e8);
        pool.listReserve(address(wbtc), 7000, 7500, 30_000e8);
        pool.listReserve(address(usdc), 0, 0, 1e8);
        // Liquidity to borrow.
        _supply(SUPPLIER, usdc, 1_000_000e6);
        _supply(SUPPLIER, weth, 100e18);
        _supply(SUPPLIER, wbtc, 10e8);
        vm.label(address(pool), "pool");
    }

    // =========================================================================================
    //                                          HELPERS
    // =========================================================================================

    function _supply(address user, DecimalsToken asset, uint256 amount) internal {
        asset.mint(user, amount);
        vm.startPrank(user);
        asset.approve(address(pool), amount);
        pool.supply(address(asset), amount, user, 0);
        vm.stopPrank();
    }

    function _borrow(address user, DecimalsToken asset, uint256 amount, uint256 mode) internal {
        vm.prank(user);
        pool.borrow(address(asset), amount, mode, 0, user);
    }

    /// `payer` gets and approves `amount` and repays it for `user`.
    function _repay(address payer, DecimalsToken asset, uint256 amount, uint256 mode, address user)
        internal
        returns (uint256 paid)
    {
        uint256 give = amount == MAX ? _debt(asset, user, mode) : amount;
        asset.mint(payer, give);
        vm.startPrank(payer);
        asset.approve(address(pool), give);
        paid = pool.repay(address(asset), amount, mode, user);
        vm.stopPrank();
    }

    function _debt(DecimalsToken asset, address user, uint256 mode) internal view returns (uint256) {
        TestLendingPool.Position memory p = pool.positionOf(address(asset), user);
        return mode == STABLE ? p.stableDebt : p.variableDebt;
    }

    function _supplied(DecimalsToken asset, address user) internal view returns (uint256) {
        return pool.positionOf(address(asset), user).supplied;
    }

    /// ALICE: 10 WETH of collateral, 16,000 USDC borrowed variable (exactly her borrowing power, HF 1.03125).
    function _aliceAtTheLimit() internal {
        _supply(ALICE, weth, 10e18);
        _borrow(ALICE, usdc, 16_000e6, VARIABLE);
        _assertHealth(ALICE, 1.03125e18);
    }

    /// LIQUIDATOR holds a million tokens' worth of `debt` (in wei units) and lets the pool pull them.
    function _fundLiquidator(DecimalsToken debt) internal {
        debt.mint(LIQUIDATOR, 1_000_000e18);
        vm.prank(LIQUIDATOR);
        debt.approve(address(pool), MAX);
    }

    function _liquidate(DecimalsToken collateral, DecimalsToken debt, address user, uint256 debtToCover) internal {
        vm.prank(LIQUIDATOR);
        pool.liquidationCall(address(collateral), address(debt), user, debtToCover, false);
    }

    function _assertAccount(
        address user,
        uint256 collateral,
        uint256 debt,
        uint256 available,
        uint256 threshold,
        uint256 ltv,
        uint256 health
    ) internal view {
        (uint256 c, uint256 d, uint256 a, uint256 t, uint256 l, uint256 h) = pool.getUserAccountData(user);
        assertEq(c, collateral, "totalCollateralBase");
        assertEq(d, debt, "totalDebtBase");
        assertEq(a, available, "availableBorrowsBase");
        assertEq(t, threshold, "currentLiquidationThreshold");
        assertEq(l, ltv, "ltv");
        assertEq(h, health, "healthFactor");
    }

    function _assertHealth(address user, uint256 health) internal view {
        (,,,,, uint256 h) = pool.getUserAccountData(user);
        assertEq(h, health, "healthFactor");
    }

    /// The pool holds exactly the liquidity it books for every reserve.
    function _assertLiquidityBooked() internal view {
        DecimalsToken[3] memory all = [weth, wbtc, usdc];
        for (uint256 i; i < 3; ++i) {
            assertEq(all[i].balanceOf(address(pool)), pool.reserveOf(address(all[i])).liquidity, "liquidity");
        }
    }

    // =========================================================================================
    //                                      THE AAVE V3 ABI
    // =========================================================================================

    function test_topicsAndSelectorsAreAaveV3s() public pure {
        assertEq(IAaveV3Pool.Supply.selector, keccak256("Supply(address,address,address,uint256,uint16)"), "Supply");
        assertEq(IAaveV3Pool.Withdraw.selector, keccak256("Withdraw(address,address,address,uint256)"), "Withdraw");
        assertEq(
            IAaveV3Pool.Borrow.selector,
            keccak256("Borrow(address,address,address,uint256,uint8,uint256,uint16)"),
            "Borrow"
        );
        assertEq(IAaveV3Pool.Repay.selector, keccak256("Repay(address,address,address,uint256,bool)"), "Repay");
        assertEq(
            IAaveV3Pool.LiquidationCall.selector,
            keccak256("LiquidationCall(address,address,address,uint256,uint256,address,bool)"),
            "LiquidationCall"
        );
        // The topics of the deployed Aave V3 pools (e.g. Ethereum's 0x87870Bca3F3fD6335C3F4ce8392D69350B4fA4E2).
        assertEq(
            IAaveV3Pool.Supply.selector, 0x2b627736bca15cd5381dcf80b0bf11fd197d01a037c52b927a881a10fb73ba61, "Supply"
        );
        assertEq(
            IAaveV3Pool.Borrow.selector, 0xb3d084820fb1a9decffb176436bd02558d15fac9b0ddfed8c465bc7359d7dce0, "Borrow"
        );
        // And the function selectors.
        assertEq(bytes32(IAaveV3Pool.supply.selector), bytes32(bytes4(0x617ba037)), "supply");
        assertEq(bytes32(IAaveV3Pool.withdraw.selector), bytes32(bytes4(0x69328dec)), "withdraw");
        assertEq(bytes32(IAaveV3Pool.borrow.selector), bytes32(bytes4(0xa415bcad)), "borrow");
        assertEq(bytes32(IAaveV3Pool.repay.selector), bytes32(bytes4(0x573ade81)), "repay");
        assertEq(bytes32(IAaveV3Pool.liquidationCall.selector), bytes32(bytes4(0x00a718a9)), "liquidationCall");
        assertEq(bytes32(IAaveV3Pool.getUserAccountData.selector), bytes32(bytes4(0xbf92857c)), "account data");
        assertEq(bytes32(TestLendingPool.getAssetPrice.selector), bytes32(bytes4(0xb3596f07)), "getAssetPrice");
    }

    // =========================================================================================
    //                                     getUserAccountData
    // =========================================================================================

    function test_accountData_handComputed() public {
        // Nothing yet: no collateral, no debt, an infinite health factor.
        _assertAccount(ALICE, 0, 0, 0, 0, 0, MAX);

        // 10 WETH ($20,000 = 2e12 base) and 0.5 WBTC ($15,000 = 1.5e12 base).
        _supply(ALICE, weth, 10e18);
        _supply(ALICE, wbtc, 0.5e8);
        // LTV (2e12 × 8000 + 1.5e12 × 7000) / 3.5e12 = 7571.4 → 7571; threshold (… × 8250 + … × 7500) / 3.5e12
        // = 7928.6 → 7928; available 3.5e12 × 7571 / 10^4 = 2,649,850,000,000.
        _assertAccount(ALICE, 3.5e12, 0, 2_649_850_000_000, 7928, 7571, MAX);

        // USDC is borrow-only: supplying it is no collateral and changes nothing.
        _supply(ALICE, usdc, 1000e6);
        _assertAccount(ALICE, 3.5e12, 0, 2_649_850_000_000, 7928, 7571, MAX);

        // 20,000 USDC variable: debt 2e12; HF = (3.5e12 × 7928 / 10^4) × 1e18 / 2e12 = 1.3874e18.
        _borrow(ALICE, usdc, 20_000e6, VARIABLE);
        _assertAccount(ALICE, 3.5e12, 2e12, 649_850_000_000, 7928, 7571, 1.3874e18);

        // 1 WETH stable ($2,000): both modes count. HF = 2.7748e12 × 1e18 / 2.2e12, floored.
        _borrow(ALICE, weth, 1e18, STABLE);
        _assertAccount(ALICE, 3.5e12, 2.2e12, 449_850_000_000, 7928, 7571, 1_261_272_727_272_727_272);

        // A price moves every value: WBTC at $20,000 makes its part 1e12. Collateral 3e12, LTV
        // (16e15 + 7e15) / 3e12 = 7666.7 → 7666, threshold (16.5e15 + 7.5e15) / 3e12 = 8000, power 2.2998e12.
        pool.setAssetPrice(address(wbtc), 20_000e8);
        _assertAccount(ALICE, 3e12, 2.2e12, 99_800_000_000, 8000, 7666, 1_090_909_090_909_090_909);

        // Debt beyond the borrowing power (after a price drop) leaves no borrows available, never an underflow.
        pool.setAssetPrice(address(wbtc), 10_000e8);
        (,, uint256 available,,,) = pool.getUserAccountData(ALICE);
        assertEq(available, 0, "available");
        _assertLiquidityBooked();
    }

    function test_accountData_valuesFloorPerReserve() public {
        // 1 wei of WETH is worth 2000e8 / 1e18 of a base unit: nothing.
        _supply(ALICE, weth, 1);
        _assertAccount(ALICE, 0, 0, 0, 0, 0, MAX);
        // Some collateral is needed even for a borrow too small to be valued.
        vm.expectRevert(abi.encodeWithSelector(TestLendingPool.BorrowExceedsCapacity.selector, 0, 0));
        _borrow(ALICE, weth, 1, VARIABLE);
    }

    /// Anything borrowed within availableBorrowsBase is accepted and leaves the health factor at 1 or above;
    /// one unit more is refused.
    function testFuzz_borrowWithinCapacity(uint256 wethAmount, uint256 wbtcAmount, uint256 fraction) public {
        // At most $740,000 of borrowing power: the pool's 1,000,000 USDC always suffice.
        wethAmount = bound(wethAmount, 1e15, 200e18);
        wbtcAmount = bound(wbtcAmount, 0, 20e8);
        _supply(ALICE, weth, wethAmount);
        if (wbtcAmount != 0) _supply(ALICE, wbtc, wbtcAmount);
        (,, uint256 available,,,) = pool.getUserAccountData(ALICE);
        // 1 micro-USDC is 100 base units.
        uint256 amount = bound(fraction, 1, available / 100);
        _borrow(ALICE, usdc, amount, VARIABLE);
        (, uint256 debt, uint256 left,,, uint256 health) = pool.getUserAccountData(ALICE);
        assertEq(debt, amount * 100, "debt");
        assertEq(left, available - amount * 100, "available after");
        assertGe(health, 1e18, "health factor");
        uint256 more = left / 100 + 1;
        vm.expectRevert(
            abi.encodeWithSelector(TestLendingPool.BorrowExceedsCapacity.selector, debt + more * 100, debt + left)
        );
        _borrow(ALICE, usdc, more, VARIABLE);
    }

    // =========================================================================================
    //                                   SUPPLY, WITHDRAW, BORROW, REPAY
    // =========================================================================================

    function test_supply_pullsFromSenderCreditsOnBehalfOfAndEmits() public {
        weth.mint(ALICE, 3e18);
        vm.startPrank(ALICE);
        weth.approve(address(pool), 3e18);
        vm.expectEmit(address(pool));
        emit IAaveV3Pool.Supply(address(weth), ALICE, BOB, 3e18, 7);
        pool.supply(address(weth), 3e18, BOB, 7);
        vm.stopPrank();
        assertEq(weth.balanceOf(ALICE), 0, "alice paid");
        assertEq(_supplied(weth, BOB), 3e18, "bob credited");
        assertEq(_supplied(weth, ALICE), 0, "alice not credited");
        _assertAccount(BOB, 6000e8, 0, 4800e8, 8250, 8000, MAX);
        _assertLiquidityBooked();
    }

    function test_withdraw_maxTakesTheWholeBalanceAndEmits() public {
        _supply(ALICE, wbtc, 2e8);
        vm.prank(ALICE);
        vm.expectEmit(address(pool));
        emit IAaveV3Pool.Withdraw(address(wbtc), ALICE, BOB, 0.5e8);
        assertEq(pool.withdraw(address(wbtc), 0.5e8, BOB), 0.5e8, "returned");
        vm.prank(ALICE);
        vm.expectEmit(address(pool));
        emit IAaveV3Pool.Withdraw(address(wbtc), ALICE, ALICE, 1.5e8);
        assertEq(pool.withdraw(address(wbtc), MAX, ALICE), 1.5e8, "max returned");
        assertEq(wbtc.balanceOf(BOB), 0.5e8, "bob got");
        assertEq(wbtc.balanceOf(ALICE), 1.5e8, "alice got");
        assertEq(_supplied(wbtc, ALICE), 0, "nothing left");
        _assertLiquidityBooked();
    }

    function test_withdraw_keepsTheHealthFactorAtOne() public {
        _aliceAtTheLimit();
        // 9 WETH left: collateral 18,000e8, HF = 14,850 / 16,000.
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(TestLendingPool.HealthFactorBelowOne.selector, 0.928125e18));
        pool.withdraw(address(weth), 1e18, ALICE);
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(TestLendingPool.HealthFactorBelowOne.selector, 0));
        pool.withdraw(address(weth), MAX, ALICE);
        // 9.7 WETH left: 19,400e8 × 82.5% = 16,005e8 of 16,000e8, just healthy (LTV does not bind a withdrawal).
        vm.prank(ALICE);
        pool.withdraw(address(weth), 0.3e18, ALICE);
        _assertHealth(ALICE, 1.0003125e18);
        // A borrow-only balance leaves even an unhealthy position free to withdraw it.
        _supply(ALICE, usdc, 100e6);
        pool.setAssetPrice(address(weth), 1000e8);
        vm.prank(ALICE);
        pool.withdraw(address(usdc), MAX, ALICE);
    }

    function test_borrow_paysOutAndEmitsBothModes() public {
        _supply(ALICE, weth, 10e18);
        vm.prank(ALICE);
        vm.expectEmit(address(pool));
        emit IAaveV3Pool.Borrow(address(usdc), ALICE, ALICE, 1000e6, IAaveV3Pool.InterestRateMode.VARIABLE, 0, 42);
        pool.borrow(address(usdc), 1000e6, VARIABLE, 42, ALICE);
        vm.prank(ALICE);
        vm.expectEmit(address(pool));
        emit IAaveV3Pool.Borrow(address(usdc), ALICE, ALICE, 500e6, IAaveV3Pool.InterestRateMode.STABLE, 0, 0);
        pool.borrow(address(usdc), 500e6, STABLE, 0, ALICE);
        assertEq(usdc.balanceOf(ALICE), 1500e6, "paid out");
        assertEq(_debt(usdc, ALICE, VARIABLE), 1000e6, "variable");
        assertEq(_debt(usdc, ALICE, STABLE), 500e6, "stable");
        _assertLiquidityBooked();
    }

    function test_borrow_upToTheLtvExactly() public {
        _supply(ALICE, weth, 10e18);
        // Power 16,000e8; one micro-USDC more is 100 base units too many.
        vm.expectRevert(
            abi.encodeWithSelector(TestLendingPool.BorrowExceedsCapacity.selector, 16_000e8 + 100, 16_000e8)
        );
        _borrow(ALICE, usdc, 16_000e6 + 1, VARIABLE);
        _borrow(ALICE, usdc, 16_000e6, VARIABLE);
        _assertAccount(ALICE, 20_000e8, 16_000e8, 0, 8250, 8000, 1.03125e18);
        vm.expectRevert(
            abi.encodeWithSelector(TestLendingPool.BorrowExceedsCapacity.selector, 16_000e8 + 100, 16_000e8)
        );
        _borrow(ALICE, usdc, 1, STABLE);
    }

    function test_borrow_borrowOnlyCollateralGivesNoPower() public {
        _supply(ALICE, usdc, 10_000e6);
        vm.expectRevert(abi.encodeWithSelector(TestLendingPool.BorrowExceedsCapacity.selector, 2000e8, 0));
        _borrow(ALICE, weth, 1e18, VARIABLE);
    }

    function test_repay_capsAtTheDebtMaxAndOnBehalf() public {
        _supply(ALICE, weth, 10e18);
        _borrow(ALICE, usdc, 1000e6, VARIABLE);
        _borrow(ALICE, usdc, 300e6, STABLE);

        // Anyone may repay for another, with an explicit amount.
        usdc.mint(BOB, 200e6);
        vm.startPrank(BOB);
        usdc.approve(address(pool), 200e6);
        vm.expectEmit(address(pool));
        emit IAaveV3Pool.Repay(address(usdc), ALICE, BOB, 200e6, false);
        assertEq(pool.repay(address(usdc), 200e6, VARIABLE, ALICE), 200e6, "bob repaid");
        vm.expectRevert(TestLendingPool.ExplicitAmountRequiredOnBehalf.selector);
        pool.repay(address(usdc), MAX, VARIABLE, ALICE);
        vm.stopPrank();
        assertEq(_debt(usdc, ALICE, VARIABLE), 800e6, "variable left");

        // More than the debt pays the debt (and takes only that).
        usdc.mint(ALICE, 1000e6);
        vm.startPrank(ALICE);
        usdc.approve(address(pool), MAX);
        uint256 before = usdc.balanceOf(ALICE);
        vm.expectEmit(address(pool));
        emit IAaveV3Pool.Repay(address(usdc), ALICE, ALICE, 800e6, false);
        assertEq(pool.repay(address(usdc), 5000e6, VARIABLE, ALICE), 800e6, "capped");
        assertEq(before - usdc.balanceOf(ALICE), 800e6, "took the debt only");
        // Max repays the whole debt of that mode, and only that mode.
        vm.expectEmit(address(pool));
        emit IAaveV3Pool.Repay(address(usdc), ALICE, ALICE, 300e6, false);
        assertEq(pool.repay(address(usdc), MAX, STABLE, ALICE), 300e6, "max");
        // Nothing left to repay in either mode.
        vm.expectRevert(abi.encodeWithSelector(TestLendingPool.NoDebt.selector, ALICE, address(usdc)));
        pool.repay(address(usdc), 1, STABLE, ALICE);
        vm.stopPrank();
        _assertAccount(ALICE, 20_000e8, 0, 16_000e8, 8250, 8000, MAX);
        _assertLiquidityBooked();
    }

    // =========================================================================================
    //                                        LIQUIDATION
    // =========================================================================================

    function test_liquidation_halfTheDebtBetween095And1() public {
        _aliceAtTheLimit();
        // WETH at $1,900: HF = 19,000 × 82.5% / 16,000 = 0.9796875, so at most half the debt.
        pool.setAssetPrice(address(weth), 1900e8);
        _assertHealth(ALICE, 0.9796875e18);
        // 8,000 USDC × $1 × 1.05 / $1,900 = 4.421052631578947368 WETH.
        uint256 seized = 4_421_052_631_578_947_368;
        _fundLiquidator(usdc);
        vm.expectEmit(address(pool));
        emit IAaveV3Pool.LiquidationCall(address(weth), address(usdc), ALICE, 8000e6, seized, LIQUIDATOR, false);
        _liquidate(weth, usdc, ALICE, MAX);
        assertEq(_debt(usdc, ALICE, VARIABLE), 8000e6, "half the debt left");
        assertEq(_supplied(weth, ALICE), 10e18 - seized, "collateral left");
        assertEq(weth.balanceOf(LIQUIDATOR), seized, "liquidator got");
        assertEq(usdc.balanceOf(LIQUIDATOR), 1_000_000e18 - 8000e6, "liquidator paid");
        _assertLiquidityBooked();
    }

    function test_liquidation_wholeDebtBelow095() public {
        _aliceAtTheLimit();
        // WETH at $1,800: HF = 18,000 × 82.5% / 16,000 = 0.928125: the whole debt may go.
        pool.setAssetPrice(address(weth), 1800e8);
        _assertHealth(ALICE, 0.928125e18);
        uint256 seized = 9_333_333_333_333_333_333; // 16,000 × 1.05 / 1,800 WETH
        _fundLiquidator(usdc);
        vm.expectEmit(address(pool));
        emit IAaveV3Pool.LiquidationCall(address(weth), address(usdc), ALICE, 16_000e6, seized, LIQUIDATOR, false);
        _liquidate(weth, usdc, ALICE, 20_000e6);
        assertEq(_debt(usdc, ALICE, VARIABLE), 0, "debt gone");
        assertEq(_supplied(weth, ALICE), 10e18 - seized, "collateral left");
        _assertHealth(ALICE, MAX);
        _assertLiquidityBooked();
    }

    function test_liquidation_atExactly095TakesTheWholeDebt() public {
        // Aave's rule is "above 0.95, half": at 0.95 exactly, all. BOB: 1 WBTC, 21,000 USDC (his whole power).
        _supply(BOB, wbtc, 1e8);
        _borrow(BOB, usdc, 21_000e6, VARIABLE);
        // WBTC at $26,600: 26,600 × 75% / 21,000 = 0.95.
        pool.setAssetPrice(address(wbtc), 26_600e8);
        _assertHealth(BOB, 0.95e18);
        // 21,000 × 1.05 / 26,600 = 0.82894736 WBTC.
        _fundLiquidator(usdc);
        vm.expectEmit(address(pool));
        emit IAaveV3Pool.LiquidationCall(address(wbtc), address(usdc), BOB, 21_000e6, 82_894_736, LIQUIDATOR, false);
        _liquidate(wbtc, usdc, BOB, MAX);
        assertEq(_debt(usdc, BOB, VARIABLE), 0, "whole debt");
        assertEq(_supplied(wbtc, BOB), 1e8 - 82_894_736, "collateral left");
    }

    function test_liquidation_cappedByTheCollateral() public {
        _aliceAtTheLimit();
        // WETH at $1,500: the whole debt would take 16,000 × 1.05 / 1,500 = 11.2 WETH; ALICE has 10, so all 10 go
        // for 10 × 1,500 / 1.05 = 14,285.714285 USDC of debt.
        pool.setAssetPrice(address(weth), 1500e8);
        _fundLiquidator(usdc);
        vm.expectEmit(address(pool));
        emit IAaveV3Pool.LiquidationCall(address(weth), address(usdc), ALICE, 14_285_714_285, 10e18, LIQUIDATOR, false);
        _liquidate(weth, usdc, ALICE, MAX);
        assertEq(_supplied(weth, ALICE), 0, "all collateral");
        assertEq(_debt(usdc, ALICE, VARIABLE), 16_000e6 - 14_285_714_285, "debt left");
        assertEq(usdc.balanceOf(LIQUIDATOR), 1_000_000e18 - 14_285_714_285, "liquidator paid");
        _assertLiquidityBooked();
    }

    function test_liquidation_variableDebtFirst() public {
        _supply(ALICE, weth, 10e18);
        _borrow(ALICE, usdc, 10_000e6, STABLE);
        _borrow(ALICE, usdc, 6000e6, VARIABLE);
        pool.setAssetPrice(address(weth), 1800e8);
        _fundLiquidator(usdc);
        _liquidate(weth, usdc, ALICE, 8000e6);
        assertEq(_debt(usdc, ALICE, VARIABLE), 0, "variable first");
        assertEq(_debt(usdc, ALICE, STABLE), 8000e6, "then stable");
        _assertLiquidityBooked();
    }

    function test_liquidation_refusals() public {
        _aliceAtTheLimit();
        usdc.mint(LIQUIDATOR, 100_000e6);
        vm.startPrank(LIQUIDATOR);
        usdc.approve(address(pool), MAX);
        // Healthy (1.03125).
        vm.expectRevert(abi.encodeWithSelector(TestLendingPool.HealthFactorNotBelowOne.selector, 1.03125e18));
        pool.liquidationCall(address(weth), address(usdc), ALICE, 1000e6, false);
        // No debt at all: an infinite health factor.
        vm.expectRevert(abi.encodeWithSelector(TestLendingPool.HealthFactorNotBelowOne.selector, MAX));
        pool.liquidationCall(address(weth), address(usdc), BOB, 1000e6, false);
        vm.stopPrank();
        pool.setAssetPrice(address(weth), 1800e8);
        vm.startPrank(LIQUIDATOR);
        vm.expectRevert(TestLendingPool.ATokensUnsupported.selector);
        pool.liquidationCall(address(weth), address(usdc), ALICE, 1000e6, true);
        vm.expectRevert(TestLendingPool.ZeroAmount.selector);
        pool.liquidationCall(address(weth), address(usdc), ALICE, 0, false);
        // A collateral she does not hold, a borrow-only one, a debt she does not owe.
        vm.expectRevert(
            abi.encodeWithSelector(TestLendingPool.CollateralCannotBeLiquidated.selector, ALICE, address(wbtc))
        );
        pool.liquidationCall(address(wbtc), address(usdc), ALICE, 1000e6, false);
        vm.expectRevert(
            abi.encodeWithSelector(TestLendingPool.CollateralCannotBeLiquidated.selector, ALICE, address(usdc))
        );
        pool.liquidationCall(address(usdc), address(usdc), ALICE, 1000e6, false);
        vm.expectRevert(abi.encodeWithSelector(TestLendingPool.NoDebt.selector, ALICE, address(wbtc)));
        pool.liquidationCall(address(weth), address(wbtc), ALICE, 1000e6, false);
        vm.expectRevert(abi.encodeWithSelector(TestLendingPool.ReserveNotListed.selector, address(token)));
        pool.liquidationCall(address(token), address(usdc), ALICE, 1000e6, false);
        vm.expectRevert(abi.encodeWithSelector(TestLendingPool.ReserveNotListed.selector, address(token)));
        pool.liquidationCall(address(weth), address(token), ALICE, 1000e6, false);
        vm.stopPrank();
    }

    // =========================================================================================
    //                                     USER REFUSALS
    // =========================================================================================

    function test_unlistedAssetsRevert() public {
        address unknown = address(token);
        bytes memory err = abi.encodeWithSelector(TestLendingPool.ReserveNotListed.selector, unknown);
        vm.startPrank(ALICE);
        vm.expectRevert(err);
        pool.supply(unknown, 1, ALICE, 0);
        vm.expectRevert(err);
        pool.withdraw(unknown, 1, ALICE);
        vm.expectRevert(err);
        pool.borrow(unknown, 1, VARIABLE, 0, ALICE);
        vm.expectRevert(err);
        pool.repay(unknown, 1, VARIABLE, ALICE);
        vm.stopPrank();
        vm.expectRevert(err);
        pool.getAssetPrice(unknown);
        vm.expectRevert(err);
        pool.reserveOf(unknown);
        vm.expectRevert(err);
        pool.setAssetPrice(unknown, 1e8);
    }

    function test_badInterestRateModesRevert() public {
        _supply(ALICE, weth, 10e18);
        uint256[3] memory bad = [uint256(0), 3, MAX];
        vm.startPrank(ALICE);
        for (uint256 i; i < bad.length; ++i) {
            bytes memory err = abi.encodeWithSelector(TestLendingPool.InvalidInterestRateMode.selector, bad[i]);
            vm.expectRevert(err);
            pool.borrow(address(usdc), 1e6, bad[i], 0, ALICE);
            vm.expectRevert(err);
            pool.repay(address(usdc), 1e6, bad[i], ALICE);
        }
        vm.stopPrank();
    }

    function test_userRefusals() public {
        _supply(ALICE, weth, 10e18);
        vm.startPrank(ALICE);
        vm.expectRevert(TestLendingPool.ZeroAmount.selector);
        pool.supply(address(weth), 0, ALICE, 0);
        vm.expectRevert(TestLendingPool.ZeroAmount.selector);
        pool.borrow(address(usdc), 0, VARIABLE, 0, ALICE);
        vm.expectRevert(TestLendingPool.ZeroAmount.selector);
        pool.repay(address(usdc), 0, VARIABLE, ALICE);
        vm.expectRevert(TestLendingPool.ZeroAmount.selector);
        pool.withdraw(address(wbtc), MAX, ALICE); // no WBTC supplied: max is 0
        vm.expectRevert(abi.encodeWithSelector(TestLendingPool.InsufficientBalance.selector, 10e18 + 1, 10e18));
        pool.withdraw(address(weth), 10e18 + 1, ALICE);
        // No credit delegation.
        vm.expectRevert(abi.encodeWithSelector(TestLendingPool.CreditDelegationUnsupported.selector, BOB));
        pool.borrow(address(usdc), 1e6, VARIABLE, 0, BOB);
        // The pool lends what it holds, no more.
        vm.expectRevert(
            abi.encodeWithSelector(TestLendingPool.InsufficientLiquidity.selector, address(wbtc), 11e8, 10e8)
        );
        pool.borrow(address(wbtc), 11e8, VARIABLE, 0, ALICE);
        vm.expectRevert(abi.encodeWithSelector(TestLendingPool.NoDebt.selector, ALICE, address(usdc)));
        pool.repay(address(usdc), 1e6, VARIABLE, ALICE);
        vm.stopPrank();
        // Supplied funds that are lent out cannot be withdrawn.
        _borrow(ALICE, wbtc, 0.5e8, VARIABLE);
        vm.prank(SUPPLIER);
        vm.expectRevert(
            abi.encodeWithSelector(TestLendingPool.InsufficientLiquidity.selector, address(wbtc), 10e8, 9.5e8)
        );
        pool.withdraw(address(wbtc), MAX, SUPPLIER);
    }

    // =========================================================================================
    //                                        GOVERNANCE
    // =========================================================================================

    function test_listReserve_andSetAssetPriceEmit() public {
        DecimalsToken dai = new DecimalsToken("Dai", "DAI", 18);
        vm.expectEmit(address(pool));
        emit TestLendingPool.ReserveListed(address(dai), 18, 7500, 8000, 1e8);
        pool.listReserve(address(dai), 7500, 8000, 1e8);
        vm.expectEmit(address(pool));
        emit TestLendingPool.AssetPriceSet(address(dai), 0.99e8);
        pool.setAssetPrice(address(dai), 0.99e8);
        assertEq(pool.getAssetPrice(address(dai)), 0.99e8, "price");
        TestLendingPool.Reserve memory r = pool.reserveOf(address(dai));
        assertEq(r.decimals, 18, "decimals");
        assertEq(r.ltv, 7500, "ltv");
        assertEq(r.liquidationThreshold, 8000, "threshold");
        address[] memory all = pool.reserves();
        assertEq(all.length, 4, "reserves");
        assertEq(all[3], address(dai), "listing order");
        // A threshold of 10,000 with an equal LTV is allowed.
        pool.listReserve(address(new DecimalsToken("Max", "MAX", 36)), 10_000, 10_000, 1);
    }

    function test_configureReserveAsCollateral_revaluesPositionsAndEmits() public {
        _aliceAtTheLimit();
        // The same position, counted at 1 bps: liquidatable without a price move.
        vm.expectEmit(address(pool));
        emit TestLendingPool.ReserveConfigured(address(weth), 1, 1);
        pool.configureReserveAsCollateral(address(weth), 1, 1);
        TestLendingPool.Reserve memory r = pool.reserveOf(address(weth));
        assertEq(r.ltv, 1, "ltv");
        assertEq(r.liquidationThreshold, 1, "threshold");
        (,,,, uint256 ltv, uint256 hf) = pool.getUserAccountData(ALICE);
        assertEq(ltv, 1, "account ltv");
        assertLt(hf, 0.95e18, "liquidatable");
        vm.expectRevert(abi.encodeWithSelector(TestLendingPool.InvalidRiskParameters.selector, 2, 1));
        pool.configureReserveAsCollateral(address(weth), 2, 1);
        vm.expectRevert(abi.encodeWithSelector(TestLendingPool.ReserveNotListed.selector, STRANGER));
        pool.configureReserveAsCollateral(STRANGER, 1, 1);
    }

    function test_listReserve_refusals() public {
        DecimalsToken fresh = new DecimalsToken("Fresh", "FR", 18);
        vm.expectRevert(abi.encodeWithSelector(TestLendingPool.ReserveAlreadyListed.selector, address(weth)));
        pool.listReserve(address(weth), 8000, 8250, 2000e8);
        vm.expectRevert(abi.encodeWithSelector(TestLendingPool.AssetNotContract.selector, STRANGER));
        pool.listReserve(STRANGER, 8000, 8250, 2000e8);
        vm.expectRevert(abi.encodeWithSelector(TestLendingPool.InvalidRiskParameters.selector, 8300, 8250));
        pool.listReserve(address(fresh), 8300, 8250, 1e8);
        vm.expectRevert(abi.encodeWithSelector(TestLendingPool.InvalidRiskParameters.selector, 8000, 10_001));
        pool.listReserve(address(fresh), 8000, 10_001, 1e8);
        // Borrow-only means LTV 0 too.
        vm.expectRevert(abi.encodeWithSelector(TestLendingPool.InvalidRiskParameters.selector, 1, 0));
        pool.listReserve(address(fresh), 1, 0, 1e8);
        vm.expectRevert(abi.encodeWithSelector(TestLendingPool.ZeroPrice.selector, address(fresh)));
        pool.listReserve(address(fresh), 8000, 8250, 0);
        DecimalsToken tooFine = new DecimalsToken("Fine", "FN", 37);
        vm.expectRevert(abi.encodeWithSelector(TestLendingPool.UnsupportedDecimals.selector, address(tooFine), 37));
        pool.listReserve(address(tooFine), 8000, 8250, 1e8);
        vm.expectRevert(abi.encodeWithSelector(TestLendingPool.ZeroPrice.selector, address(weth)));
        pool.setAssetPrice(address(weth), 0);
    }

    function test_adminFunctionsAreOwnerOnly() public {
        DecimalsToken fresh = new DecimalsToken("Fresh", "FR", 18);
        bytes memory err = abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, STRANGER);
        vm.startPrank(STRANGER);
        vm.expectRevert(err);
        pool.listReserve(address(fresh), 8000, 8250, 1e8);
        vm.expectRevert(err);
        pool.setAssetPrice(address(weth), 1e8);
        vm.expectRevert(err);
        pool.configureReserveAsCollateral(address(weth), 1, 1);
        vm.stopPrank();
        assertEq(pool.getAssetPrice(address(weth)), 2000e8, "price unchanged");
    }
}
