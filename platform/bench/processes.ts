/**
 * The benchmarks' child processes: a TypeScript entry started with its own event loop (so a
 * server and its load generator never share one), a free port for it, and its CPU time read
 * from /proc — unlike a rate, CPU time per operation barely moves when the machine is busy.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { PLATFORM_DIR } from '../server/http/web-build.server.ts';

export interface Child {
  name: string;
  port: number;
  pid: number;
  /** Settles with the exit code (or signal) when the process ends, expectedly or not. */
  exited: Promise<number | string>;
  /** What it wrote to stderr so far. */
  stderr(): string;
  stop(): Promise<void>;
}

/** A process and its descendants (cluster workers), from /proc (Linux). */
function processTree(pid: number): number[] {
  const children = readdirSync(`/proc/${pid}/task`).flatMap((task) => {
    try {
      return readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
    } catch {
      return [];
    }
  });
  return [pid, ...children.flatMap(processTree)];
}

/** CPU time of every thread of a process and its descendants in ns, from /proc (Linux); undefined elsewhere. */
export function cpuNs(pid: number): number | undefined {
  try {
    return processTree(pid).reduce((total, p) => total + readdirSync(`/proc/${p}/task`).reduce((sum, task) => sum + Number(readFileSync(`/proc/${p}/task/${task}/schedstat`, 'utf8').split(' ')[0]), 0), 0);
  } catch {
    return undefined;
  }
}

/** Starts a TypeScript entry in its own Node process and waits for the `{"port":…}` line it prints. */
export function startChild(name: string, script: string, extraEnv: Record<string, string>): Promise<Child> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: PLATFORM_DIR, env: { ...process.env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr?.on('data', (chunk) => { err += String(chunk); });
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  const stop = () => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { void stop(); reject(new Error(`${name} did not start within 120 s:\n${err}`)); }, 120_000);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${name} exited with ${code}:\n${err}`)); });
    child.stdout?.on('data', (chunk) => {
      out += String(chunk);
      const line = /^\{"port":(\d+)\}$/m.exec(out);
      if (!line) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({ name, port: Number(line[1]), pid: child.pid as number, exited, stderr: () => err, stop });
    });
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
