/**
 * One shared 1-second ticker for every live countdown and "stale for N s" text. Subscribers write their own
 * text node directly, so a tick touches only those nodes and never re-renders React trees.
 */
type TickListener = (nowMs: number) => void;

const listeners = new Set<TickListener>();
let timer: ReturnType<typeof setTimeout> | undefined;

function schedule(): void {
  // align to the next whole second so every countdown changes at the same moment
  const delay = 1000 - (Date.now() % 1000) + 5;
  timer = setTimeout(tick, delay);
}

function tick(): void {
  const now = Date.now();
  for (const l of listeners) l(now);
  if (listeners.size) schedule();
  else timer = undefined;
}

export function subscribeTick(listener: TickListener): () => void {
  listeners.add(listener);
  if (timer === undefined) schedule();
  return () => {
    listeners.delete(listener);
    if (!listeners.size && timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
  };
}

export function tickListenerCount(): number {
  return listeners.size;
}
