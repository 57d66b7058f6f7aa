import { Component, type ReactNode } from 'react';
import { errorText } from '../../../shared/util/error-text';

interface State {
  message: string | null;
}

/** A screen that fails to render shows what happened instead of a blank window; the rest of the shell stays. */
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey: string }, State> {
  override state: State = { message: null };

  static getDerivedStateFromError(error: unknown): State {
    return { message: errorText(error) };
  }

  override componentDidUpdate(prev: { resetKey: string }): void {
    if (prev.resetKey !== this.props.resetKey && this.state.message !== null) this.setState({ message: null });
  }

  override render(): ReactNode {
    if (this.state.message === null) return this.props.children;
    return (
      <div className="state state-error" role="alert">
        This screen failed to render: {this.state.message}. <a href="#/fleet">Back to the fleet overview</a>
      </div>
    );
  }
}
