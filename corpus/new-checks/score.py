#!/usr/bin/env python3
"""Precision and recall of one new check on corpus/new-checks, by split, against the
consensus labels (a case counts as labelled where the consensus `must` has the
category; `may` cases are left out of the count). Until the cases move into
corpus/en and corpus/cy, this is how a new check is measured.

    python3 corpus/new-checks/score.py COFNOD CATEGORY [--test]

Without --test only the train and validation splits are read (the held-out test split
is kept for the end, as for the rest of the corpus).
"""
import csv, json, os, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def split(i):
    h = 0xcbf29ce484222325
    for b in i.encode():
        h ^= b
        h = (h * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    m = h % 10
    return 'train' if m <= 5 else 'validation' if m <= 7 else 'test'


def cases(path):
    out, cur = [], None
    for line in open(path, encoding='utf-8'):
        if line.startswith('==='):
            cur = [line[3:].split('|')[0].strip(), []]
            out.append(cur)
        elif cur:
            cur[1].append(line)
    return [(i, ''.join(b).strip() + '\n') for i, b in out]


def main():
    cofnod, cat = sys.argv[1], sys.argv[2]
    splits = {'train', 'validation', 'test'} if '--test' in sys.argv else {'train', 'validation'}
    counts = {}
    for lang in ['en', 'cy']:
        folder = os.path.join(HERE, lang)
        if not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            cons_path = os.path.join(HERE, 'labels', name.replace('.cases', '.consensus.tsv'))
            if not os.path.exists(cons_path):
                continue
            cons = {r['id']: r for r in csv.DictReader(open(cons_path, encoding='utf-8'), delimiter='\t', quoting=csv.QUOTE_NONE)}
            for cid, text in cases(os.path.join(folder, name)):
                sp = split(cid)
                if sp not in splits or cid not in cons:
                    continue
                must = cat in cons[cid]['must'].replace('|', ',').split(',')
                may = cat in cons[cid]['may'].replace('|', ',').split(',')
                with tempfile.NamedTemporaryFile('w', suffix='.txt', delete=False, encoding='utf-8') as f:
                    f.write(text)
                d = json.loads(subprocess.run([cofnod, 'check', '--models', 'off', '--format', 'json', f.name], capture_output=True, text=True).stdout)
                os.unlink(f.name)
                found = any(x['category'] == cat for x in d['files'][0]['findings'])
                if may and not must:
                    continue
                c = counts.setdefault((lang, sp), [0, 0, 0])
                if found and must:
                    c[0] += 1
                elif found:
                    c[1] += 1
                    if '-v' in sys.argv:
                        print('FP', cid)
                elif must:
                    c[2] += 1
                    if '-v' in sys.argv:
                        print('FN', cid)
    for (lang, sp), (tp, fp, fn) in sorted(counts.items()):
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        print(f'{cat} {lang} {sp:10} tp {tp:3} fp {fp:3} fn {fn:3}  precision {p:.3} recall {r:.3}')


if __name__ == '__main__':
    main()
