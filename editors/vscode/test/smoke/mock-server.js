// A stand-in for `cofnod lsp` for the smoke test: speaks just enough of the protocol,
// and writes every message it receives to the file named by $MOCK_LOG (one JSON a line).
'use strict';
const fs = require('fs');

const log = (obj) => fs.appendFileSync(process.env.MOCK_LOG, JSON.stringify(obj) + '\n');
const pending = new Map();
let buffer = Buffer.alloc(0);
let nextId = 1000;

function send(msg) {
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...msg }), 'utf8');
    process.stdout.write(`Content-Length: ${body.length}\r\n\r\n`);
    process.stdout.write(body);
}

function request(method, params) {
    const id = nextId++;
    send({ id, method, params });
    return new Promise((resolve) => pending.set(id, resolve));
}

process.stdin.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
        const headerEnd = buffer.indexOf('\r\n\r\n');
        if (headerEnd < 0) {
            return;
        }
        const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, headerEnd).toString())[1]);
        if (buffer.length < headerEnd + 4 + length) {
            return;
        }
        const msg = JSON.parse(buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8'));
        buffer = buffer.subarray(headerEnd + 4 + length);
        handle(msg).catch((err) => log({ error: String(err) }));
    }
});
process.stdin.on('end', () => process.exit(0));

async function handle(msg) {
    if (msg.method === undefined) {
        pending.get(msg.id)?.(msg.result);
        return;
    }
    log({ method: msg.method, params: msg.params });
    switch (msg.method) {
        case 'initialize':
            send({
                id: msg.id,
                result: {
                    capabilities: {
                        textDocumentSync: 1,
                        executeCommandProvider: {
                            commands: [
                                'cofnod.server.checkWorkspace',
                                'cofnod.server.explain',
                                'cofnod.server.ignoreFinding',
                                'cofnod.server.disableRule',
                            ],
                        },
                    },
                    serverInfo: { name: 'mock-cofnod' },
                },
            });
            break;
        case 'initialized':
            log({ configurationAnswer: await request('workspace/configuration', { items: [{ section: 'cofnod' }] }) });
            break;
        case 'textDocument/didOpen': {
            const uri = msg.params.textDocument.uri;
            send({
                method: 'textDocument/publishDiagnostics',
                params: {
                    uri,
                    diagnostics: [
                        {
                            range: { start: { line: 0, character: 12 }, end: { line: 0, character: 19 } },
                            severity: 2,
                            source: 'cofnod',
                            code: 'opinion-as-fact',
                            codeDescription: { href: 'https://example.invalid/opinion-as-fact' },
                            message: '“hostile” is a judgement written as a fact.',
                            data: { rule: 'opinion-as-fact/hostile' },
                        },
                    ],
                },
            });
            send({ method: 'cofnod/status', params: { uri, language: 'mixed', findings: 1 } });
            break;
        }
        case 'workspace/executeCommand':
            if (msg.params.command === 'cofnod.server.explain') {
                const [id, lang] = msg.params.arguments;
                send({ id: msg.id, result: { title: `Title of ${id}`, markdown: `Explanation of ${id} in ${lang ?? 'the default language'}.` } });
            } else if (msg.params.command === 'cofnod.server.checkWorkspace') {
                send({ id: msg.id, result: { files: 4, findings: 25, errors: 1 } });
            } else {
                send({ id: msg.id, error: { code: -32601, message: 'unknown command' } });
            }
            break;
        case 'shutdown':
            send({ id: msg.id, result: null });
            break;
        case 'exit':
            process.exit(0);
            break;
        default:
            if (msg.id !== undefined) {
                send({ id: msg.id, result: null });
            }
    }
}
