// `npm run package`: bundles the cofnod program if one has been built, then writes
// cofnod.vsix with @vscode/vsce.
//
// The program is taken from $COFNOD_BINARY if set, else from the release build:
// $CARGO_TARGET_DIR/release/cofnod when cargo builds elsewhere (a relative folder is
// taken from the repository's root, as cargo run there takes it), else
// ../../target/release/cofnod (cofnod.exe on Windows); it is copied to bin/. A .vsix with a bundled program only works
// on the platform it was built for, so it is packaged for that target (linux-x64,
// darwin-arm64, win32-x64, ...) and VS Code refuses it elsewhere. Without a program the
// .vsix is universal and uses cofnod from PATH or from the cofnod.path setting.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const exe = process.platform === 'win32' ? 'cofnod.exe' : 'cofnod';
const repo = path.resolve(root, '..', '..');
const targetDir = process.env.CARGO_TARGET_DIR ? path.resolve(repo, process.env.CARGO_TARGET_DIR) : path.join(repo, 'target');
const source = process.env.COFNOD_BINARY || path.join(targetDir, 'release', exe);
const binDir = path.join(root, 'bin');
const bundled = path.join(binDir, exe);

if (fs.existsSync(source) && fs.statSync(source).isFile()) {
    fs.mkdirSync(binDir, { recursive: true });
    fs.copyFileSync(source, bundled);
    fs.chmodSync(bundled, 0o755);
    console.log(`Bundling ${path.relative(root, source) || source} as bin/${exe}.`);
} else if (fs.existsSync(bundled)) {
    console.log(`No program at ${source}; bundling the bin/${exe} already there.`);
} else {
    console.log(`No program at ${source}: the .vsix will use cofnod from PATH or cofnod.path.`);
}

const args = ['package', '--no-dependencies', '--out', path.join(root, 'cofnod.vsix')];
if (fs.existsSync(bundled)) {
    const target = vsceTarget(process.platform, process.arch);
    if (target) {
        args.push('--target', target);
    } else {
        console.warn(`No VS Code target for ${process.platform}-${process.arch}: packaging a universal .vsix.`);
    }
}

const require = createRequire(import.meta.url);
const vsce = path.join(path.dirname(require.resolve('@vscode/vsce/package.json')), 'vsce');
console.log(`vsce ${args.join(' ')}`);
const run = spawnSync(process.execPath, [vsce, ...args], { cwd: root, stdio: 'inherit' });
process.exit(run.status ?? 1);

function vsceTarget(platform, arch) {
    const archs = { x64: 'x64', arm64: 'arm64', arm: 'armhf' };
    if (!archs[arch] || !['win32', 'linux', 'darwin'].includes(platform)) {
        return undefined;
    }
    if (platform === 'linux' && isMusl()) {
        return arch === 'arm' ? undefined : `alpine-${archs[arch]}`;
    }
    if (platform !== 'linux' && arch === 'arm') {
        return undefined;
    }
    return `${platform}-${archs[arch]}`;
}

function isMusl() {
    const report = process.report?.getReport?.();
    return Boolean(report && report.header && !report.header.glibcVersionRuntime);
}
