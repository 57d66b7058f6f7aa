import { defineConfig, type Plugin } from 'vite';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventNames, methodNames } from '../../shared/contract/api';

/**
 * Bundles the preload into ONE CommonJS file: a sandboxed preload may `require('electron')` but no local
 * files. The contract module (zod schemas and all) is swapped for its two name lists, computed here from the
 * contract itself, so the preload stays a few kilobytes with no validation logic and cannot drift.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const contractApi = path.resolve(here, '../../shared/contract/api');
const NAMES_ID = '\0contract-names';

function contractNamesOnly(): Plugin {
  return {
    name: 'contract-names-only',
    enforce: 'pre',
    resolveId(source, importer) {
      if (!importer || !source.startsWith('.')) return null;
      const target = path.resolve(path.dirname(importer), source).replace(/\.(ts|js)$/, '');
      return target === contractApi ? NAMES_ID : null;
    },
    load(id) {
      if (id !== NAMES_ID) return null;
      return `export const methodNames = ${JSON.stringify(methodNames)};\nexport const eventNames = ${JSON.stringify(eventNames)};\n`;
    },
  };
}

export default defineConfig({
  configFile: false,
  publicDir: false,
  logLevel: 'warn',
  plugins: [contractNamesOnly()],
  build: {
    outDir: path.resolve(here, '../../dist/preload'),
    emptyOutDir: true,
    sourcemap: true,
    minify: false,
    target: 'es2022',
    ssr: path.resolve(here, 'preload.ts'),
    rollupOptions: {
      external: ['electron'],
      output: { format: 'cjs', entryFileNames: 'preload.js' },
    },
  },
  ssr: { noExternal: true, external: ['electron'] },
});
