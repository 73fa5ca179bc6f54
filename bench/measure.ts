import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { maxRssPreload } from './paths.js';

const MAXRSS_ENV = 'RECOUNT_BENCH_MAXRSS_FILE';

/** One timed child process. */
export interface Measured {
  seconds: number; // wall clock from spawn to exit, Node start-up included
  exitCode: number | null;
  stdout: string;
  stderr: string;
  maxRssKiB: number | null; // the Node process itself (from the preload)
  childPeakKiB: number | null; // its descendants, e.g. ccusage's native binary (sampled from /proc; Linux only)
}

export interface RunOptions {
  scratchDir: string; // where the preload writes its figure
  env?: NodeJS.ProcessEnv;
  sampleChildren?: boolean;
}

let runCounter = 0;

/**
 * Runs `node -r maxrss.cjs script args…` and measures it: wall time, the Node process's max RSS and,
 * when asked, the peak RSS of processes it spawns (which the preload cannot see).
 */
export function runNode(script: string, args: string[], opts: RunOptions): Promise<Measured> {
  const rssFile = path.join(opts.scratchDir, `maxrss-${process.pid}-${++runCounter}.txt`);
  const env = { ...process.env, ...opts.env, [MAXRSS_ENV]: rssFile };
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['-r', maxRssPreload, script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const sampler = opts.sampleChildren && child.pid ? sampleDescendantPeak(child.pid) : null;
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => stdout.push(b));
    child.stderr.on('data', (b: Buffer) => stderr.push(b));
    let seconds = 0;
    let childPeakKiB: number | null = null;
    child.on('exit', () => {
      seconds = (performance.now() - started) / 1000;
      childPeakKiB = sampler ? sampler.stop() : null;
    });
    child.on('error', reject);
    child.on('close', (exitCode) => {
      resolve({
        seconds,
        exitCode,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        maxRssKiB: readKiB(rssFile),
        childPeakKiB,
      });
    });
  });
}

function readKiB(file: string): number | null {
  try {
    const kib = Number(fs.readFileSync(file, 'utf8'));
    fs.rmSync(file, { force: true });
    return Number.isFinite(kib) ? kib : null;
  } catch {
    return null;
  }
}

/**
 * Polls the peak RSS (VmHWM) of every descendant of `rootPid` every few milliseconds. VmHWM is a
 * high-water mark, so only growth in a process's last few milliseconds can be missed.
 */
function sampleDescendantPeak(rootPid: number, intervalMs = 5): { stop(): number | null } {
  let peak: number | null = null;
  const tick = () => {
    for (const pid of descendantsOf(rootPid)) {
      const kib = peakRssKiB(pid);
      if (kib != null && (peak == null || kib > peak)) peak = kib;
    }
  };
  const timer = setInterval(tick, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

function descendantsOf(rootPid: number): number[] {
  const found: number[] = [];
  const stack = [rootPid];
  while (stack.length) {
    for (const child of childrenOf(stack.pop()!)) {
      found.push(child);
      stack.push(child);
    }
  }
  return found;
}

/** Children of every thread of `pid` (a child belongs to the thread that forked it). */
function childrenOf(pid: number): number[] {
  try {
    return fs.readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
    );
  } catch {
    return []; // not Linux, or the process is gone
  }
}

function peakRssKiB(pid: number): number | null {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}
