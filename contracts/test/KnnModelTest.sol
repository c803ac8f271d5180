// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {KnnModel} from "../src/knn/KnnModel.sol";
import {Errors} from "../src/libraries/Errors.sol";
import {Events} from "../src/libraries/Events.sol";
import {NaiveKnn} from "../src/mocks/NaiveKnn.sol";
import {BaseTest} from "./utils/BaseTest.sol";

/// @notice KnnModel: the packed scan gives exactly the brute-force answer (any k, duration, set sizes,
///         buffer), ties and zero distances included; upload, publish, append, seal and rotate keep the
///         sets right; only the owner governs and only the operator appends.
contract KnnModelTest is BaseTest {
    KnnModel internal model;
    address internal immutable OPERATOR = _actor("operator");

    function setUp() public override {
        super.setUp();
        model = new KnnModel(address(this), OPERATOR);
    }

    // ---- fixtures ----

    /// A pseudo-random packed point; `spread` < 16 clusters coordinates so ties and duplicates happen.
    function _point(uint256 seed, uint256 spread) internal pure returns (uint256 p) {
        uint256 r = uint256(keccak256(abi.encode(seed)));
        for (uint256 i; i < 5; ++i) p |= ((r >> (16 * i)) & ((1 << spread) - 1)) << (16 * i);
        p |= (uint256(keccak256(abi.encode(seed, "label"))) & ((1 << 120) - 1)) << 80;
    }

    function _points(uint256 seed, uint256 n, uint256 spread) internal pure returns (uint256[] memory ps) {
        ps = new uint256[](n);
        for (uint256 i; i < n; ++i) ps[i] = _point(uint256(keccak256(abi.encode(seed, i))), spread);
    }

    function _query(uint256 seed, uint256 spread) internal pure returns (uint256[5] memory q) {
        uint256 r = uint256(keccak256(abi.encode(seed, "query")));
        for (uint256 i; i < 5; ++i) q[i] = (r >> (16 * i)) & ((1 << spread) - 1);
    }

    function _upload(uint256[] memory ps, uint256 chunkSize, uint256 k) internal {
        for (uint256 start; start < ps.length; start += chunkSize) {
            uint256 end = Math.min(start + chunkSize, ps.length);
            uint256[] memory chunk = new uint256[](end - start);
            for (uint256 i = start; i < end; ++i) chunk[i - start] = ps[i];
            model.stageChunk(chunk);
        }
        model.publish(k);
    }

    // ---- brute-force reference ----

    /// Every point's key, sorted; the first k are the winners; weighted as documented in KnnScan.
    function _referenceWad(uint256[] memory ps, uint256[5] memory q, uint256 k, uint256 duration)
        internal
        pure
        returns (uint256)
    {
        uint256[] memory keys = new uint256[](ps.length);
        for (uint256 i; i < ps.length; ++i) {
            uint256 d;
            for (uint256 j; j < 5; ++j) {
                uint256 c = (ps[i] >> (16 * j)) & 0xffff;
                d += c > q[j] ? (c - q[j]) ** 2 : (q[j] - c) ** 2;
            }
            keys[i] = d << 120 | (ps[i] >> 80);
        }
        for (uint256 i = 1; i < keys.length; ++i) {
            for (uint256 j = i; j > 0 && keys[j - 1] > keys[j]; --j) (keys[j - 1], keys[j]) = (keys[j], keys[j - 1]);
        }
        uint256 m = Math.min(k, keys.length);
        bool exact = keys[0] >> 120 == 0;
        // Window and interpolation, written out by days.
        uint256 days_ = duration / 1 days;
        uint256 window = duration <= 1 days ? 0 : duration >= 16384 days ? 14 : Math.log2(days_);
        uint256 den = duration <= 1 days || duration >= 16384 days ? 1 : (1 days << window);
        uint256 num = den == 1 ? 0 : duration - den;
        uint256 weighted;
        uint256 weights;
        for (uint256 i; i < m; ++i) {
            uint256 d = keys[i] >> 120;
            if (exact && d != 0) break;
            uint256 low = (keys[i] >> (8 * window)) & 0xff;
            uint256 high = num == 0 ? 0 : (keys[i] >> (8 * (window + 1))) & 0xff;
            uint256 w = exact ? 1 : (1 << 128) / Math.sqrt(d << 32);
            weighted += w * (low * (den - num) + high * num);
            weights += w;
        }
        return Math.mulDiv(weighted, 1e18, weights * 255 * den);
    }

    function _referenceScore(
        uint256[] memory olds,
        uint256[] memory news,
        uint256[5] memory q,
        uint256 k,
        uint256 duration
    ) internal pure returns (uint256) {
        uint256 wadOld = olds.length == 0 ? 0 : _referenceWad(olds, q, k, duration);
        uint256 wadNew = news.length == 0 ? 0 : _referenceWad(news, q, k, duration);
        return (wadOld * olds.length + wadNew * news.length) * 1000 / ((olds.length + news.length) * 1e18);
    }

    // ---- the answer ----

    function testFuzz_score_matchesBruteForce(uint256 seed, uint256 n, uint256 k, uint256 duration, bool clustered)
        public
    {
        n = bound(n, 1, 300);
        k = bound(k, 1, 32);
        duration = bound(duration, 0, 20_000 days);
        uint256 spread = clustered ? 3 : 16;
        uint256[] memory ps = _points(seed, n, spread);
        _upload(ps, 1 + n % 128, k);
        uint256[5] memory q = _query(seed, spread);
        (uint256 score, bool found) = model.score(q, duration);
        assertTrue(found, "found");
        assertEq(score, _referenceScore(ps, new uint256[](0), q, k, duration), "score");
        assertLe(score, 1000, "in range");
    }

    function testFuzz_score_bothSetsAndBuffer(uint256 seed, uint256 nOld, uint256 nNew, uint256 k) public {
        nOld = bound(nOld, 1, 150);
        nNew = bound(nNew, 1, 100);
        k = bound(k, 1, 16);
        uint256[] memory olds = _points(seed, nOld, 4);
        uint256[] memory news = _points(uint256(keccak256(abi.encode(seed))), nNew, 4);
        _upload(olds, 64, k);
        vm.startPrank(OPERATOR);
        for (uint256 i; i < nNew; ++i) model.append(news[i]);
        vm.stopPrank();
        assertEq(model.size(KnnModel.Set.New), nNew, "new set size");
        assertEq(model.buffered().length, nNew % model.BUFFER_CAPACITY(), "buffer");
        uint256[5] memory q = _query(seed, 4);
        (uint256 score,) = model.score(q, 90 days);
        assertEq(score, _referenceScore(olds, news, q, k, 90 days), "score");
    }

    function test_score_exactMatchesCountAlone() public {
        // Two points at the query, labels all-255 and all-0, and a far point: the answer is their mean.
        uint256[] memory ps = new uint256[](3);
        uint256 ones = ((1 << 120) - 1) << 80;
        ps[0] = 100 | ones;
        ps[1] = 100;
        ps[2] = 60_000 | ones;
        _upload(ps, 3, 3);
        uint256[5] memory q = [uint256(100), 0, 0, 0, 0];
        (uint256 score,) = model.score(q, 30 days);
        assertEq(score, 500, "mean of the exact matches");
    }

    function testFuzz_score_independentOfOrder(uint256 seed, uint256 n, uint256 k) public {
        n = bound(n, 2, 120);
        k = bound(k, 1, 32);
        uint256[] memory ps = _points(seed, n, 2); // many ties
        uint256[5] memory q = _query(seed, 2);
        _upload(ps, 50, k);
        (uint256 forward,) = model.score(q, 45 days);
        uint256[] memory reversed = new uint256[](n);
        for (uint256 i; i < n; ++i) reversed[i] = ps[n - 1 - i];
        _upload(reversed, 7, k);
        (uint256 backward,) = model.score(q, 45 days);
        assertEq(forward, backward, "order");
    }

    function testFuzz_naiveBaseline_agrees(uint256 seed, uint256 n, uint256 k) public {
        n = bound(n, 1, 100);
        k = bound(k, 1, 32);
        uint256[] memory ps = _points(seed, n, 16);
        _upload(ps, 40, k);
        NaiveKnn naive = new NaiveKnn();
        naive.add(ps);
        uint256[5] memory q = _query(seed, 16);
        (uint256 fast,) = model.score(q, 200 days);
        (uint256 slow,) = naive.score(q, 200 days, k);
        assertEq(fast, slow, "baseline");
    }

    function test_score_emptyModel() public view {
        (uint256 score, bool found) = model.score([uint256(1), 2, 3, 4, 5], 30 days);
        assertEq(found, false, "no model");
        assertEq(score, 0, "no score");
    }

    function test_score_revertsOnWideQuery() public {
        _upload(_points(1, 5, 16), 5, 3);
        vm.expectRevert(abi.encodeWithSelector(Errors.InvalidQuery.selector, 2, 65_536));
        model.score([uint256(1), 2, 65_536, 4, 5], 30 days);
    }

    // ---- upload, append, rotation ----

    function test_pointsOf_roundTrips() public {
        uint256[] memory ps = _points(7, 511, 16);
        model.stageChunk(ps);
        uint256[] memory back = model.pointsOf(KnnModel.Set.Staging, 0);
        assertEq(back.length, 511, "count");
        for (uint256 i; i < ps.length; ++i) assertEq(back[i], ps[i], "point");
    }

    function test_stageChunk_refusesBadInput() public {
        vm.expectRevert(abi.encodeWithSelector(Errors.InvalidChunkSize.selector, 0));
        model.stageChunk(new uint256[](0));
        vm.expectRevert(abi.encodeWithSelector(Errors.InvalidChunkSize.selector, 512));
        model.stageChunk(new uint256[](512));
        uint256[] memory bad = new uint256[](1);
        bad[0] = 1 << 200;
        vm.expectRevert(abi.encodeWithSelector(Errors.InvalidPoint.selector, 1 << 200));
        model.stageChunk(bad);
        vm.expectRevert(abi.encodeWithSelector(Errors.EmptyModel.selector));
        model.publish(5);
        model.stageChunk(_points(1, 3, 16));
        vm.expectRevert(abi.encodeWithSelector(Errors.InvalidK.selector, 0));
        model.publish(0);
        vm.expectRevert(abi.encodeWithSelector(Errors.InvalidK.selector, 33));
        model.publish(33);
    }

    function test_publish_replacesBothSets() public {
        _upload(_points(1, 10, 16), 10, 3);
        vm.prank(OPERATOR);
        model.append(_point(99, 16));
        model.stageChunk(_points(2, 20, 16));
        vm.expectEmit(address(model));
        emit Events.ModelPublished(20, 4);
        model.publish(4);
        assertEq(model.size(KnnModel.Set.Old), 20, "old");
        assertEq(model.size(KnnModel.Set.New), 0, "new");
        assertEq(model.size(KnnModel.Set.Staging), 0, "staging");
        assertEq(model.buffered().length, 0, "buffer");
        assertEq(model.k(), 4, "k");
    }

    function test_update_sealsAndRotates() public {
        _upload(_points(1, 100, 16), 100, 3);
        vm.startPrank(OPERATOR);
        for (uint256 i; i < 40; ++i) model.append(_point(100 + i, 16));
        model.update(1); // asked to seal at 1, but never fewer than MIN_SEAL (32): 40 are sealed
        assertEq(model.buffered().length, 0, "sealed");
        for (uint256 i; i < 20; ++i) model.append(_point(300 + i, 16));
        model.update(32); // 20 < 32 buffered, new (60) < old (100): nothing
        assertEq(model.buffered().length, 20, "still buffered");
        assertEq(model.chunks(KnnModel.Set.New).length, 1, "one chunk");
        for (uint256 i; i < 40; ++i) model.append(_point(500 + i, 16)); // 60 buffered, below the capacity
        vm.expectEmit(address(model));
        emit Events.ModelRotated(100);
        model.update(64); // new (100) reached old (100): the rest sealed, rotated
        vm.stopPrank();
        assertEq(model.size(KnnModel.Set.Old), 100, "new became old");
        assertEq(model.chunks(KnnModel.Set.Old).length, 2, "with its two chunks");
        assertEq(model.size(KnnModel.Set.New), 0, "new starts empty");
        assertEq(model.chunks(KnnModel.Set.New).length, 0, "no chunks");
        assertEq(model.buffered().length, 0, "no buffer");
        // The emptied set is reused: a new chunk lands in its first place.
        vm.startPrank(OPERATOR);
        for (uint256 i; i < 64; ++i) model.append(_point(900 + i, 16));
        vm.stopPrank();
        assertEq(model.chunks(KnnModel.Set.New).length, 1, "one chunk again");
        assertEq(model.pointsOf(KnnModel.Set.New, 0)[0], _point(900, 16), "its points");
        vm.expectRevert(abi.encodeWithSelector(Errors.ChunkIndexOutOfRange.selector, 1, 1));
        model.pointsOf(KnnModel.Set.New, 1);
    }

    function test_append_refusesPastTheNewSetCap() public {
        // An old set larger than the cap, so that only the cap can trigger the rotation below.
        _upload(_points(1, 33 * 511, 16), 511, 3);
        uint256 cap = model.MAX_NEW_POINTS();
        vm.startPrank(OPERATOR);
        for (uint256 i; i < cap; ++i) model.append(_point(i, 16));
        assertEq(model.size(KnnModel.Set.New), cap, "full");
        bytes memory err = abi.encodeWithSelector(Errors.NewSetFull.selector, cap);
        vm.expectRevert(err);
        model.append(_point(cap, 16));
        assertEq(model.size(KnnModel.Set.New), cap, "nothing added");
        // Smaller than the old set, the full new set still rotates at the next update.
        assertLt(cap, model.size(KnnModel.Set.Old), "old is larger");
        model.update(32);
        vm.stopPrank();
        assertEq(model.size(KnnModel.Set.Old), cap, "rotated");
        assertEq(model.size(KnnModel.Set.New), 0, "room again");
    }

    function test_defaultK_scoresAppendedPointsBeforeAnyPublish() public {
        // Regression: k started at 0, so a point appended before any publish made every score panic.
        vm.prank(OPERATOR);
        model.append(_point(1, 16));
        assertEq(model.k(), model.DEFAULT_K(), "default k");
        (uint256 score, bool found) = model.score([uint256(1), 2, 3, 4, 5], 30 days);
        assertTrue(found, "the appended point answers");
        assertLe(score, 1000, "in range");
    }

    function test_publish_swapsRolesAndEmptiesTheOthers() public {
        _upload(_points(1, 30, 16), 10, 3);
        vm.startPrank(OPERATOR);
        for (uint256 i; i < 64; ++i) model.append(_point(700 + i, 16));
        vm.stopPrank();
        model.stageChunk(_points(2, 5, 16));
        model.publish(2);
        assertEq(model.chunks(KnnModel.Set.Old).length, 1, "the staged chunk is the model");
        assertEq(model.chunks(KnnModel.Set.New).length, 0, "new emptied");
        assertEq(model.chunks(KnnModel.Set.Staging).length, 0, "staging emptied");
        assertEq(model.pointsOf(KnnModel.Set.Old, 0)[4], _points(2, 5, 16)[4], "its points");
        (uint256 score,) = model.score([uint256(1), 2, 3, 4, 5], 30 days);
        uint256[] memory none = new uint256[](0);
        assertEq(score, _referenceScore(_points(2, 5, 16), none, [uint256(1), 2, 3, 4, 5], 2, 30 days), "score");
    }

    function test_append_fullBufferSealsAtOnce() public {
        _upload(_points(1, 500, 16), 500, 3);
        vm.startPrank(OPERATOR);
        for (uint256 i; i < 64; ++i) model.append(_point(1000 + i, 16));
        vm.stopPrank();
        assertEq(model.buffered().length, 0, "sealed");
        assertEq(model.chunks(KnnModel.Set.New).length, 1, "a chunk");
        assertEq(model.size(KnnModel.Set.New), 64, "size");
    }

    function test_access() public {
        uint256[] memory ps = _points(1, 2, 16);
        address[2] memory outsiders = [STRANGER, OPERATOR];
        for (uint256 i; i < 2; ++i) {
            vm.startPrank(outsiders[i]);
            bytes memory err = abi.encodeWithSignature("OwnableUnauthorizedAccount(address)", outsiders[i]);
            vm.expectRevert(err);
            model.stageChunk(ps);
            vm.expectRevert(err);
            model.publish(3);
            vm.expectRevert(err);
            model.setK(3);
            vm.expectRevert(err);
            model.clearStaging();
            vm.stopPrank();
        }
        address[2] memory notOperators = [STRANGER, address(this)];
        for (uint256 i; i < 2; ++i) {
            vm.startPrank(notOperators[i]);
            vm.expectRevert(abi.encodeWithSelector(Errors.NotOperator.selector, notOperators[i]));
            model.append(ps[0]);
            vm.expectRevert(abi.encodeWithSelector(Errors.NotOperator.selector, notOperators[i]));
            model.update(1);
            vm.stopPrank();
        }
    }
}
