import { memo, useState } from 'react';
import type { AttentionItem } from '../../store/selectors/now';
import { useRetry } from './use-retry';

const KIND_TEXT: Record<AttentionItem['kind'], string> = {
  portal: 'Portal',
  capacity: 'Capacity',
  expiring: 'Ending soon',
  activation: 'Activation',
  failed: 'Failed',
};

function RetryAction({ item }: { item: AttentionItem }) {
  const { retrying, note, retry } = useRetry(item.portalId);
  return (
    <span className="attention-actions">
      <button
        type="button"
        className="small"
        onClick={retry}
        disabled={retrying}
        aria-label={`Retry now: ${item.title}`}
      >
        {retrying ? 'Retrying…' : 'Retry now'}
      </button>
      <a href={item.action.href}>Edit portal</a>
      <span role="status" className="muted">
        {note}
      </span>
    </span>
  );
}

/** What needs attention now, most urgent first, each with the action that fixes it. */
/** items shown before "Show all": the most urgent fit on screen without pushing the portal cards away */
const FIRST = 8;

export const AttentionList = memo(function AttentionList({
  items,
  checking = false,
}: {
  items: AttentionItem[];
  checking?: boolean;
}) {
  const [all, setAll] = useState(false);
  const shown = all ? items : items.slice(0, FIRST);
  return (
    <section className="attention" aria-labelledby="attention-title" data-testid="attention">
      <h2 id="attention-title">
        Needs attention <span className="count">{checking ? '…' : items.length}</span>
      </h2>
      {checking ? (
        <p className="muted">Checking every portal…</p>
      ) : items.length === 0 ? (
        <p className="muted" data-testid="attention-none">
          Nothing needs attention: every portal answers and no environment is near its capacity.
        </p>
      ) : (
        <ol className="attention-list">
          {shown.map((i) => (
            <li key={i.key} className="attention-item" data-kind={i.kind} data-key={i.key} data-testid="attention-item">
              <span className="attention-kind">{KIND_TEXT[i.kind]}</span>
              <span className="attention-text">
                <strong>{i.title}</strong>
                <span className="attention-detail" data-testid="attention-detail">
                  {i.detail}
                </span>
              </span>
              {i.action.kind === 'retry' ? (
                <RetryAction item={i} />
              ) : (
                <span className="attention-actions">
                  <a href={i.action.href}>{i.action.label}</a>
                </span>
              )}
            </li>
          ))}
        </ol>
      )}
      {!checking && items.length > FIRST && (
        <button type="button" className="small" onClick={() => setAll(!all)} aria-expanded={all}>
          {all ? `Show the first ${FIRST}` : `Show all ${items.length}`}
        </button>
      )}
    </section>
  );
});
