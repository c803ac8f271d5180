// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

/// @title IAaveV3Pool
/// @notice The subset of Aave V3's `IPool` that Aave-compatible readers use (issue 8's DeFi behaviour score): the five
///         lending events, byte for byte (names, argument types and indexed flags, so every topic0 is the real
///         pool's), the five user entry points and `getUserAccountData`, with their Aave V3 selectors.
interface IAaveV3Pool {
    /// @notice Aave V3's interest rate modes; `NONE` is never valid for a borrow or a repayment. An enum is a
    ///         uint8 in signatures: `Borrow(address,address,address,uint256,uint8,uint256,uint16)`.
    enum InterestRateMode {
        NONE,
        STABLE,
        VARIABLE
    }

    /// @notice `user` supplied `amount` of `reserve`, credited to `onBehalfOf`.
    event Supply(
        address indexed reserve, address user, address indexed onBehalfOf, uint256 amount, uint16 indexed referralCode
    );

    /// @notice `user` withdrew `amount` of `reserve`, sent to `to`.
    event Withdraw(address indexed reserve, address indexed user, address indexed to, uint256 amount);

    /// @notice `user` borrowed `amount` of `reserve` in `interestRateMode`, the debt owed by `onBehalfOf`.
    event Borrow(
        address indexed reserve,
        address user,
        address indexed onBehalfOf,
        uint256 amount,
        InterestRateMode interestRateMode,
        uint256 borrowRate,
        uint16 indexed referralCode
    );

    /// @notice `repayer` repaid `amount` of `user`'s debt in `reserve`.
    event Repay(
        address indexed reserve, address indexed user, address indexed repayer, uint256 amount, bool useATokens
    );

    /// @notice `liquidator` covered `debtToCover` of `user`'s `debtAsset` debt and took `liquidatedCollateralAmount`
    ///         of `collateralAsset`.
    event LiquidationCall(
        address indexed collateralAsset,
        address indexed debtAsset,
        address indexed user,
        uint256 debtToCover,
        uint256 liquidatedCollateralAmount,
        address liquidator,
        bool receiveAToken
    );

    /// @notice Pulls `amount` of `asset` from the caller and credits it to `onBehalfOf`.
    function supply(address asset, uint256 amount, address onBehalfOf, uint16 referralCode) external;

    /// @notice Sends `amount` of the caller's supplied `asset` to `to` (`type(uint256).max`: all of it); refused if
    ///         it would leave the caller, with debt, at a health factor below 1.
    /// @return The amount withdrawn.
    function withdraw(address asset, uint256 amount, address to) external returns (uint256);

    /// @notice Borrows `amount` of `asset` at `interestRateMode` (1 stable, 2 variable) against the caller's
    ///         collateral; the debt is `onBehalfOf`'s.
    function borrow(address asset, uint256 amount, uint256 interestRateMode, uint16 referralCode, address onBehalfOf)
        external;

    /// @notice Repays up to `amount` (`type(uint256).max`: all) of `onBehalfOf`'s `asset` debt in `interestRateMode`,
    ///         paid by the caller.
    /// @return The amount repaid.
    function repay(address asset, uint256 amount, uint256 interestRateMode, address onBehalfOf)
        external
        returns (uint256);

    /// @notice Covers up to `debtToCover` of an unhealthy `user`'s `debtAsset` debt and takes the same value of
    ///         their `collateralAsset` plus the liquidation bonus.
    function liquidationCall(
        address collateralAsset,
        address debtAsset,
        address user,
        uint256 debtToCover,
        bool receiveAToken
    ) external;

    /// @notice `user`'s position in the base currency (8 decimals): collateral, debt and what may still be
    ///         borrowed; the collateral-weighted liquidation threshold and LTV in basis points; the health factor
    ///         (1e18 scale, `type(uint256).max` without debt).
    function getUserAccountData(address user)
        external
        view
        returns (
            uint256 totalCollateralBase,
            uint256 totalDebtBase,
            uint256 availableBorrowsBase,
            uint256 currentLiquidationThreshold,
            uint256 ltv,
            uint256 healthFactor
        );
}

