import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

// One build for every runtime: the Electron main process, the serve-mode host, the engine
// worker and the CLI share out/main; the preload and the renderer have their own bundles.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      externalizeDeps: true,
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'electron/main.ts'),
          serve: resolve(__dirname, 'engine/serve/entry.ts'),
          'engine-worker': resolve(__dirname, 'engine/host/engine-worker.ts'),
          cli: resolve(__dirname, 'engine/cli/entry.ts'),
          'indicators-pool': resolve(__dirname, 'engine/indicators/pool-worker.ts'),
        },
        output: { format: 'cjs', entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].js' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rollupOptions: { input: { index: resolve(__dirname, 'renderer/index.html') } },
    },
  },
});
