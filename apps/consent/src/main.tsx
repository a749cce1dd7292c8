import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import './styles.css';

async function start(): Promise<void> {
  // `vite --mode mock`: MSW answers the API in the browser. Statically false in other builds, so the
  // mocks are not even bundled.
  if (import.meta.env.MODE === 'mock') {
    const { startMocks } = await import('./mock.ts');
    await startMocks();
  }
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

void start();
