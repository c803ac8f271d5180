// The dashboard's browser test: a whole loan's life driven through the web pages only, in headless
// Chromium. It starts `aloe serve` on a free port with a fresh data directory, waits for the API's
// status (the one API call), then registers a borrower through the notary form, creates a loan, opens it
// from the market page, tries a refused investment, invests, borrows, disburses, advances the clock one
// period, pays the installment the page shows, and withdraws what the page says is withdrawable,
// asserting on each page and taking a screenshot after each step. Exit code 0 when every step passed.
//
//   npm run test:web          (after `cargo build -p aloe`)
//   ALOE_BIN=path/to/aloe CHROMIUM=/usr/bin/chromium SCREENSHOT_DIR=dir npm run test:web

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const BIN = process.env.ALOE_BIN || 'target/debug/aloe';
const SHOTS = process.env.SCREENSHOT_DIR || 'target/screenshots';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
// Development accounts (the dashboard's `user`): the creator, the borrower and the lender.
const CREATOR = '0', BORROWER = '1', LENDER = '2';

/** A port nothing listens on now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function check(condition, message) {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}

function equal(actual, expected, what) {
  check(actual === expected, `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

async function waitForStatus(base, server, log) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`aloe serve exited (${server.exitCode}):\n${log.join('')}`);
    try {
      const response = await fetch(`${base}/api/v1/status`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`aloe serve did not answer /api/v1/status within 120 s:\n${log.join('')}`);
}

async function main() {
  mkdirSync(SHOTS, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'aloe-web-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const log = [];
  const server = spawn(BIN, ['serve', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`], {
    env: { ...process.env, ALOE_SERVICE_PASSWORD: process.env.ALOE_SERVICE_PASSWORD || 'web-test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout.on('data', (d) => log.push(d.toString()));
  server.stderr.on('data', (d) => log.push(d.toString()));
  const stopServer = () => {
    if (server.exitCode === null && !server.killed) server.kill('SIGTERM');
  };
  process.on('exit', stopServer);
  let browser;
  try {
    await waitForStatus(base, server, log);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await run(page, base);
    console.log(`web lifecycle: every step passed; screenshots in ${SHOTS}`);
  } catch (error) {
    console.error(`web lifecycle FAILED: ${error.stack || error}`);
    console.error(`--- aloe serve output (last 4 kB) ---\n${log.join('').slice(-4096)}`);
    process.exitCode = 1;
  } finally {
    if (browser) await browser.close().catch(() => {});
    stopServer();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The whole lifecycle on `page`. */
