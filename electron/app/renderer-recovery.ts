/**
 * What happens when the window's renderer process dies (`render-process-gone`: a crash, an out-of-memory kill, a
 * GPU fault). Without this the window stayed blank until the console was restarted, while the core and the
 * engine ran on unseen. The page holds no state of its own (everything is in main), so it is simply reloaded.
 * Not in a loop: a renderer that dies again and again (a page that crashes on load) is given up after a few
 * deaths in a short time, and the user is told instead.
 */
export interface GoneDetails {
  reason: string;
  exitCode: number;
}

/** The part of Electron's WebContents this needs (a fake in tests). */
export interface RecoverableContents {
  on(event: 'render-process-gone', listener: (event: unknown, details: GoneDetails) => void): unknown;
  off(event: 'render-process-gone', listener: (event: unknown, details: GoneDetails) => void): unknown;
  reload(): void;
  isDestroyed(): boolean;
}

export interface RecoveryOptions {
  /** deaths within `windowMs` at which reloading stops; default 3 */
  maxCrashes?: number;
  /** default 60 s */
  windowMs?: number;
  now?: () => number;
  log: (line: string) => void;
  /** told once, when reloading stops (Electron: an error box) */
  giveUp: (message: string) => void;
}

/** Watches `contents`; returns the function that stops watching. */
export function recoverRendererCrashes(contents: RecoverableContents, options: RecoveryOptions): () => void {
  const maxCrashes = options.maxCrashes ?? 3;
  const windowMs = options.windowMs ?? 60_000;
  const now = options.now ?? Date.now;
  let deaths: number[] = [];
  let gaveUp = false;

  const onGone = (_event: unknown, details: GoneDetails) => {
    // A clean exit is the window closing, not a crash.
    if (details.reason === 'clean-exit' || gaveUp || contents.isDestroyed()) return;
    const t = now();
    deaths = deaths.filter((d) => t - d < windowMs);
    deaths.push(t);
    const what = `the console's window stopped (${details.reason}, exit code ${details.exitCode})`;
    if (deaths.length >= maxCrashes) {
      gaveUp = true;
      const message =
        `${what}, ${deaths.length} times within ${Math.round(windowMs / 1000)} s, so it is not reloaded again. ` +
        'Close the window and start Portal Console again; the portals, sessions and rosters are not affected.';
      options.log(`portal-console: ${message}`);
      options.giveUp(message);
      return;
    }
    options.log(`portal-console: ${what}; reloading it`);
    contents.reload();
  };
  contents.on('render-process-gone', onGone);
  return () => {
    contents.off('render-process-gone', onGone);
  };
}
