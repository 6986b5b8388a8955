/**
 * pods/exec over WebSocket (channel protocol v4: one leading byte, 1 stdout, 2 stderr, 3 the
 * status JSON). The command really runs on this machine with the pod's PVC mount path mapped
 * to the host directory standing for the PVC, so `tar cf - -C /requests/x .` streams a real
 * tar of that directory. Faults: cut the stream after N stdout bytes, without a status.
 */
import { spawn } from 'node:child_process';
import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';
import type { KubeObject } from '../../../src/platform/kubernetes/cluster.ts';

interface WsLike {
  send(data: Buffer, cb?: (err?: Error) => void): void;
  close(): void;
  terminate(): void;
  on(ev: 'close', f: () => void): void;
}
interface WssLike {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, cb: (ws: WsLike) => void): void;
  close(): void;
}
const require = createRequire(import.meta.url);
// `ws` comes with @kubernetes/client-node (no @types/ws here): typed by the interfaces above.
const { WebSocketServer } = require('ws') as { WebSocketServer: new (o: object) => WssLike };

export interface ExecFault {
  /** Close the socket after this many stdout bytes, without a status frame. */
  cutAfterBytes: number;
  times: number;
  /** Only execs of this program (argv[0]), e.g. `tar`. */
  command?: string;
}

export interface ExecRecord {
  pod: string;
  argv: string[];
  exitCode: number | null;
}

export function createExecServer(): WssLike {
  return new WebSocketServer({ noServer: true, handleProtocols: (p: Set<string>) => (p.has('v4.channel.k8s.io') ? 'v4.channel.k8s.io' : false) });
}

/** Replace the PVC mount path in each argument by its host directory. */
function mapArgs(argv: string[], mounts: Array<{ mountPath: string; host: string }>): string[] {
  return argv.map((a) => {
    let s = a;
    for (const m of mounts) s = s.replace(new RegExp(`${m.mountPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=$|[/\\s'"])`, 'g'), m.host);
    return s;
  });
}

const frame = (ch: number, data: Buffer | string): Buffer => Buffer.concat([Buffer.from([ch]), Buffer.isBuffer(data) ? data : Buffer.from(data)]);

export function runExec(ws: WsLike, pod: KubeObject, argv: string[], mounts: Array<{ mountPath: string; host: string }>, fault: ExecFault | undefined, record: ExecRecord): void {
  const mapped = mapArgs(argv, mounts);
  const child = spawn(mapped[0]!, mapped.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let sent = 0;
  let cut = false;
  ws.on('close', () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  child.stdout.on('data', (chunk: Buffer) => {
    if (cut) return;
    if (fault && sent + chunk.length > fault.cutAfterBytes) {
      const part = chunk.subarray(0, Math.max(0, fault.cutAfterBytes - sent));
      if (part.length) ws.send(frame(1, part));
      cut = true;
      child.kill('SIGKILL');
      ws.terminate();
      return;
    }
    sent += chunk.length;
    ws.send(frame(1, chunk));
  });
  child.stderr.on('data', (chunk: Buffer) => {
    if (!cut) ws.send(frame(2, chunk));
  });
  child.on('error', (e) => {
    record.exitCode = 127;
    ws.send(frame(2, `exec: ${e.message}\n`));
    ws.send(frame(3, JSON.stringify({ metadata: {}, status: 'Failure', message: e.message, reason: 'InternalError' })), () => ws.close());
  });
  child.on('close', (code) => {
    if (cut || record.exitCode === 127) return;
    record.exitCode = code ?? -1;
    const status =
      code === 0
        ? { metadata: {}, status: 'Success' }
        : {
            metadata: {},
            status: 'Failure',
            message: `command terminated with non-zero exit code: error executing command ${JSON.stringify(argv)}, exit code ${code}`,
            reason: 'NonZeroExitCode',
            details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
          };
    ws.send(frame(3, JSON.stringify(status)), () => ws.close());
  });
  void pod;
}
