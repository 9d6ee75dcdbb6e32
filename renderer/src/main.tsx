/** Entry: one client for the whole app (IPC bridge in Electron, else HTTP), then the app. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createClient } from './api/index.js';
import { App } from './app/App.js';
import './styles/app.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App client={createClient()} />
  </StrictMode>,
);