/// @title TestLendingPool
/// @notice An Aave-V3-shaped lending pool for tests and the embedded chain only: never deploy it with real assets.
///         Same events, selectors and `getUserAccountData` arithmetic as Aave V3, so Aave readers work against it,
///         but no interest accrues (debts and balances stay as lent), there are no aTokens or debt tokens (balances
///         live in this contract; `receiveAToken` is refused), no credit delegation, no caps, e-modes, isolation,
///         flash loans, fees or protocol share of the bonus, and every reserve is borrowable. The pool is its own
///         price oracle (`getAssetPrice`, base currency with 8 decimals) and the owner sets the prices.
/// @dev Rounding: every division floors, where Aave's `percentMul`/`wadDiv`/`percentDiv` round half up (at most one
///      unit of the last digit apart). Liquidity is tracked per reserve (supplied and repaid in, borrowed and
///      withdrawn out), so tokens sent to the pool directly are not lent. Tokens are taken to be plain ERC-20s (no
///      fee on transfer). Every entry point that moves tokens is nonReentrant and transfers last.
contract TestLendingPool is IAaveV3Pool, Ownable, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice A listed reserve: risk parameters in basis points, the token's decimals, the owner-set price and the
    ///         tokens the pool holds for it.
    struct Reserve {
        bool listed;
        uint8 decimals;
        uint16 ltv;
        uint16 liquidationThreshold;
        uint256 price;
        uint256 liquidity;
    }

    /// @notice One user's position in one reserve, in the reserve's token units (no interest: these never grow).
    struct Position {
        uint256 supplied;
        uint256 stableDebt;
        uint256 variableDebt;
    }

    /// @notice `getUserAccountData` before it is returned.
    struct AccountData {
        uint256 totalCollateral;
        uint256 totalDebt;
        uint256 ltv;
        uint256 liquidationThreshold;
        uint256 healthFactor;
    }

    /// @notice The asset is not a listed reserve.
    error ReserveNotListed(address asset);
    /// @notice The asset is listed already.
    error ReserveAlreadyListed(address asset);
    /// @notice A reserve must be a contract.
    error AssetNotContract(address asset);
    /// @notice Decimals above 36 are refused (the value arithmetic would overflow sooner).
    error UnsupportedDecimals(address asset, uint8 decimals);
    /// @notice LTV at most the liquidation threshold, which is at most 10,000 bps (0 makes a borrow-only reserve).
    error InvalidRiskParameters(uint16 ltvBps, uint16 liquidationThresholdBps);
    /// @notice Prices are positive.
    error ZeroPrice(address asset);
    /// @notice At most `MAX_RESERVES` reserves (Aave's limit too).
    error TooManyReserves();
    /// @notice Amounts are positive.
    error ZeroAmount();
    /// @notice Only modes 1 (stable) and 2 (variable) exist.
    error InvalidInterestRateMode(uint256 interestRateMode);
    /// @notice Debt is only taken for oneself (no credit delegation).
    error CreditDelegationUnsupported(address onBehalfOf);
    /// @notice The debt after the borrow, in the base currency, would exceed collateral × LTV.
    error BorrowExceedsCapacity(uint256 totalDebtBase, uint256 borrowingPowerBase);
    /// @notice The withdrawal would leave the user with debt at this health factor, below 1e18.
    error HealthFactorBelowOne(uint256 healthFactor);
    /// @notice The withdrawal exceeds the caller's supplied balance.
    error InsufficientBalance(uint256 requested, uint256 available);
    /// @notice The pool holds too little of the reserve for this transfer.
    error InsufficientLiquidity(address asset, uint256 requested, uint256 available);
    /// @notice The user owes nothing of this asset in this mode.
    error NoDebt(address user, address asset);
    /// @notice As Aave: repaying for another account takes an explicit amount, not `type(uint256).max`.
    error ExplicitAmountRequiredOnBehalf();
    /// @notice The user's health factor is at or above 1e18: nothing to liquidate.
    error HealthFactorNotBelowOne(uint256 healthFactor);
    /// @notice The collateral asset is borrow-only or the user has none of it.
    error CollateralCannotBeLiquidated(address user, address collateralAsset);
    /// @notice Liquidators receive the underlying collateral; aTokens do not exist here.
    error ATokensUnsupported();

    /// @notice The owner listed `asset` with these risk parameters and price.
    event ReserveListed(
        address indexed asset, uint8 decimals, uint16 ltvBps, uint16 liquidationThresholdBps, uint256 priceBase
    );
    /// @notice The owner set `asset`'s price (base currency, 8 decimals).
    event AssetPriceSet(address indexed asset, uint256 priceBase);
    /// @notice The owner changed `asset`'s risk parameters.
    event ReserveConfigured(address indexed asset, uint16 ltvBps, uint16 liquidationThresholdBps);

    /// Basis points in one.
    uint256 internal constant PERCENTAGE_FACTOR = 1e4;
    /// The health factor below which a position may be liquidated (1, a wad).
    uint256 internal constant HEALTH_FACTOR_LIQUIDATION_THRESHOLD = 1e18;
    /// Above this health factor at most half the debt is liquidated at once, at or below it all (Aave V3.0).
    uint256 internal constant CLOSE_FACTOR_HF_THRESHOLD = 0.95e18;
    uint256 internal constant DEFAULT_LIQUIDATION_CLOSE_FACTOR = 5000;
    uint256 internal constant MAX_LIQUIDATION_CLOSE_FACTOR = 10000;
    /// The liquidator takes collateral worth 105% of the debt covered.
    uint256 internal constant LIQUIDATION_BONUS = 10500;
    uint256 internal constant MAX_RESERVES = 128;
    uint8 internal constant MAX_DECIMALS = 36;

    mapping(address asset => Reserve) private _reserves;
    address[] private _reserveList;
    mapping(address asset => mapping(address user => Position)) private _positions;

    constructor(address initialOwner) Ownable(initialOwner) {}

    // =========================================================================================
    //                                        GOVERNANCE
    // =========================================================================================

    /// @notice Lists `asset` (owner only) with LTV and liquidation threshold in basis points (`ltvBps` ≤
    ///         `liquidationThresholdBps` ≤ 10,000; a threshold of 0, with LTV 0, makes it borrow-only: supplied
    ///         balances are not collateral) and its price in the base currency (8 decimals). Reads `decimals()`.
    function listReserve(address asset, uint16 ltvBps, uint16 liquidationThresholdBps, uint256 priceBase)
        external
        onlyOwner
    {
        if (_reserves[asset].listed) revert ReserveAlreadyListed(asset);
        if (asset.code.length == 0) revert AssetNotContract(asset);
        if (ltvBps > liquidationThresholdBps || liquidationThresholdBps > PERCENTAGE_FACTOR) {
            revert InvalidRiskParameters(ltvBps, liquidationThresholdBps);
        }
        if (priceBase == 0) revert ZeroPrice(asset);
        if (_reserveList.length == MAX_RESERVES) revert TooManyReserves();
        // A view call before the writes: the owner lists tokens it trusts, and nothing is stored yet.
        uint8 decimals = IERC20Metadata(asset).decimals();
        if (decimals > MAX_DECIMALS) revert UnsupportedDecimals(asset, decimals);
        _reserves[asset] = Reserve({
            listed: true,
            decimals: decimals,
            ltv: ltvBps,
            liquidationThreshold: liquidationThresholdBps,
            price: priceBase,
            liquidity: 0
        });
        _reserveList.push(asset);
        emit ReserveListed(asset, decimals, ltvBps, liquidationThresholdBps, priceBase);
    }

    /// @notice Changes a listed reserve's LTV and liquidation threshold (owner only; the same bounds as listing), as
    ///         Aave's `PoolConfigurator.configureReserveAsCollateral` does: positions are revalued at once, which is how
    ///         a test makes a position liquidatable without moving a price.
    function configureReserveAsCollateral(address asset, uint16 ltvBps, uint16 liquidationThresholdBps)
        external
        onlyOwner
    {
        Reserve storage reserve = _listed(asset);
        if (ltvBps > liquidationThresholdBps || liquidationThresholdBps > PERCENTAGE_FACTOR) {
            revert InvalidRiskParameters(ltvBps, liquidationThresholdBps);
        }
        reserve.ltv = ltvBps;
        reserve.liquidationThreshold = liquidationThresholdBps;
        emit ReserveConfigured(asset, ltvBps, liquidationThresholdBps);
    }

    /// @notice Sets `asset`'s price in the base currency, 8 decimals (owner only).
    function setAssetPrice(address asset, uint256 priceBase) external onlyOwner {
        Reserve storage reserve = _listed(asset);
        if (priceBase == 0) revert ZeroPrice(asset);
        reserve.price = priceBase;
        emit AssetPriceSet(asset, priceBase);
    }

    // =========================================================================================
    //                                      SUPPLY AND WITHDRAW
    // =========================================================================================

    /// @inheritdoc IAaveV3Pool
    function supply(address asset, uint256 amount, address onBehalfOf, uint16 referralCode) external nonReentrant {
        Reserve storage reserve = _listed(asset);
        if (amount == 0) revert ZeroAmount();
        _positions[asset][onBehalfOf].supplied += amount;
        reserve.liquidity += amount;
        emit Supply(asset, msg.sender, onBehalfOf, amount, referralCode);
        IERC20(asset).safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IAaveV3Pool
    function withdraw(address asset, uint256 amount, address to) external nonReentrant returns (uint256) {
        Reserve storage reserve = _listed(asset);
        Position storage position = _positions[asset][msg.sender];
        uint256 balance = position.supplied;
        if (amount == type(uint256).max) amount = balance;
        if (amount == 0) revert ZeroAmount();
        if (amount > balance) revert InsufficientBalance(amount, balance);
        _takeLiquidity(asset, reserve, amount);
        position.supplied = balance - amount;
        // As Aave: only collateral that counts can lower the health factor.
        if (reserve.liquidationThreshold != 0) {
            AccountData memory data = _accountData(msg.sender);
            if (data.totalDebt != 0 && data.healthFactor < HEALTH_FACTOR_LIQUIDATION_THRESHOLD) {
                revert HealthFactorBelowOne(data.healthFactor);
            }
        }
        emit Withdraw(asset, msg.sender, to, amount);
        IERC20(asset).safeTransfer(to, amount);
        return amount;
    }

    // =========================================================================================
    //                                      BORROW AND REPAY
    // =========================================================================================

    /// @inheritdoc IAaveV3Pool
    /// @dev The borrow rate in the event is 0: no interest accrues here.
    function borrow(address asset, uint256 amount, uint256 interestRateMode, uint16 referralCode, address onBehalfOf)
        external
        nonReentrant
    {
        Reserve storage reserve = _listed(asset);
        InterestRateMode mode = _mode(interestRateMode);
        if (amount == 0) revert ZeroAmount();
        if (onBehalfOf != msg.sender) revert CreditDelegationUnsupported(onBehalfOf);
        _takeLiquidity(asset, reserve, amount);
        Position storage position = _positions[asset][msg.sender];
        if (mode == InterestRateMode.STABLE) position.stableDebt += amount;
        else position.variableDebt += amount;
        // Checked on the state after the borrow, so the limit is exactly what getUserAccountData will report. Debt
        // within collateral × LTV also keeps the health factor at or above 1 (LTV ≤ liquidation threshold).
        AccountData memory data = _accountData(msg.sender);
        uint256 borrowingPower = data.totalCollateral * data.ltv / PERCENTAGE_FACTOR;
        // As Aave, some collateral is required even for a borrow too small to have a value in the base currency.
        if (data.totalCollateral == 0 || data.totalDebt > borrowingPower) {
            revert BorrowExceedsCapacity(data.totalDebt, borrowingPower);
        }
        emit Borrow(asset, msg.sender, onBehalfOf, amount, mode, 0, referralCode);
        IERC20(asset).safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IAaveV3Pool
    function repay(address asset, uint256 amount, uint256 interestRateMode, address onBehalfOf)
        external
        nonReentrant
        returns (uint256)
    {
        Reserve storage reserve = _listed(asset);
        InterestRateMode mode = _mode(interestRateMode);
        if (amount == 0) revert ZeroAmount();
        if (amount == type(uint256).max && onBehalfOf != msg.sender) revert ExplicitAmountRequiredOnBehalf();
        Position storage position = _positions[asset][onBehalfOf];
        uint256 debt = mode == InterestRateMode.STABLE ? position.stableDebt : position.variableDebt;
        if (debt == 0) revert NoDebt(onBehalfOf, asset);
        uint256 paid = Math.min(amount, debt);
        if (mode == InterestRateMode.STABLE) position.stableDebt = debt - paid;
        else position.variableDebt = debt - paid;
        reserve.liquidity += paid;
        emit Repay(asset, onBehalfOf, msg.sender, paid, false);
        IERC20(asset).safeTransferFrom(msg.sender, address(this), paid);
        return paid;
    }

    // =========================================================================================
    //                                        LIQUIDATION
    // =========================================================================================

    /// @inheritdoc IAaveV3Pool
    /// @dev As Aave V3.0: the close factor is 50% of the user's debt in `debtAsset` above a health factor of 0.95
    ///      and 100% at or below it; variable debt is covered before stable; the collateral taken is the covered
    ///      debt's value plus the 5% bonus, and when that exceeds the user's balance all of it is taken and the
    ///      debt covered shrinks to match.
    function liquidationCall(
        address collateralAsset,
        address debtAsset,
        address user,
        uint256 debtToCover,
        bool receiveAToken
    ) external nonReentrant {
        Reserve storage collateral = _listed(collateralAsset);
        Reserve storage debtReserve = _listed(debtAsset);
        if (receiveAToken) revert ATokensUnsupported();
        if (debtToCover == 0) revert ZeroAmount();
        uint256 healthFactor = _accountData(user).healthFactor;
        if (healthFactor >= HEALTH_FACTOR_LIQUIDATION_THRESHOLD) revert HealthFactorNotBelowOne(healthFactor);
        Position storage debtPosition = _positions[debtAsset][user];
        Position storage collateralPosition = _positions[collateralAsset][user];
        uint256 collateralBalance = collateralPosition.supplied;
        if (collateral.liquidationThreshold == 0 || collateralBalance == 0) {
            revert CollateralCannotBeLiquidated(user, collateralAsset);
        }
        uint256 userDebt = debtPosition.variableDebt + debtPosition.stableDebt;
        if (userDebt == 0) revert NoDebt(user, debtAsset);

        uint256 closeFactor =
            healthFactor > CLOSE_FACTOR_HF_THRESHOLD ? DEFAULT_LIQUIDATION_CLOSE_FACTOR : MAX_LIQUIDATION_CLOSE_FACTOR;
        uint256 debtCovered = Math.min(debtToCover, userDebt * closeFactor / PERCENTAGE_FACTOR);
        (uint256 seized, uint256 debtNeeded) =
            _collateralToSeize(collateral, debtReserve, debtCovered, collateralBalance);
        debtCovered = debtNeeded;

        // Variable debt first, then stable.
        uint256 variableDebt = debtPosition.variableDebt;
        if (variableDebt >= debtCovered) {
            debtPosition.variableDebt = variableDebt - debtCovered;
        } else {
            debtPosition.variableDebt = 0;
            debtPosition.stableDebt -= debtCovered - variableDebt;
        }
        collateralPosition.supplied = collateralBalance - seized;
        // Debt in before collateral out: with the same asset on both sides the payment is liquidity too.
        debtReserve.liquidity += debtCovered;
        _takeLiquidity(collateralAsset, collateral, seized);
        emit LiquidationCall(collateralAsset, debtAsset, user, debtCovered, seized, msg.sender, false);
        IERC20(debtAsset).safeTransferFrom(msg.sender, address(this), debtCovered);
        IERC20(collateralAsset).safeTransfer(msg.sender, seized);
    }

    // =========================================================================================
    //                                          VIEWS
    // =========================================================================================

    /// @inheritdoc IAaveV3Pool
    /// @dev As Aave V3's `GenericLogic.calculateUserAccountData`: each balance is valued at amount × price /
    ///      10^decimals (floored); only reserves with a liquidation threshold count as collateral; LTV and threshold
    ///      are the collateral-value-weighted averages (floored, 0 without collateral); the health factor is
    ///      (collateral × threshold / 10,000) × 1e18 / debt, `type(uint256).max` without debt; available borrows are
    ///      collateral × LTV / 10,000 − debt, at least 0. Stable and variable debt both count.
    function getUserAccountData(address user)
        external
        view
        returns (
            uint256 totalCollateralBase,
            uint256 totalDebtBase,
            uint256 availableBorrowsBase,
            uint256 currentLiquidationThreshold,
            uint256 ltv,
            uint256 healthFactor
        )
    {
        AccountData memory data = _accountData(user);
        uint256 borrowingPower = data.totalCollateral * data.ltv / PERCENTAGE_FACTOR;
        availableBorrowsBase = borrowingPower > data.totalDebt ? borrowingPower - data.totalDebt : 0;
        return (
            data.totalCollateral,
            data.totalDebt,
            availableBorrowsBase,
            data.liquidationThreshold,
            data.ltv,
            data.healthFactor
        );
    }

    /// @notice The price of `asset` in the base currency (8 decimals), as Aave's oracle `getAssetPrice`; reverts
    ///         for an unlisted asset.
    function getAssetPrice(address asset) external view returns (uint256) {
        return _listed(asset).price;
    }

    /// @notice The listed reserves, in listing order.
    function reserves() external view returns (address[] memory) {
        return _reserveList;
    }

    /// @notice `asset`'s reserve (reverts for an unlisted asset).
    function reserveOf(address asset) external view returns (Reserve memory) {
        return _listed(asset);
    }

    /// @notice `user`'s supplied balance and debts in `asset` (all zero for an unlisted asset).
    function positionOf(address asset, address user) external view returns (Position memory) {
        return _positions[asset][user];
    }

    // =========================================================================================
    //                                         INTERNALS
    // =========================================================================================

    function _listed(address asset) private view returns (Reserve storage reserve) {
        reserve = _reserves[asset];
        if (!reserve.listed) revert ReserveNotListed(asset);
    }

    function _mode(uint256 interestRateMode) private pure returns (InterestRateMode) {
        if (interestRateMode == uint256(InterestRateMode.STABLE)) return InterestRateMode.STABLE;
        if (interestRateMode == uint256(InterestRateMode.VARIABLE)) return InterestRateMode.VARIABLE;
        revert InvalidInterestRateMode(interestRateMode);
    }

    /// Takes `amount` out of `reserve`'s liquidity (the transfer itself comes last, in the caller).
    function _takeLiquidity(address asset, Reserve storage reserve, uint256 amount) private {
        uint256 liquidity = reserve.liquidity;
        if (amount > liquidity) revert InsufficientLiquidity(asset, amount, liquidity);
        reserve.liquidity = liquidity - amount;
    }

    /// The collateral worth `debtToCover` plus the bonus, and the debt it pays; when the user holds less collateral
    /// than that, all of it and the (smaller) debt it is worth. Both floor (mulDiv: no intermediate overflow).
    function _collateralToSeize(
        Reserve storage collateral,
        Reserve storage debtReserve,
        uint256 debtToCover,
        uint256 collateralBalance
    ) private view returns (uint256 seized, uint256 debtNeeded) {
        uint256 collateralUnit = 10 ** collateral.decimals;
        uint256 debtUnit = 10 ** debtReserve.decimals;
        seized = Math.mulDiv(
            debtToCover,
            debtReserve.price * collateralUnit * LIQUIDATION_BONUS,
            collateral.price * debtUnit * PERCENTAGE_FACTOR
        );
        if (seized <= collateralBalance) return (seized, debtToCover);
        seized = collateralBalance;
        debtNeeded = Math.mulDiv(
            collateralBalance,
            collateral.price * debtUnit * PERCENTAGE_FACTOR,
            debtReserve.price * collateralUnit * LIQUIDATION_BONUS
        );
    }

    function _accountData(address user) private view returns (AccountData memory data) {
        uint256 weightedLtv;
        uint256 weightedThreshold;
        uint256 count = _reserveList.length;
        for (uint256 i; i < count; ++i) {
            address asset = _reserveList[i];
            Reserve storage reserve = _reserves[asset];
            Position storage position = _positions[asset][user];
            uint256 unit = 10 ** reserve.decimals;
            uint256 supplied = position.supplied;
            if (reserve.liquidationThreshold != 0 && supplied != 0) {
                uint256 value = supplied * reserve.price / unit;
                data.totalCollateral += value;
                weightedLtv += value * reserve.ltv;
                weightedThreshold += value * reserve.liquidationThreshold;
            }
            uint256 debt = position.stableDebt + position.variableDebt;
            if (debt != 0) data.totalDebt += debt * reserve.price / unit;
        }
        if (data.totalCollateral != 0) {
            data.ltv = weightedLtv / data.totalCollateral;
            data.liquidationThreshold = weightedThreshold / data.totalCollateral;
        }
        data.healthFactor = data.totalDebt == 0
            ? type(uint256).max
            : data.totalCollateral * data.liquidationThreshold / PERCENTAGE_FACTOR * 1e18 / data.totalDebt;
    }
}
