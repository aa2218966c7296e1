import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles.css';
import './theme/theme.css';
import { useSettings } from './stores/settings';

// The saved appearance is already on <html> (theme-boot.js); the engine's settings confirm it.
void useSettings.getState().load();

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
