import type { ReactNode } from 'react';

export function Loading({ what }: { what: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state state-empty">{children}</div>;
}

export function ErrorBox({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <div className="state state-error" role="alert" data-testid={testId}>
      {children}
    </div>
  );
}
