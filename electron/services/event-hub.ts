import type { EventName, EventPayload } from '../../shared/contract';
import type { ConsoleEvents } from './core-types';

type Listener = (payload: never) => void;

/** The core's push channel; a listener that throws cannot break the services emitting events. */
export class EventHub implements ConsoleEvents {
  private readonly listeners = new Map<EventName, Set<Listener>>();

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    const l = listener as Listener;
    set.add(l);
    return () => {
      set.delete(l);
    };
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const l of this.listeners.get(event) ?? []) {
      try {
        (l as (p: EventPayload<E>) => void)(payload);
      } catch {
        // a faulty subscriber (e.g. a closed window) must not stop the monitor or an event's allocation
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
