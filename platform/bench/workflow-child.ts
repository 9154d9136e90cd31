/**
 * An engine process of the workflow benchmark: a TypeScript entry started with its own event
 * loop, spoken to over the Node IPC channel one command at a time.
 */
import { spawn } from 'node:child_process';
import { PLATFORM_DIR } from '../server/http/web-build.server.ts';
import { reply, type Command, type Reply } from './workflow-protocol.ts';

export interface EngineProcess {
  readonly name: string;
  send(cmd: Command): Promise<Reply>;
  stop(): Promise<void>;
}

export function startEngineProcess(name: string, script: string, extraEnv: Record<string, string>): Promise<EngineProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: PLATFORM_DIR, env: { ...process.env, ...extraEnv }, stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => { stderr += String(chunk); });
  const waiting: ((message: Reply) => void)[] = [];
  let failed: ((error: Error) => void) | undefined;
  child.on('message', (raw) => {
    const message = reply.parse(raw);
    if (message.type === 'error') failed?.(new Error(`${name}: ${message.message}`));
    else waiting.shift()?.(message);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => failed?.(new Error(`${name} exited (${child.exitCode ?? child.signalCode}):\n${stderr}`)));

  const next = () => new Promise<Reply>((resolve, reject) => {
    waiting.push(resolve);
    failed = reject;
  });
  const engine: EngineProcess = {
    name,
    send(cmd) {
      const answer = next();
      child.send(cmd);
      return answer;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      failed = undefined;
      waiting.push(() => undefined);
      child.send({ type: 'exit' } satisfies Command);
      const timer = setTimeout(() => child.kill('SIGTERM'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
  return next().then(() => engine);
}
