#!/usr/bin/env python3
"""The fix panel's result (issue 15): two reviewers' judgements of each item, merged.

    python3 corpus/fix-panel/tools/score.py RESULTS_DIR

RESULTS_DIR holds items.tsv and sentences.tsv (from items.py) and judged-LANG-A.tsv,
judged-LANG-B.tsv (id, grammatical, meaning, plainer, comment) for en and cy. Prints,
per language and kind of item, how many both reviewers judged grammatical and
meaning-preserving (the issue's measure), how many at least one did, Cohen's kappa
per column, and the offer rate of rewrites.
"""
import csv
import os
import sys
from collections import Counter


def read(path):
    with open(path, newline='', encoding='utf-8') as f:
        return list(csv.DictReader(f, delimiter='\t', quoting=csv.QUOTE_NONE))


def kappa(pairs):
    n = len(pairs)
    if n == 0:
        return float('nan')
    agree = sum(1 for a, b in pairs if a == b) / n
    pa = sum(1 for a, _ in pairs if a) / n
    pb = sum(1 for _, b in pairs if b) / n
    chance = pa * pb + (1 - pa) * (1 - pb)
    return (agree - chance) / (1 - chance) if chance < 1 else 1.0


def main():
    d = sys.argv[1]
    items = {r['id']: r for r in read(os.path.join(d, 'items.tsv'))}
    sentences = read(os.path.join(d, 'sentences.tsv'))
    for lang in ['en', 'cy']:
        a = {r['id']: r for r in read(os.path.join(d, f'judged-{lang}-A.tsv'))}
        b = {r['id']: r for r in read(os.path.join(d, f'judged-{lang}-B.tsv'))}
        ids = [i for i, it in items.items() if it['lang'] == lang and i in a and i in b]
        missing = [i for i, it in items.items() if it['lang'] == lang and not (i in a and i in b)]
        ok = lambda r: r['grammatical'].strip() == 'y' and r['meaning'].strip() == 'y'
        print(f'== {lang}: {len(ids)} items judged by both reviewers' + (f' ({len(missing)} not judged by both)' if missing else ''))
        for kind in ['fix', 'template', 'rewrite', 'all']:
            sel = [i for i in ids if kind == 'all' or items[i]['kind'] == kind]
            if not sel:
                continue
            both = sum(1 for i in sel if ok(a[i]) and ok(b[i]))
            either = sum(1 for i in sel if ok(a[i]) or ok(b[i]))
            gram = sum(1 for i in sel if a[i]['grammatical'].strip() == 'y' and b[i]['grammatical'].strip() == 'y')
            mean = sum(1 for i in sel if a[i]['meaning'].strip() == 'y' and b[i]['meaning'].strip() == 'y')
            plain = sum(1 for i in sel if a[i]['plainer'].strip() == 'y' and b[i]['plainer'].strip() == 'y')
            pct = lambda x: f'{x}/{len(sel)} ({100 * x / len(sel):.0f}%)'
            print(f'  {kind:8} grammatical and same meaning, both reviewers: {pct(both)}; at least one: {pct(either)}; '
                  f'grammatical (both) {pct(gram)}; same meaning (both) {pct(mean)}; plainer (both) {pct(plain)}')
        for col, yes in [('grammatical', 'y'), ('meaning', 'y'), ('plainer', 'y')]:
            pairs = [(a[i][col].strip() == yes, b[i][col].strip() == yes) for i in ids]
            agree = sum(1 for x, y in pairs if x == y)
            print(f'  agreement on {col}: {agree}/{len(pairs)} ({100 * agree / len(pairs):.0f}%), kappa {kappa(pairs):.2f}')
        rows = [s for s in sentences if s['lang'] == lang]
        offered = sum(1 for s in rows if s['rewrite_offered'] == 'yes')
        # Every offered rewrite: a `rewrite` item, or, where the rewrite is the same
        # text as a fix (a sentence with one fix), the first fix item of that sentence
        # (items.py writes each pair once, fixes first, in the order offered).
        judged_rewrites = []
        for srow in rows:
            if srow['rewrite_offered'] != 'yes':
                continue
            own = [i for i in ids if items[i]['kind'] == 'rewrite' and items[i]['original'] == srow['sentence']]
            same = [i for i in ids if items[i]['kind'] == 'fix' and items[i]['original'] == srow['sentence']]
            pick = own[:1] or same[:1]
            judged_rewrites.extend(pick)
        if judged_rewrites:
            good = sum(1 for i in judged_rewrites if ok(a[i]) and ok(b[i]))
            print(f'  every offered rewrite ({len(judged_rewrites)} of {offered} found among the items): grammatical and same meaning, both reviewers: '
                  f'{good}/{len(judged_rewrites)} ({100 * good / len(judged_rewrites):.0f}%)')
        print(f'  rewrite offered for {offered} of {len(rows)} sentences with a plain-language finding ({100 * offered / max(1, len(rows)):.0f}%)')
        # What the reviewers said was wrong, most frequent words first.
        comments = Counter()
        for i in ids:
            for r in (a[i], b[i]):
                if not ok(r) and r.get('comment'):
                    comments[r['comment'].strip()[:60]] += 1
        print(f'  {sum(comments.values())} comments on refused items')


if __name__ == '__main__':
    main()
