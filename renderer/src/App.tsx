import { lazy, memo, Suspense, useEffect } from 'react';
import { useRoute, routeHref, type Route } from './lib/router';
import { applyTheme } from './features/settings/theme';
import { useApp } from './store/use-app';
import { appStore } from './store/app-store';
import type { Connection } from './store/ui.slice';
import { SCREENS } from './features/palette/commands';
import { CommandPalette } from './features/palette/CommandPalette';
import { FleetOverview } from './features/fleet/FleetOverview';
import { PresenterView } from './features/fleet/PresenterView';
import { EnvironmentView } from './features/sessions/EnvironmentView';
import { PeopleView } from './features/people/PeopleView';
import { CreateSession } from './features/allocate/CreateSession';
import { EventsView, NewEventView } from './features/events/EventsView';
import { EventView } from './features/events/EventView';
import { SettingsView } from './features/settings/SettingsView';
import { PortalsView } from './features/portals/PortalsView';
import { Toasts } from './features/alerts/Toasts';
import { Loading } from './ui/States';
import { ErrorBoundary } from './ui/ErrorBoundary';

// the projector view (and the QR code library) loads when a facilitator first opens it
const ProjectorView = lazy(() => import('./features/events/ProjectorView').then((m) => ({ default: m.ProjectorView })));
// recharts is large: the timeline loads on first visit so the fleet overview renders sooner
const CapacityTimeline = lazy(() =>
  import('./features/timeline/CapacityTimeline').then((m) => ({ default: m.CapacityTimeline })),
);

const CONNECTION_TEXT: Record<Connection, string> = {
  open: 'Connected',
  down: 'Reconnecting to the console…',
  connecting: 'Connecting…',
};

/**
 * The current screen. Memoized on the route (useRoute keeps its object while the hash is unchanged), so the shell
 * re-rendering for the connection state, a notice or the theme does not re-render a screen with 10,000 rows.
 */
const Screen = memo(function Screen({ route }: { route: Route }) {
  switch (route.name) {
    case 'fleet':
      return <FleetOverview />;
    case 'environment':
      return (
        <EnvironmentView
          key={`${route.portalId}/${route.environment}`}
          portalId={route.portalId}
          environment={route.environment}
        />
      );
    case 'people':
      return <PeopleView initialQuery={route.query} />;
    case 'create':
      return (
        <CreateSession
          key={`${route.portalId ?? ''}/${route.environment ?? ''}`}
          portalId={route.portalId}
          environment={route.environment}
        />
      );
    case 'events':
      return <EventsView />;
    case 'event-new':
      return <NewEventView />;
    case 'event':
      return <EventView key={route.eventId} eventId={route.eventId} tab={route.tab} />;
    case 'projector':
      return null;
    case 'timeline':
      return (
        <Suspense fallback={<Loading what="the timeline" />}>
          <CapacityTimeline portalId={route.portalId} />
        </Suspense>
      );
    case 'settings':
      return <SettingsView />;
    case 'portals':
      return <PortalsView />;
    case 'present':
      return <FleetOverview />;
  }
});

function isCurrent(route: Route, target: Route): boolean {
  if (target.name === 'fleet') return route.name === 'fleet' || route.name === 'environment';
  if (target.name === 'events') return route.name === 'events' || route.name === 'event' || route.name === 'event-new';
  return route.name === target.name;
}

function Notice() {
  const notice = useApp((s) => s.notice);
  useEffect(() => {
    if (!notice) return;
    const t = window.setTimeout(() => appStore.getState().setNotice(null), 5000);
    return () => window.clearTimeout(t);
  }, [notice]);
  return (
    <p className="notice" role="status" aria-live="polite" data-testid="notice">
      {notice ?? ''}
    </p>
  );
}

export function App() {
  const route = useRoute();
  const theme = useApp((s) => s.settings.theme);
  const ready = useApp((s) => s.snapshotLoaded);
  const connection = useApp((s) => s.connection);
  const info = useApp((s) => s.appInfo);

  useEffect(() => applyTheme(theme), [theme]);
  useEffect(() => {
    // the marker tests and tools wait on: set once the first snapshot is in
    if (ready) document.body.dataset['ready'] = 'true';
  }, [ready]);

  // the projector view is the whole window: nothing of the console around it
  if (route.name === 'projector') {
    return (
      <Suspense fallback={<Loading what="the projector view" />}>
        <ProjectorView eventId={route.eventId} />
      </Suspense>
    );
  }
  // presenter mode is the whole page: no navigation, status bar or toasts on a projector
  if (route.name === 'present') return <PresenterView />;

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar no-print">
        <span className="brand">Portal Console</span>
        <nav aria-label="Screens">
          <ul>
            {SCREENS.map((s) => (
              <li key={s.key}>
                <a
                  href={routeHref(s.route)}
                  aria-current={isCurrent(route, s.route) ? 'page' : undefined}
                  title={`g ${s.key}`}
                >
                  {s.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <button
          type="button"
          className="palette-button"
          onClick={() => appStore.getState().setPaletteOpen(true)}
          aria-keyshortcuts="Control+K Meta+K"
        >
          Commands <kbd>Ctrl K</kbd>
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <ErrorBoundary resetKey={window.location.hash}>
          <Screen route={route} />
        </ErrorBoundary>
      </main>
      <footer className="statusbar no-print">
        <span data-connection={connection} className="connection">
          {CONNECTION_TEXT[connection]}
        </span>
        {info && (
          <span className="muted">
            v{info.version} · {info.mode}
          </span>
        )}
        <Notice />
        {ready && <span data-testid="app-ready" hidden />}
      </footer>
      <Toasts />
      <CommandPalette />
    </div>
  );
}
