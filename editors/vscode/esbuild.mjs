// Bundles src/extension.ts and vscode-languageclient into dist/extension.js, so the
// .vsix needs no node_modules. `--production` minifies and leaves out the source map;
// `--outfile=FILE` writes elsewhere (the smoke test bundles to out/smoke/extension.js).
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const outfile = process.argv.find((a) => a.startsWith('--outfile='))?.slice('--outfile='.length) ?? 'dist/extension.js';

await esbuild.build({
    entryPoints: ['src/extension.ts'],
    bundle: true,
    outfile,
    format: 'cjs',
    platform: 'node',
    target: 'node18',
    external: ['vscode'],
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    legalComments: 'none',
    logLevel: 'info',
});
