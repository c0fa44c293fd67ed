import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Every server the bench started; each leads its own process group, so its children go with it. */
const started: ChildProcess[] = [];

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Synchronous, so it also works from an 'exit' handler: never leave servers behind. */
export function killAllNow(): void {
  for (const child of started) signalGroup(child, 'SIGKILL');
}

/** Stops one server (SIGTERM to its group, SIGKILL after 5 s) and waits until it has exited. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalGroup(child, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
  // Grandchildren (a stdio MCP server) may outlive a leader that did not wait for them.
  signalGroup(child, 'SIGKILL');
}

export interface Started {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly match: RegExpExecArray;
  output(): string;
}

/**
 * Starts `node <args>` in its own process group and resolves with the first match of `pattern` in its
 * stdout (stderr is passed through, so a crash is visible).
 */
export async function startNode(cwd: string, args: string[], pattern: RegExp, env: Record<string, string> = {}): Promise<Started> {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  started.push(child);
  let output = '';
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`timed out waiting for ${String(pattern)} from ${args.join(' ')}:\n${output}`)),
      60_000,
    );
    child.stdout?.on('data', (d: Buffer) => {
      output += d.toString();
      const m = pattern.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited with ${code}:\n${output}`));
    });
  });
  if (child.pid === undefined) throw new Error(`${args.join(' ')} has no pid`);
  return { child, pid: child.pid, match, output: () => output };
}

/** A port that was free a moment ago, for servers that cannot be told to pick one (mcp-proxy). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export interface Memory {
  /** Resident set size now, MB. */
  readonly rssMb: number;
  /** Peak resident set size over the process's life so far, MB. */
  readonly hwmMb: number;
}

/** VmRSS and VmHWM of a process, from /proc (Linux). */
export function memoryOf(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: Math.round(kb('VmRSS') / 102.4) / 10, hwmMb: Math.round(kb('VmHWM') / 102.4) / 10 };
}

/** The direct children of a process (e.g. the stdio MCP server a gateway or mcp-proxy runs). */
export function childrenOf(pid: number): number[] {
  const pids: number[] = [];
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const list = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
    if (list !== '') pids.push(...list.split(/\s+/).map(Number));
  }
  return pids;
}
