import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { initApi } from './lib/api';
import { installShortcuts } from './features/palette/shortcuts';
import { appStore } from './store/app-store';
import { startSync } from './store/sync';
import { App } from './App';
import './styles/base.css';
import './styles/layout.css';
import './styles/components.css';
import './styles/events.css';
import './styles/liveview.css';

// the transport first: it takes the web token out of the address bar before the router reads the hash
initApi();
startSync(appStore);
installShortcuts();

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
