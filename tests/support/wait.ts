/**
 * Bounded polling for what another process does on its own schedule (a running server noticing a key
 * rotated by the CLI). Within one process a clock would do; across processes we can only observe.
 */
export async function waitUntil<T>(
  what: string,
  check: () => Promise<T | undefined>,
  options: { timeoutMs: number; intervalMs?: number },
): Promise<{ value: T; elapsedMs: number }> {
  const started = Date.now();
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return { value, elapsedMs: Date.now() - started };
    } catch (error) {
      lastError = error;
    }
    if (Date.now() - started > options.timeoutMs) {
      const detail = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
      throw new Error(`${what}: not within ${options.timeoutMs} ms${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}
