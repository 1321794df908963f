import { defineConfig } from 'vite';

// The build is embedded in the smartdairy binary (cmake/embed_web.cmake) and served under a
// strict CSP (script-src 'self'; style-src 'self'): no inline script or style may be emitted.
export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    assetsInlineLimit: 0, // every asset a file of its own: nothing as data: URLs
    modulePreload: { polyfill: false }, // one entry chunk; the polyfill would be dead code
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: {
    // `npm run dev` proxies the API to a running `make run`.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
