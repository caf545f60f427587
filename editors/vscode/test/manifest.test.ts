// Checks package.json against the server's interface and the code in src/logic.ts.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as logic from '../src/logic';

// Compiled to out/test/, so the package is two folders up.
const root = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const properties: Record<string, Record<string, unknown>> = manifest.contributes.configuration.properties;
const readJson = (file: string): Record<string, string> => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));
// The manifest's words are in package.nls.json (English) and package.nls.cy.json (Welsh).
const nls = readJson('package.nls.json');
const nlsCy = readJson('package.nls.cy.json');
const english = (value: string): string => (/^%.+%$/.test(value) ? nls[value.slice(1, -1)] : value);

/** Every `%key%` the manifest uses. */
function keysUsed(value: unknown, found: string[] = []): string[] {
    if (typeof value === 'string' && /^%.+%$/.test(value)) {
        found.push(value.slice(1, -1));
    } else if (Array.isArray(value)) {
        value.forEach((v) => keysUsed(v, found));
    } else if (value && typeof value === 'object') {
        Object.values(value).forEach((v) => keysUsed(v, found));
    }
    return found;
}

/** The placeholders of a message: `{0}`, `{1}` … */
const placeholders = (message: string): string[] => [...new Set(message.match(/\{\d+\}/g) ?? [])].sort();

