/**
 * A peer that is not a Node program (HAProxy, nginx): found on the PATH or in the usual sbin folders, run in the
 * foreground from a config the bench writes, considered up once its port accepts a connection, and stopped with
 * SIGTERM (SIGKILL after a grace period). A missing binary is not an error: the caller skips its rows and says so.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stopProcess } from '../children.js';

const START_TIMEOUT_MS = 10_000;
const SEARCHED = ['/usr/sbin', '/usr/local/sbin', '/usr/bin', '/usr/local/bin', '/sbin'];

export interface ExternalPeer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * The binary's path, or undefined when this machine has none. BENCH_<NAME>_BIN (BENCH_HAPROXY_BIN...) names
 * another one; one that does not exist counts as missing.
 */
export function findBinary(name: string): string | undefined {
  const chosen = process.env[`BENCH_${name.toUpperCase()}_BIN`];
  if (chosen !== undefined) return existsSync(chosen) ? chosen : undefined;
  const directories = [...(process.env.PATH ?? '').split(':').filter(Boolean), ...SEARCHED];
  return directories.map((directory) => join(directory, name)).find((path) => existsSync(path));
}

/** The first line the binary prints for `args` (its version), or undefined when it prints nothing. */
export function binaryVersion(binary: string, args: readonly string[]): string | undefined {
  try {
    const output = execFileSync(binary, [...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return output.split('\n')[0]?.trim() || undefined;
  } catch (error) {
    // nginx -v prints to stderr.
    const stderr = (error as { stderr?: unknown }).stderr;
    return typeof stderr === 'string' ? stderr.split('\n')[0]?.trim() : undefined;
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Runs `binary args` and resolves once 127.0.0.1:`port` accepts connections. */
export async function startExternalPeer(binary: string, args: readonly string[], port: number): Promise<ExternalPeer> {
  const child = spawn(binary, [...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline || child.pid === undefined) {
      await stopProcess(child);
      throw new Error(`${binary} did not listen on ${port}: ${stderr.trim()}`);
    }
    await sleep(20);
  }
  return { url: `http://127.0.0.1:${port}`, pid: child.pid as number, stop: () => stopProcess(child) };
}
