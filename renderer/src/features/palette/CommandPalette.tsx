import { useEffect, useMemo, useRef, useState } from 'react';
import { navigate } from '../../lib/router';
import { appStore } from '../../store/app-store';
import { useApp } from '../../store/use-app';
import { buildCommands, type Command } from './commands';
import { sortEvents } from '../../store/selectors/attendees';
import { setTheme } from '../settings/theme';

/** Ctrl/Cmd+K: jump to any screen, portal or environment, switch theme, or look up a person. */
export function CommandPalette() {
  const open = useApp((s) => s.paletteOpen);
  const order = useApp((s) => s.portalOrder);
  const snapshots = useApp((s) => s.snapshots);
  const events = useApp((s) => s.events);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const ref = useRef<HTMLDialogElement>(null);

  // built only while open: snapshots change every few seconds and the list is not needed otherwise
  const commands = useMemo(
    () =>
      open
        ? buildCommands(
            order.map((id) => snapshots[id]).filter((p) => p !== undefined),
            query,
            sortEvents(Object.values(events)),
          )
        : [],
    [open, order, snapshots, query, events],
  );

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      setQuery('');
      setActive(0);
      d.showModal();
    }
    if (!open && d.open) d.close();
  }, [open]);

  const close = () => appStore.getState().setPaletteOpen(false);
  const run = (c: Command | undefined) => {
    if (!c) return;
    close();
    if ('route' in c.run) navigate(c.run.route);
    else void setTheme(c.run.theme);
  };

  return (
    <dialog
      ref={ref}
      className="dialog palette"
      aria-label="Command palette"
      onCancel={(e) => {
        e.preventDefault();
        close();
      }}
      onClick={(e) => {
        if (e.target === ref.current) close();
      }}
    >
      <input
        className="palette-input"
        role="combobox"
        aria-expanded="true"
        aria-controls="palette-list"
        aria-activedescendant={commands[active] ? `cmd-${commands[active].id}` : undefined}
        aria-label="Type a command, screen, portal or person"
        placeholder="Type a command, screen, portal or person…"
        value={query}
        autoFocus
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setActive((a) => Math.min(a + 1, commands.length - 1));
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            setActive((a) => Math.max(a - 1, 0));
          } else if (e.key === 'Enter') {
            e.preventDefault();
            run(commands[active]);
          }
        }}
      />
      <ul id="palette-list" role="listbox" aria-label="Commands" className="palette-list">
        {commands.slice(0, 50).map((c, i) => (
          <li
            key={c.id}
            id={`cmd-${c.id}`}
            role="option"
            aria-selected={i === active}
            className="palette-item"
            onMouseMove={() => setActive(i)}
            onClick={() => run(c)}
          >
            <span>{c.label}</span>
            <kbd>{c.hint}</kbd>
          </li>
        ))}
        {commands.length === 0 && <li className="muted">Nothing matches.</li>}
      </ul>
    </dialog>
  );
}
