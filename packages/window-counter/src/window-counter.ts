/** A key's current window: the hits counted in it and when it ends (epoch milliseconds, by the caller's clock). */
export interface WindowCount {
  count: number;
  resetAtMs: number;
}

/** What `peek` answers for a key with no open window. */
export const NO_WINDOW: Readonly<WindowCount> = Object.freeze({ count: 0, resetAtMs: 0 });

export interface WindowCounter {
  /**
   * Counts one hit and returns the window as it is afterwards, in one atomic step: concurrent hits never see the
   * same count. The key's first hit opens a window of `windowMs`; later hits in it do not extend it.
   */
  hit(key: string, windowMs: number): Promise<WindowCount>;
  /** The window without counting anything; `NO_WINDOW` when none is open. */
  peek(key: string): Promise<WindowCount>;
  /** Takes one hit back: never below zero, and never opens a window. */
  takeBack(key: string): Promise<void>;
  /** Ends the key's window. */
  reset(key: string): Promise<void>;
}

/** A window must be a positive whole number of milliseconds (Redis's PEXPIRE takes nothing else). */
export function assertWindowMs(windowMs: number): void {
  if (!Number.isSafeInteger(windowMs) || windowMs <= 0) throw new TypeError('windowMs must be a positive integer');
}
