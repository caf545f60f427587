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
            assert.ok(prop.markdownDescription || prop.description, `${key} has a description`);
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

    it('contributes the four commands and none of the server’s own ids', () => {
        const ids = manifest.contributes.commands.map((c: { command: string }) => c.command).sort();
        assert.deepEqual(ids, Object.values(logic.CLIENT_COMMANDS).sort());
        for (const c of manifest.contributes.commands) {
            assert.equal(c.category, 'cofnod');
            assert.ok(c.title);
        }
        const serverIds: string[] = Object.values(logic.SERVER_COMMANDS);
        const mentioned = JSON.stringify(manifest.contributes);
        for (const id of serverIds) {
            assert.equal(mentioned.includes(`"${id}"`), false, `${id} is registered by vscode-languageclient`);
        }
        const explain = manifest.contributes.commands.find((c: { command: string }) => c.command === 'cofnod.explain');
        assert.equal(explain.title, 'Explain a finding');
        const check = manifest.contributes.commands.find((c: { command: string }) => c.command === 'cofnod.checkWorkspace');
        assert.equal(check.title, 'Check the whole workspace folder');
    });
});
