/**
 * Child-process helpers shared by the client benchmarks (engine-client.ts, engine-cpu.ts):
 * pinning with taskset, a free loopback port, running a command to completion.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
export const f = (x: number, d = 2): string => x.toFixed(d);
export const out = (s: string): boolean => process.stdout.write(`${s}\n`);

/** `cmd` pinned to one CPU when taskset exists. */
export function pinned(cpu: number, cmd: string[]): string[] {
  return hasTaskset ? ['taskset', '-c', String(cpu), ...cmd] : cmd;
}

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

export function run(cmd: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    const p = spawn(cmd[0]!, cmd.slice(1), { cwd: repo, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => res({ code: code ?? 1, stdout, stderr }));
  });
}
