import type { UserConfig } from 'vite';

// The workspace packages are read from their TypeScript sources (the `@gflownet/source` export
// condition), so the page needs no library build; `base: './'` makes the built site work from any
// folder of any static server.
const config: UserConfig = {
  base: './',
  resolve: { conditions: ['@gflownet/source', 'module', 'browser', 'development|production'] },
  // Two pages: the training demo and the sEH proxy page (RDKit from a URL), both opened by the browser test.
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    rolldownOptions: { input: { main: 'index.html', seh: 'seh.html' } },
  },
  server: { host: '127.0.0.1' },
};

export default config;