describe('package.json', () => {
    it('activates on markdown and plain text and points at the bundle', () => {
        assert.deepEqual(manifest.activationEvents, ['onLanguage:markdown', 'onLanguage:plaintext']);
        assert.equal(manifest.main, './dist/extension.js');
        assert.equal(manifest.engines.vscode, '^1.85.0');
        assert.equal(manifest.name, 'cofnod');
        assert.equal(manifest.publisher, 'cofnod');
        assert.equal(manifest.license, 'MIT');
        assert.ok(manifest.repository, 'vsce asks about a missing repository');
    });

    it('does not use an @types/vscode newer than engines.vscode (vsce refuses it)', () => {
        const types = String(manifest.devDependencies['@types/vscode']).replace(/^[~^]/, '');
        const [tMajor, tMinor] = types.split('.').map(Number);
        const [eMajor, eMinor] = String(manifest.engines.vscode).replace(/^[~^]/, '').split('.').map(Number);
        assert.ok(tMajor < eMajor || (tMajor === eMajor && tMinor <= eMinor), `${types} > ${manifest.engines.vscode}`);
    });

    it('contributes every setting, with a description and its default', () => {
        const expected = [...logic.SERVER_SETTING_KEYS, ...logic.CLIENT_SETTING_KEYS].map((k) => `cofnod.${k}`).sort();
        assert.deepEqual(Object.keys(properties).sort(), expected);
        const defaults = logic.shapeSettings(() => undefined);
        for (const key of logic.SERVER_SETTING_KEYS) {
            const prop = properties[`cofnod.${key}`];
            assert.ok(english(String(prop.markdownDescription ?? prop.description ?? '')), `${key} has a description`);
            assert.deepEqual(prop.default, logic.getterOf(defaults)(key), `${key} default`);
        }
        assert.equal(properties['cofnod.path'].default, '');
        assert.equal(properties['cofnod.path'].scope, 'machine', 'a workspace must not choose the program to run');
    });

    it('gives every enum a description per value, matching the code', () => {
        const enums: Record<string, readonly string[]> = {
            'cofnod.language': logic.MESSAGE_LANGUAGES,
            'cofnod.trace.server': logic.TRACE_LEVELS,
        };
        for (const [key, values] of Object.entries(enums)) {
            assert.deepEqual(properties[key].enum, values, key);
            assert.equal((properties[key].enumDescriptions as string[]).length, values.length, key);
        }
        const severity = properties['cofnod.severity'] as {
            properties: Record<string, { enum: string[]; enumDescriptions: string[] }>;
            additionalProperties: { enum: string[]; enumDescriptions: string[] };
        };
        assert.deepEqual(Object.keys(severity.properties), logic.CATEGORY_IDS);
        for (const s of [...Object.values(severity.properties), severity.additionalProperties]) {
            assert.deepEqual(s.enum, logic.SEVERITIES);
            assert.equal(s.enumDescriptions.length, s.enum.length);
        }
    });

    it('contributes the client’s commands and none of the server’s own ids', () => {
        const ids = manifest.contributes.commands.map((c: { command: string }) => c.command).sort();
        assert.deepEqual(ids, Object.values(logic.CLIENT_COMMANDS).sort());
        for (const c of manifest.contributes.commands) {
            assert.equal(c.category, 'cofnod');
            assert.ok(english(c.title), c.command);
        }
        const serverIds: string[] = Object.values(logic.SERVER_COMMANDS);
        const mentioned = JSON.stringify(manifest.contributes);
        for (const id of serverIds) {
            assert.equal(mentioned.includes(`"${id}"`), false, `${id} is registered by vscode-languageclient`);
        }
        const explain = manifest.contributes.commands.find((c: { command: string }) => c.command === 'cofnod.explain');
        assert.equal(english(explain.title), 'Explain a finding');
        const check = manifest.contributes.commands.find((c: { command: string }) => c.command === 'cofnod.checkWorkspace');
        assert.equal(english(check.title), 'Check the whole workspace folder');
    });

    it('has every word of the manifest in English and in Welsh', () => {
        const used = [...new Set(keysUsed(manifest))].sort();
        assert.ok(used.length >= 30, `only ${used.length} translated strings`);
        assert.deepEqual(Object.keys(nls).sort(), used, 'package.nls.json has exactly the keys package.json uses');
        assert.deepEqual(Object.keys(nlsCy).sort(), used, 'package.nls.cy.json has exactly the keys package.json uses');
        for (const key of used) {
            assert.ok(nlsCy[key].trim() !== '', key);
            assert.deepEqual(placeholders(nlsCy[key]), placeholders(nls[key]), key);
        }
        // The command titles a Welsh writer sees in the command palette.
        assert.equal(nlsCy['command.explain'], 'Esbonio canfyddiad');
        for (const c of manifest.contributes.commands) {
            assert.notEqual(nlsCy[c.title.slice(1, -1)], english(c.title), `${c.command} has a Welsh title`);
        }
        // Untranslated manifest fields would show English in a Welsh VS Code.
        for (const [key, prop] of Object.entries(properties)) {
            for (const field of ['markdownDescription', 'description']) {
                const value = prop[field];
                assert.ok(value === undefined || /^%.+%$/.test(String(value)), `${key}.${field} is not in package.nls.json`);
            }
        }
    });

    it('has a Welsh translation of every message the extension shows', () => {
        const bundle = readJson('l10n/bundle.l10n.cy.json');
        assert.equal(manifest.l10n, './l10n');
        const source = fs.readdirSync(path.join(root, 'src'))
            .filter((f) => f.endsWith('.ts'))
            .map((f) => fs.readFileSync(path.join(root, 'src', f), 'utf8'))
            .join('\n');
        // Every t('…') in the code (messages are single-quoted literals), and the check
        // descriptions the Explain picker shows through t(c.finds).
        const messages = [...source.matchAll(/\bt\(\s*'((?:[^'\\]|\\.)*)'/g)].map((m) => m[1].replace(/\\(.)/g, '$1'));
        messages.push(...logic.CATEGORIES.map((c) => c.finds));
        assert.ok(messages.length >= 40, `only ${messages.length} messages found`);
        for (const message of messages) {
            assert.ok(bundle[message] !== undefined, `no Welsh for: ${message}`);
            assert.deepEqual(placeholders(bundle[message]), placeholders(message), message);
        }
        assert.deepEqual(Object.keys(bundle).filter((k) => !messages.includes(k)), [], 'Welsh for messages the code no longer has');
    });

    it('packs the translations into the .vsix', () => {
        const ignore = fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8').split('\n');
        for (const file of ['package.nls.json', 'package.nls.cy.json', 'l10n/bundle.l10n.cy.json']) {
            assert.ok(ignore.includes(`!${file}`), file);
        }
    });
});
