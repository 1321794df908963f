// Browser-test harness: starts the real smartdairy binary (SMARTDAIRY_BIN, set by ctest) on
// 127.0.0.1:0 with a temporary data directory and the demo data, launches the system
// Chromium headless through playwright-core, and stops both at the end. Every page gets
// console and page-error listeners: an error there fails the test that caused it.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

import { chromium } from 'playwright-core';

export const ADMIN_PASSWORD = 'e2e-Qz7-Secret-0001-xk';
export const USER_PASSWORD = 'e2e-Other-Secret-0002-qp';

// Debian's chromium package; CHROMIUM_PATH overrides it.
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

function binary() {
  const bin = process.env.SMARTDAIRY_BIN;
  if (!bin || !existsSync(bin)) {
    throw new Error('SMARTDAIRY_BIN must name the smartdairy binary (ctest sets it)');
  }
  return path.resolve(bin);
}

function childEnv(extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('SMARTDAIRY_')) env[k] = v;
  return { ...env, ...extra };
}

export class Server {
  constructor() {
    this.tmp = mkdtempSync(path.join(tmpdir(), 'sd-e2e-'));
    this.dataDir = path.join(this.tmp, 'data');
    this.proc = null;
    this.port = 0;
    this.log = [];
  }

  cli(args, env = {}) {
    return execFileSync(binary(), args, { env: childEnv(env), encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
  }

  addUser(username, role, password = USER_PASSWORD) {
    this.cli(['user', '--data-dir', this.dataDir, 'add', username, '--role', role], { SMARTDAIRY_PASSWORD: password });
  }

  async start() {
    this.cli(['seed', '--demo', '--data-dir', this.dataDir]);
    this.proc = spawn(binary(), ['serve', '--listen', '127.0.0.1:0', '--data-dir', this.dataDir], {
      env: childEnv({ SMARTDAIRY_ADMIN_PASSWORD: ADMIN_PASSWORD }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const proc = this.proc;
    // Last resort when the test process dies without running its after() hooks.
    const killOnExit = () => proc.exitCode === null && proc.kill('SIGKILL');
    process.once('exit', killOnExit);
    proc.once('exit', () => process.removeListener('exit', killOnExit));
    proc.stderr.on('data', (d) => this.log.push(String(d)));
    this.port = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('server did not listen within 60 s\n' + this.log.join('\n'))), 60_000);
      proc.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited with ${code} before listening\n` + this.log.join('\n')));
      });
      createInterface({ input: proc.stdout }).on('line', (line) => {
        this.log.push(line);
        if (this.log.length > 2000) this.log.splice(0, 1000);
        if (!line.includes('"listening"')) return;
        try {
          const o = JSON.parse(line);
          if (o.msg === 'listening' && o.port) {
            clearTimeout(timer);
            resolve(Number(o.port));
          }
        } catch {
          // not JSON: ignore
        }
      });
    });
    return this;
  }

  get base() {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop() {
    const proc = this.proc;
    this.proc = null;
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    }
    rmSync(this.tmp, { recursive: true, force: true });
  }
}

export async function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

// Console errors and page errors seen by the pages that `watch` was given.
export class ErrorLog {
  constructor() {
    this.errors = [];
  }

  watch(page) {
    page.on('pageerror', (e) => this.errors.push(`pageerror on ${page.url()}: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      const url = m.location()?.url ?? '';
      // The UI's first request asks whether a session exists; a 401 is the answer "no".
      if (m.text().includes('status of 401') && url.endsWith('/api/v1/auth/me')) return;
      this.errors.push(`console error on ${page.url()}: ${m.text()} (${url})`);
    });
    return page;
  }

  take() {
    const e = this.errors;
    this.errors = [];
    return e;
  }
}

export async function login(page, base, username, password) {
  await page.goto(base + '/login');
  await page.fill('[data-testid=username]', username);
  await page.fill('[data-testid=password]', password);
  await page.click('[data-testid=login-button]');
  await page.waitForSelector('[data-testid=current-user]');
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}
