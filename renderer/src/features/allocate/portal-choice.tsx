import { useEffect, useMemo, useState } from 'react';
import type { PortalSnapshot } from '../../../../shared/contract';
import { useApp } from '../../store/use-app';

/**
 * The portal and workshop environment to allocate on (New session, Roster). Starts from the given ones, falls
 * back to the first portal once portals are known, and to the portal's first environment whenever the chosen one
 * is not (or no longer) running there.
 */
export function usePortalChoice(initialPortal: string | null = null, initialEnvironment: string | null = null) {
  const order = useApp((s) => s.portalOrder);
  const snapshots = useApp((s) => s.snapshots);
  const [portal, setPortal] = useState(initialPortal ?? order[0] ?? '');
  const [env, setEnv] = useState(initialEnvironment ?? '');

  useEffect(() => {
    if (!portal && order[0]) setPortal(order[0]);
  }, [order, portal]);
  const environments = useMemo(() => snapshots[portal]?.environments ?? [], [snapshots, portal]);
  useEffect(() => {
    if (!environments.some((e) => e.name === env) && environments[0]) setEnv(environments[0].name);
  }, [environments, env]);

  return { order, snapshots, portal, setPortal, env, setEnv, environments };
}

/** A select of every portal by label, in display order. */
export function PortalSelect({
  order,
  snapshots,
  value,
  onChange,
  disabled,
  label,
}: {
  order: readonly string[];
  snapshots: Record<string, PortalSnapshot>;
  value: string;
  onChange(portalId: string): void;
  disabled?: boolean;
  /** the accessible name, when the wrapping label's text would also take in the chosen option */
  label?: string;
}) {
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)} disabled={disabled} aria-label={label}>
      {order.map((id) => (
        <option key={id} value={id}>
          {snapshots[id]?.label ?? id}
        </option>
      ))}
    </select>
  );
}
