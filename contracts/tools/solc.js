#!/usr/bin/env node
// A `solc` executable for forge, backed by the pinned solc-js (WebAssembly) from npm.
// forge asks only `--version` and `--standard-json` (input on stdin, output on stdout).
// Native solc cannot be installed on our machines, and `npx solcjs` prints a banner
// before its JSON, so forge cannot use it directly.
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require('solc');

const args = process.argv.slice(2);
if (args.includes('--version')) {
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${solc.version().replace(".Emscripten.clang", ".Linux.g++")}\n`);
  process.exit(0);
}
if (!args.includes('--standard-json')) {
  process.stderr.write('aloe solc wrapper: only --version and --standard-json are supported\n');
  process.exit(2);
}

// Imports are resolved against the include paths forge passes, then the repository root.
const roots = [];
for (let i = 0; i < args.length; i++) {
  if ((args[i] === '--base-path' || args[i] === '--include-path') && args[i + 1]) roots.push(args[++i]);
}
roots.push(path.resolve(__dirname, '..', '..'), process.cwd());

function findImports(importPath) {
  for (const root of roots) {
    const candidate = path.resolve(root, importPath);
    if (fs.existsSync(candidate)) return { contents: fs.readFileSync(candidate, 'utf8') };
  }
  return { error: `File not found: ${importPath}` };
}

const input = fs.readFileSync(0, 'utf8');
process.stdout.write(solc.compile(input, { import: findImports }));
