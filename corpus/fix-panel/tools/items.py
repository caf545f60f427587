#!/usr/bin/env python3
"""The fix panel's items (issue 15): every fix and rewrite cofnod offers for the panel's
sentences, one row each, for two reviewers to judge apart.

    python3 corpus/fix-panel/tools/items.py COFNOD OUT_DIR

Reads corpus/fix-panel/{en,cy}.txt. Each block is checked as a note with the word lists
alone (`--models off`: every fix the rules can offer, including those the judge would
veto). For each finding, each replacement is applied to the sentence it is in (a
"fix", or a "template" where it leaves a gap "…"); for each sentence with a
plain-language finding, `cofnod rewrite --models off` gives its rewrite, if one passes
the checks. Writes OUT_DIR/items.tsv (id, lang, kind, block, original, candidate) and
OUT_DIR/sentences.tsv (every sentence with a plain-language finding, and whether a
rewrite was offered: the offer rate), and timings of the rewrites.
"""
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PANEL = os.path.dirname(HERE)
SPLIT = re.compile(r'(?<=[.!?])\s+(?=[A-Z0-9"“‘(À-Ÿ])')


def blocks(path):
    text = open(path, encoding='utf-8').read()
    for i, block in enumerate(re.split(r'^---\s*$', text, flags=re.M)):
        lines = block.strip('\n').split('\n')
        if lines and lines[0].startswith('#'):
            register = lines[0].lstrip('# ').strip()
            lines = lines[1:]
        else:
            register = ''
        body = '\n'.join(lines).strip('\n') + '\n'
        if body.strip():
            yield i, register, body


def sentence_at(text, start, end):
    """The sentence (within its line) holding bytes start..end of text (UTF-8)."""
    b = text.encode('utf-8')
    ls = b.rfind(b'\n', 0, start) + 1
    le = b.find(b'\n', start)
    le = len(b) if le < 0 else le
    line = b[ls:le].decode('utf-8')
    # sentence boundaries inside the line, in bytes from ls
    pos = 0
    spans = []
    for m in SPLIT.finditer(line):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(line)))
    for s, e in spans:
        bs = ls + len(line[:s].encode('utf-8'))
        be = ls + len(line[:e].encode('utf-8'))
        if bs <= start < be or (start == be and end == be):
            if end <= be:
                return bs, be
            # a fix reaching past the sentence: take the rest of the line
            return bs, ls + len(line.encode('utf-8'))
    return ls, le


def main():
    cofnod, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    items, sentences, timings = [], [], []
    seen = set()
    for lang in ['en', 'cy']:
        for bi, register, body in blocks(os.path.join(PANEL, f'{lang}.txt')):
            with tempfile.NamedTemporaryFile('w', suffix='.txt', delete=False, encoding='utf-8') as f:
                f.write(body)
                path = f.name
            out = subprocess.run([cofnod, 'check', '--models', 'off', '--format', 'json', path], capture_output=True, text=True).stdout
            os.unlink(path)
            d = json.loads(out)
            b = body.encode('utf-8')
            plain_sentences = {}
            for f in d['files'][0]['findings']:
                fs, fe = f['start']['offset'], f['end']['offset']
                ss, se = sentence_at(body, fs, fe)
                sentence = b[ss:se].decode('utf-8').strip()
                if f['category'] == 'plain-language':
                    plain_sentences[sentence] = f.get('lang', lang)
                for s in f['suggestions']:
                    if s.get('replacement') is None:
                        continue
                    r = s.get('replaces') or {'start': f['start'], 'end': f['end']}
                    st, en = r['start']['offset'], r['end']['offset']
                    a, z = min(ss, st), max(se, en)
                    original = b[a:z].decode('utf-8').strip()
                    candidate = (b[a:st] + s['replacement'].encode('utf-8') + b[en:z]).decode('utf-8').strip()
                    kind = 'template' if '…' in s['replacement'] else 'fix'
                    key = (original, candidate)
                    if key in seen:
                        continue
                    seen.add(key)
                    items.append((lang, kind, f'{lang}{bi}', original, candidate))
            for sentence, slang in plain_sentences.items():
                t0 = time.perf_counter()
                r = subprocess.run([cofnod, 'rewrite', '--models', 'off', '--format', 'json', '--lang', slang, sentence], capture_output=True, text=True)
                timings.append(time.perf_counter() - t0)
                try:
                    rw = json.loads(r.stdout)
                except json.JSONDecodeError:
                    rw = {'candidates': []}
                accepted = [c['text'] for c in rw['candidates'] if not c['problems']]
                sentences.append((slang, f'{lang}{bi}', sentence, 'yes' if accepted else 'no'))
                for c in accepted:
                    key = (sentence, c)
                    if key not in seen:
                        seen.add(key)
                        items.append((slang, 'rewrite', f'{lang}{bi}', sentence, c))
    clean = lambda s: s.replace('\t', ' ').replace('\n', ' ')
    with open(os.path.join(out_dir, 'items.tsv'), 'w', encoding='utf-8') as f:
        f.write('id\tlang\tkind\tblock\toriginal\tcandidate\n')
        for i, (lang, kind, block, o, c) in enumerate(items):
            f.write(f'{lang}-{i:04d}\t{lang}\t{kind}\t{block}\t{clean(o)}\t{clean(c)}\n')
    with open(os.path.join(out_dir, 'sentences.tsv'), 'w', encoding='utf-8') as f:
        f.write('lang\tblock\tsentence\trewrite_offered\n')
        for row in sentences:
            f.write('\t'.join(clean(x) for x in row) + '\n')
    for lang in ['en', 'cy']:
        rows = [s for s in sentences if s[0] == lang]
        offered = sum(1 for s in rows if s[3] == 'yes')
        kinds = {}
        for it in items:
            if it[0] == lang:
                kinds[it[1]] = kinds.get(it[1], 0) + 1
        print(f'{lang}: {len(rows)} sentences with a plain-language finding, a rewrite for {offered}; items {kinds}')
    if timings:
        print(f'rewrite, whole process per sentence (start-up included): median {statistics.median(timings)*1000:.0f} ms, max {max(timings)*1000:.0f} ms')


if __name__ == '__main__':
    main()
