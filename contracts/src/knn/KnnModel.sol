// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";

import {Errors} from "../libraries/Errors.sol";
import {Events} from "../libraries/Events.sol";
import {DataChunk} from "./DataChunk.sol";
import {KnnPoint} from "./KnnPoint.sol";
import {KnnScan} from "./KnnScan.sol";

/// @title KnnModel
/// @notice The ALOE k-nearest-neighbour model (paper section IV): two sets of points, old and new, whose
///         answers are weighted by their sizes; when the new set reaches the old one's size the old is
///         discarded, the new becomes old and a new one starts.
///
///         Points live in write-once data chunks (contract code, up to 511 points each): a chunk is
///         `0x00 || scan words (32 bytes each) || labels (16 bytes each)`, so a scan copies it to memory
///         for 2,600 + 3 gas a word instead of 2,100 gas a storage slot. Points appended by the bureau wait
///         in a bounded storage buffer, scanned from storage, until the periodic update seals it into a
///         chunk.
///
///         The owner (governance) uploads a model into a staging set chunk by chunk (resumable: staged
///         chunks stay until published or cleared) and publishes it with its k in one step, which replaces
///         both sets. The operator (the bureau) appends points and runs the periodic update.
contract KnnModel is Ownable2Step {
    /// @notice The largest k.
    uint256 public constant MAX_K = 32;
    /// @notice Points per chunk at most: 1 + 48 * 511 bytes fit the 24,576-byte code limit.
    uint256 public constant MAX_CHUNK_POINTS = 511;
    /// @notice Appended points kept in storage at most; reaching it seals the buffer at once.
    uint256 public constant BUFFER_CAPACITY = 64;
    /// @notice The periodic update seals no fewer points than this (small chunks cost more to scan).
    uint256 public constant MIN_SEAL = 32;
    /// @notice A published model holds at most this many points (about 80 gas a point to scan).
    uint256 public constant MAX_PUBLISHED_POINTS = 150_000;
    /// @notice The new set holds at most this many; reaching it rotates the sets at the next update.
    ///         Appended points sit in chunks of 32 to 64 (about 225 gas a point to scan), so a full old
    ///         set and a full new one stay under the transaction gas cap together:
    ///         150,000 * 80 + 16,384 * 225 < 16,777,216.
    uint256 public constant MAX_NEW_POINTS = 16_384;
    /// @notice k until governance publishes a model.
    uint256 public constant DEFAULT_K = 10;

    uint256 private constant SCAN_WORD_BYTES = 32;
    uint256 private constant LABEL_BYTES = 16;
    uint256 private constant POINT_BYTES = SCAN_WORD_BYTES + LABEL_BYTES;

    /// @notice The sets a point can be in.
    enum Set {
        Old,
        New,
        Staging
    }

    /// A set of points: its first `chunkCount` chunks hold `size` points (entries past `chunkCount` are
    /// leftovers of an emptied set, overwritten as chunks arrive, so emptying a set costs O(1)).
    struct PointSet {
        address[] chunks;
        uint64 size;
        uint64 chunkCount;
    }

    /// One scan's inputs: the query word and its bias (see KnnPoint), k, the loan duration, and a chunk-sized
    /// region of memory reused for every chunk.
    struct Query {
        uint256 q;
        uint256 bias;
        uint256 k;
        uint256 duration;
        uint256 buffer;
    }

    /// @notice The bureau: the only account that appends points and runs the periodic update.
    address public immutable operator;

    /// Three physical sets; `_roles` says which one is old, new and staging (a byte each), so publishing
    /// and rotating swap roles instead of copying chunk lists.
    PointSet[3] private _sets;
    /// The new set's points not yet sealed into a chunk (packed).
    uint256[] private _buffer;
    uint8 private _k;
    uint24 private _roles;

    constructor(address owner_, address operator_) Ownable(owner_) {
        if (operator_ == address(0)) revert Errors.ZeroAddress();
        operator = operator_;
        _k = uint8(DEFAULT_K);
        _roles = _packRoles(0, 1, 2);
    }

    modifier onlyOperator() {
        if (msg.sender != operator) revert Errors.NotOperator(msg.sender);
        _;
    }

    // =========================================================================================
    //                                   GOVERNANCE: UPLOAD
    // =========================================================================================

    /// @notice Stages one chunk of packed points (1 to 511) for the next published model.
    function stageChunk(uint256[] calldata points) external onlyOwner returns (address chunk) {
        chunk = _writeChunk(points);
        PointSet storage staging = _set(Set.Staging);
        if (staging.size + points.length > MAX_PUBLISHED_POINTS) revert Errors.ModelTooLarge(MAX_PUBLISHED_POINTS);
        _addChunk(staging, chunk, points.length);
        emit Events.ChunkStaged(staging.chunkCount - 1, chunk, points.length);
    }

    /// @notice Forgets every staged chunk (an upload to start over).
    function clearStaging() external onlyOwner {
        _empty(_set(Set.Staging));
        emit Events.StagingCleared();
    }

    /// @notice Makes the staged points the model, with `k` neighbours: they become the old set, the new set
    ///         and its buffer start empty, and staging is emptied.
    function publish(uint256 k_) external onlyOwner {
        _checkK(k_);
        if (_set(Set.Staging).size == 0) revert Errors.EmptyModel();
        (uint256 old, uint256 newer, uint256 staging) = _unpackRoles();
        // Staging becomes old; the former old and new sets are emptied to serve as new and staging.
        _empty(_sets[old]);
        _empty(_sets[newer]);
        _roles = _packRoles(staging, old, newer);
        delete _buffer;
        _k = uint8(k_);
        emit Events.ModelPublished(_set(Set.Old).size, k_);
    }

    /// @notice Changes k.
    function setK(uint256 k_) external onlyOwner {
        _checkK(k_);
        _k = uint8(k_);
        emit Events.KChanged(k_);
    }

    // =========================================================================================
    //                                  OPERATOR: NEW POINTS
    // =========================================================================================

    /// @notice Adds a packed point to the new set (through the buffer; a full buffer is sealed at once).
    function append(uint256 point) external onlyOperator {
        KnnPoint.validate(point);
        PointSet storage newer = _set(Set.New);
        if (newer.size >= MAX_NEW_POINTS) revert Errors.NewSetFull(MAX_NEW_POINTS);
        _buffer.push(point);
        newer.size += 1;
        emit Events.PointAppended(point, _buffer.length);
        if (_buffer.length == BUFFER_CAPACITY) _seal();
    }

    /// @notice The periodic update: seals the buffer once it holds `minToSeal` points (at least MIN_SEAL),
    ///         and rotates when the new set has reached the old one's size or its own cap (sealing whatever
    ///         is buffered first): the new set becomes old, the old one is emptied and becomes new. Gas is
    ///         bounded by one sealing of at most BUFFER_CAPACITY points; the rotation itself is O(1).
    function update(uint256 minToSeal) external onlyOperator {
        uint256 newSize = _set(Set.New).size;
        bool rotate = newSize > 0 && (newSize >= _set(Set.Old).size || newSize >= MAX_NEW_POINTS);
        uint256 pending = _buffer.length;
        if (pending > 0 && (rotate || pending >= (minToSeal < MIN_SEAL ? MIN_SEAL : minToSeal))) _seal();
        if (rotate) {
            (uint256 old, uint256 newer, uint256 staging) = _unpackRoles();
            _empty(_sets[old]);
            _roles = _packRoles(newer, old, staging);
            emit Events.ModelRotated(newSize);
        }
    }

    // =========================================================================================
    //                                          SCORE
    // =========================================================================================

    /// @notice The model's answer for the ratio vector `vector` (16-bit fixed point each) and a loan of
    ///         `duration` seconds: each set's inverse-distance weighted OSC over its k nearest points, the
    ///         two weighted by set size, in thousandths. `found` is false when the model has no point.
    function score(uint256[5] memory vector, uint256 duration) external view returns (uint256, bool found) {
        if (_set(Set.Old).size == 0 && _set(Set.New).size == 0) return (0, false);
        Query memory query = _query(vector, duration);
        (uint256 wadOld, bool foundOld) = _scoreSet(Set.Old, query);
        (uint256 wadNew, bool foundNew) = _scoreSet(Set.New, query);
        if (!foundOld && !foundNew) return (0, false);
        uint256 sizeOld = foundOld ? _set(Set.Old).size : 0;
        uint256 sizeNew = foundNew ? _set(Set.New).size : 0;
        return (KnnScan.combine(wadOld, sizeOld, wadNew, sizeNew), true);
    }

    // =========================================================================================
    //                                          VIEWS
    // =========================================================================================

    /// @notice k.
    function k() external view returns (uint256) {
        return _k;
    }

    /// @notice Points in `set` (the new set's count includes its buffer).
    function size(Set set) external view returns (uint256) {
        return _set(set).size;
    }

    /// @notice The chunks of `set`.
    function chunks(Set set) external view returns (address[] memory list) {
        PointSet storage points = _set(set);
        list = new address[](points.chunkCount);
        for (uint256 i; i < list.length; ++i) list[i] = points.chunks[i];
    }

    /// @notice The new set's points still in the buffer.
    function buffered() external view returns (uint256[] memory) {
        return _buffer;
    }

    /// @notice The packed points of chunk `index` of `set`, as uploaded (to verify an upload).
    function pointsOf(Set set, uint256 index) external view returns (uint256[] memory points) {
        PointSet storage points_ = _set(set);
        if (index >= points_.chunkCount) revert Errors.ChunkIndexOutOfRange(index, points_.chunkCount);
        address chunk = points_.chunks[index];
        uint256 n = (chunk.code.length - 1) / POINT_BYTES;
        bytes memory data = chunk.code;
        points = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            uint256 word;
            uint256 label;
            assembly ("memory-safe") {
                let base := add(data, 33)
                word := mload(add(base, shl(5, i)))
                label := shr(128, mload(add(add(base, shl(5, n)), shl(4, i))))
            }
            points[i] = KnnPoint.unpack(word, label);
        }
    }

    // =========================================================================================
    //                                        INTERNALS
    // =========================================================================================

    function _set(Set set) private view returns (PointSet storage) {
        return _sets[(_roles >> (8 * uint256(set))) & 0xff];
    }

    function _unpackRoles() private view returns (uint256 old, uint256 newer, uint256 staging) {
        uint256 roles = _roles;
        return (roles & 0xff, (roles >> 8) & 0xff, (roles >> 16) & 0xff);
    }

    function _packRoles(uint256 old, uint256 newer, uint256 staging) private pure returns (uint24) {
        return uint24(old | newer << 8 | staging << 16);
    }

    /// Appends a chunk of `points` points (the size of a sealed buffer is already counted).
    function _addChunk(PointSet storage set, address chunk, uint256 points) private {
        uint256 index = set.chunkCount;
        if (index < set.chunks.length) set.chunks[index] = chunk;
        else set.chunks.push(chunk);
        set.chunkCount = uint64(index + 1);
        set.size += uint64(points);
    }

    function _empty(PointSet storage set) private {
        (set.size, set.chunkCount) = (0, 0);
    }

    function _checkK(uint256 k_) private pure {
        if (k_ == 0 || k_ > MAX_K) revert Errors.InvalidK(k_);
    }

    function _seal() private {
        uint256[] memory points = _buffer;
        address chunk = _writeChunk(points);
        _addChunk(_set(Set.New), chunk, 0);
        delete _buffer;
        emit Events.BufferSealed(chunk, points.length);
    }

    /// Builds `0x00 || scan words || labels` and deploys it.
    function _writeChunk(uint256[] memory points) private returns (address) {
        uint256 n = points.length;
        if (n == 0 || n > MAX_CHUNK_POINTS) revert Errors.InvalidChunkSize(n);
        bytes memory data = new bytes(1 + n * POINT_BYTES);
        for (uint256 i; i < n; ++i) {
            uint256 point = points[i];
            KnnPoint.validate(point);
            uint256 word = KnnPoint.scanWord(point);
            uint256 label = KnnPoint.label(point);
            assembly ("memory-safe") {
                let base := add(data, 33)
                mstore(add(base, shl(5, i)), word)
                // 16 bytes, big-endian; the next label (or the bytes' padding) overwrites the rest.
                mstore(add(add(base, shl(5, n)), shl(4, i)), shl(128, label))
            }
        }
        return DataChunk.write(data);
    }

    function _query(uint256[5] memory vector, uint256 duration) private view returns (Query memory query) {
        (query.q, query.bias) = KnnPoint.query(vector);
        query.k = _k;
        query.duration = duration;
        uint256 buffer;
        assembly ("memory-safe") {
            buffer := mload(0x40)
            mstore(0x40, add(buffer, 24576))
        }
        query.buffer = buffer;
    }

    function _scoreSet(Set set, Query memory query) private view returns (uint256 wad, bool found) {
        PointSet storage points = _set(set);
        if (points.size == 0) return (0, false);
        uint256[] memory top = KnnScan.empty(query.k);
        address[] storage list = points.chunks;
        uint256 count = points.chunkCount;
        for (uint256 c; c < count; ++c) {
            uint256 n = _load(list[c], query.buffer);
            KnnScan.scan(top, query.buffer, n, query.q, query.bias);
        }
        if (set == Set.New) _scanBuffer(top, query);
        return KnnScan.weightedOsc(top, query.duration);
    }

    /// Copies a chunk's data (without its STOP byte) to `buffer`; returns its number of points.
    function _load(address chunk, uint256 buffer) private view returns (uint256 n) {
        assembly ("memory-safe") {
            let length := sub(extcodesize(chunk), 1)
            extcodecopy(chunk, buffer, 1, length)
            n := div(length, 48)
        }
    }

    /// The buffered points, from storage.
    function _scanBuffer(uint256[] memory top, Query memory query) private view {
        uint256 count = _buffer.length;
        for (uint256 i; i < count; ++i) {
            uint256 point = _buffer[i];
            uint256 d = KnnPoint.distance(KnnPoint.scanWord(point), query.q, query.bias);
            KnnScan.offer(top, d, KnnPoint.label(point));
        }
    }
}
