#!/usr/bin/env node
// Compiles the deployable contracts with the pinned solc-js and writes contracts/artifacts/<Name>.json
// (abi, bytecode, deployedBytecode): the files aloe-contracts embeds, so `cargo build` needs no Node.
// `--check` compiles and fails if the committed artifacts differ (CI's freshness check).
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require('solc');

const root = path.resolve(__dirname, '..', '..');
const src = path.join(root, 'contracts', 'src');
const outDir = path.join(root, 'contracts', 'artifacts');
// The deployed contracts: via-IR with a high optimizer run count pays on these hot paths.
const SETTINGS = {
  viaIR: true,
  optimizer: { enabled: true, runs: 10000 },
  evmVersion: 'osaka',
  metadata: { bytecodeHash: 'none', appendCBOR: false },
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
};
const ENTRY_POINTS = {
  'CreditBureau.sol': ['CreditBureau', 'Loan', 'KnnModel'],
  'IdentityEscrow.sol': ['IdentityEscrow'],
  'mocks/TestToken.sol': ['TestToken'],
  'mocks/NaiveKnn.sol': ['NaiveKnn'],
};

function findImports(importPath) {
  for (const base of [src, root, path.join(root, 'node_modules')]) {
    const candidate = path.resolve(base, importPath.replace(/^@openzeppelin\//, 'node_modules/@openzeppelin/'));
    if (fs.existsSync(candidate)) return { contents: fs.readFileSync(candidate, 'utf8') };
  }
  return { error: `File not found: ${importPath}` };
}

const sources = {};
for (const file of Object.keys(ENTRY_POINTS)) sources[file] = { content: fs.readFileSync(path.join(src, file), 'utf8') };
const output = JSON.parse(solc.compile(JSON.stringify({ language: 'Solidity', sources, settings: SETTINGS }), { import: findImports }));
const errors = (output.errors || []).filter((e) => e.severity === 'error');
// OpenZeppelin's transient-storage notice is expected (ReentrancyGuardTransient); show everything else.
const fromOurs = (e) => !(e.sourceLocation && e.sourceLocation.file.startsWith('@openzeppelin/'));
for (const e of (output.errors || []).filter(fromOurs)) process.stderr.write(e.formattedMessage + '\n');
if (errors.length) process.exit(1);

const check = process.argv.includes('--check');
let stale = [];
const allContracts = Object.assign({}, ...Object.values(output.contracts));
for (const names of Object.values(ENTRY_POINTS)) {
  for (const name of names) {
    const c = allContracts[name];
    const artifact = {
      contractName: name,
      compiler: solc.version(),
      settings: { viaIR: SETTINGS.viaIR, optimizerRuns: SETTINGS.optimizer.runs, evmVersion: SETTINGS.evmVersion },
      abi: c.abi,
      bytecode: { object: '0x' + c.evm.bytecode.object },
      deployedBytecode: { object: '0x' + c.evm.deployedBytecode.object },
    };
    const text = JSON.stringify(artifact, null, 2) + '\n';
    const file = path.join(outDir, `${name}.json`);
    if (check) {
      if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) stale.push(name);
    } else {
      fs.mkdirSync(outDir, { recursive: true });
      fs.writeFileSync(file, text);
      process.stdout.write(`wrote ${path.relative(root, file)} (${c.evm.deployedBytecode.object.length / 2} bytes deployed)\n`);
    }
  }
}
if (stale.length) {
  process.stderr.write(`stale artifacts: ${stale.join(', ')}; run \`node contracts/tools/build-artifacts.js\` and commit\n`);
  process.exit(1);
}
