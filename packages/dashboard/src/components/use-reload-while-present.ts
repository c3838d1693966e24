/**
 * Keeps a list current (request counts, last use) while someone is looking at it: every `everyMs`, if the tab is
 * visible and the person has moved, typed or scrolled since the last reload, and at once when they come back to the
 * tab. An unattended tab sends nothing, so the session's idle timeout still means what it says.
 */
import { useEffect } from 'preact/hooks';

const ACTIVITY_EVENTS = ['pointermove', 'pointerdown', 'keydown', 'wheel', 'touchstart'] as const;

export function useReloadWhilePresent(reload: () => void, everyMs: number): void {
  useEffect(() => {
    let activeSinceReload = false;
    const noteActivity = () => {
      activeSinceReload = true;
    };
    const reloadNow = () => {
      activeSinceReload = false;
      reload();
    };
    const onTick = () => {
      if (activeSinceReload && document.visibilityState === 'visible') reloadNow();
    };
    const onVisibilityChange = () => {
      if (document.visibilityState === 'visible') reloadNow();
    };
    const timer = setInterval(onTick, everyMs);
    for (const name of ACTIVITY_EVENTS) addEventListener(name, noteActivity, { passive: true, capture: true });
    document.addEventListener('visibilitychange', onVisibilityChange);
    return () => {
      clearInterval(timer);
      for (const name of ACTIVITY_EVENTS) removeEventListener(name, noteActivity, { capture: true });
      document.removeEventListener('visibilitychange', onVisibilityChange);
    };
  }, [reload, everyMs]);
}