async function run(page, base) {
  let step = 0;
  const shot = async (name) => {
    step += 1;
    await page.screenshot({ path: join(SHOTS, `${String(step).padStart(2, '0')}-${name}.png`), fullPage: true });
  };
  const text = async (selector) => (await page.locator(selector).first().innerText()).trim();
  // Submits the form `id` and waits for the page the redirect leads to.
  const submit = async (id) => {
    await Promise.all([page.waitForNavigation(), page.locator(`form#${id} button[type=submit]`).click()]);
  };
  const okMessage = async (contains) => {
    check(await page.locator('#error').count() === 0, `no refusal, got: ${await page.locator('#error').allInnerTexts()}`);
    const ok = await text('#ok');
    check(ok.includes(contains), `the confirmation ${JSON.stringify(ok)} mentions ${JSON.stringify(contains)}`);
  };

  // 1. Register the borrower through the notary form.
  await page.goto(`${base}/dev`);
  check(await page.locator('#dev-banner').isVisible(), 'the development banner is shown');
  await page.selectOption('form#register select[name=user]', BORROWER);
  await page.fill('form#register input[name=fico]', '720');
  await page.fill('form#register input[name=nationalId]', '078-05-1120');
  await submit('register');
  await okMessage('through the notary');
  check(new URL(page.url()).pathname.startsWith('/borrowers/'), `on the borrower's page (${page.url()})`);
  equal(await text('#fico'), '720', 'FICO on the borrower page');
  check(await page.locator('svg.gauge').count() === 1, 'the score gauge is drawn');
  const borrowerUrl = new URL(page.url()).pathname;
  await shot('register');

  // 2. Create a loan: 2 ether, 3 payments of 30 days at 1 % a period.
  await page.click('nav >> text=Development');
  await page.selectOption('form#create select[name=user]', CREATOR);
  const terms = { amount: '2', ratePerMil: '10', payments: '3', periodDays: '30', minScore: '0', fundDays: '7', graceDays: '15', feePerMil: '0' };
  for (const [name, value] of Object.entries(terms)) await page.fill(`form#create input[name=${name}]`, value);
  await submit('create');
  await okMessage('Created loan');
  const loanPath = new URL(page.url()).pathname;
  check(loanPath.startsWith('/loans/0x'), `on the new loan's page (${page.url()})`);
  const loan = loanPath.slice('/loans/'.length);
  equal(await text('#loan-status'), 'open', 'status after creation');
  await shot('create-loan');

  // 3. Open it from the market page's table of recent loans.
  await page.click('nav >> text=Market');
  equal(await text('#stat-loans'), '1', 'loans on the market page');
  equal(await text('#stat-registrations'), '1', 'registrations on the market page');
  await shot('market');
  await Promise.all([page.waitForNavigation(), page.locator(`#loans a[href="/loans/${loan}"]`).click()]);
  equal(new URL(page.url()).pathname, loanPath, 'the market links to the loan');
  equal(await text('#funding-percent'), '0.0 %', 'funding before any investment');
  check(await page.locator('#schedule tbody tr').count() === 3, 'three periods in the schedule');
  await shot('loan');

  // 4. A refused investment (an amount that is not a number): the message is shown, nothing changes.
  await page.selectOption('form#invest select[name=user]', LENDER);
  await page.fill('form#invest input[name=amount]', 'two');
  await submit('invest');
  const refusal = await text('#error');
  check(refusal.includes('amount') && refusal.includes('"two"'), `the refusal names the amount: ${refusal}`);
  check(await page.locator('form#invest input[name=amount].invalid').count() === 1, 'the amount input is marked');
  equal(await text('#invested'), '0', 'nothing invested after the refusal');
  await shot('refused-invest');

  // 5. Invest the whole amount as the lender.
  await page.selectOption('form#invest select[name=user]', LENDER);
  await page.fill('form#invest input[name=amount]', '2');
  await submit('invest');
  await okMessage('invested 2 ether');
  equal(await text('#invested'), '2', 'invested');
  equal(await text('#funding-percent'), '100.0 %', 'funding progress');
  equal(await text('#loan-status'), 'open', 'status with no borrower yet');
  await shot('invest');

  // 6. Borrow the whole amount as the borrower: the loan funds.
  await page.selectOption('form#borrow select[name=user]', BORROWER);
  await page.fill('form#borrow input[name=amount]', '2');
  await submit('borrow');
  await okMessage('asked to borrow 2 ether');
  equal(await text('#requested'), '2', 'requested');
  equal(await text('#loan-status'), 'funded', 'status once both sides reach the total');
  await shot('borrow');

  // 7. The borrower takes the principal.
  await page.selectOption('form#disburse select[name=user]', BORROWER);
  await submit('disburse');
  await okMessage('took the principal');
  equal(await text('#loan-status'), 'active', 'status after the disbursement');
  equal(await text('#borrowers tbody tr td.disbursed'), '2', 'disbursed to the borrower');
  await shot('disburse');

  // 8. One period passes.
  equal(await page.inputValue('form#clock input[name=days]'), '30', 'the clock form offers one period');
  await submit('clock');
  await okMessage('The clock is now');
  equal(new URL(page.url()).pathname, loanPath, 'the clock form returns to the loan');
  const installment = await text('#borrowers tbody tr td.installment');
  check(/^0\.\d+$/.test(installment), `an installment below one ether: ${installment}`);
  equal(await text('#borrowers tbody tr td.arrears'), installment, 'one installment in arrears');
  await shot('clock');

  // 9. Pay the installment the page shows.
  await page.selectOption('form#pay select[name=user]', BORROWER);
  await page.fill('form#pay input[name=amount]', installment);
  await submit('pay');
  await okMessage(`paid ${installment} ether`);
  equal(await text('#borrowers tbody tr td.paid'), installment, 'paid');
  equal(await text('#borrowers tbody tr td.arrears'), '0', 'no arrears after paying');
  const withdrawable = await text('#lenders tbody tr td.withdrawable');
  check(withdrawable !== '0', `the lender may withdraw something: ${withdrawable}`);
  await shot('pay');

  // 10. The lender withdraws what is withdrawable.
  await page.selectOption('form#withdraw select[name=user]', LENDER);
  await page.fill('form#withdraw input[name=amount]', withdrawable);
  await submit('withdraw');
  await okMessage(`withdrew ${withdrawable} ether`);
  equal(await text('#lenders tbody tr td.withdrawn'), withdrawable, "lender's withdrawn amount");
  equal(await text('#lenders tbody tr td.withdrawable'), '0', 'nothing left to withdraw');
  await shot('withdraw');

  // 11. The lender's and the borrower's pages agree.
  await Promise.all([page.waitForNavigation(), page.locator('#lenders tbody tr a').first().click()]);
  check(new URL(page.url()).pathname.startsWith('/lenders/'), `on the lender's page (${page.url()})`);
  equal(await text(`#positions tr[data-loan="${loan}"] td.withdrawn`), withdrawable, 'withdrawn on the lender page');
  await shot('lender');
  await page.goto(`${base}${borrowerUrl}`);
  check((await text('#positions')).includes(installment), 'the borrower page shows the payment');
  check((await page.locator('table.events').innerText()).includes('PaymentMade'), 'the history has the payment');
  await shot('borrower');
}

await main();
