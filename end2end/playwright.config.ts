import { defineConfig } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// One fresh data folder (database + mail outbox) per test run. The config is also loaded by
// each worker process; workers inherit the runner's environment, so they reuse the folder the
// runner created instead of making their own.
if (!process.env.CHIPIN_E2E_DATA) {
  process.env.CHIPIN_E2E_DATA = fs.mkdtempSync(path.join(os.tmpdir(), 'chipin-e2e-'));
}
const dir = process.env.CHIPIN_E2E_DATA;

const chromium = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--no-first-run',
  ],
};

export default defineConfig({
  testDir: 'tests',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  // Every form is a plain post answered by a full page load; on a busy 2-core machine a long
  // flow takes more than the default 30 s.
  timeout: 60_000,
  reporter: 'list',
  outputDir: 'test-results',
  use: {
    baseURL: process.env.CHIPIN_E2E_URL ?? 'http://127.0.0.1:3300',
    launchOptions: chromium,
    screenshot: 'on',
  },
  projects: [
    {
      name: 'desktop',
      use: { viewport: { width: 1280, height: 800 } },
    },
    {
      name: 'phone',
      use: { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true },
    },
  ],
  webServer: {
    command: process.env.CHIPIN_SERVER_BIN ?? '../target/debug/server',
    url: 'http://127.0.0.1:3300/healthz',
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      DATABASE_URL: `sqlite://${dir}/chipin.db`,
      MAIL_OUTBOX_DIR: `${dir}/outbox`,
      UPLOADS_DIR: `${dir}/uploads`,
      BIND: '127.0.0.1:3300',
      BASE_URL: 'http://127.0.0.1:3300',
      LEPTOS_SITE_ROOT: process.env.LEPTOS_SITE_ROOT ?? '../target/site',
      DEMO_DATA: 'true',
      // Every test signs up from 127.0.0.1 against one server: lift the per-address limit on
      // mail-sending requests that a real site keeps at its default.
      MAIL_REQUESTS_PER_CLIENT_HOUR: '100000',
      // Likewise the card-testing limits: every test saves its cards from 127.0.0.1, and the
      // simulated test cards (one fingerprint each) are shared by every test's supporters.
      CARDS_PER_CLIENT_DAY: '100000',
      FAILED_CHARGES_PER_CARD_DAY: '1000000',
      RUST_LOG: 'info',
    },
  },
});
