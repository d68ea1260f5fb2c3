import { Component, type ReactNode } from 'react';
import { toErrorInfo, type ErrorInfo } from '../../../shared/errors';
import { ErrorView } from './ErrorView';

interface Props {
  children: ReactNode;
  /** What failed, for the message ("the preview", "the app"). */
  what: string;
  /** Remounts the children when it changes (e.g. another node is selected). */
  resetKey?: string;
}

/** Never a blank screen: a render error shows what broke, with a way to try again. */
export class ErrorBoundary extends Component<
  Props,
  { error: ErrorInfo | undefined; key?: string }
> {
  override state: { error: ErrorInfo | undefined; key?: string } = { error: undefined };

  static getDerivedStateFromError(e: unknown) {
    return { error: toErrorInfo(e) };
  }

  static getDerivedStateFromProps(
    props: Props,
    state: { error: ErrorInfo | undefined; key?: string },
  ) {
    return props.resetKey !== state.key ? { error: undefined, key: props.resetKey } : null;
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="boundary">
        <ErrorView error={this.state.error} title={`${this.props.what} failed`} />
        <button onClick={() => this.setState({ error: undefined })}>Try again</button>
      </div>
    );
  }
}
