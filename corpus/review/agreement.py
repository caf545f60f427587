#!/usr/bin/env python3
"""Agreement of `cofnod review` with two reviewers' judgements of the same records.

    python3 corpus/review/agreement.py COFNOD

Reads corpus/review/{en,cy}/*.txt and judgements/{en,cy}.r{1,2}.tsv (record,
principle, judgement, evidence). Reports, per language and overall: the reviewers'
agreement with each other; the scorecard's agreement with each reviewer; and its
agreement with the reviewers where they agree (their consensus). Exact: the same
one of met / partly / not seen / n/a. Lenient: met against the rest (does the
record meet the principle?). Per principle too, to show where the scorecard is weak.
"""
import csv, json, os, subprocess, sys
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
NORMAL = {'met': 'met', 'partly': 'partly', 'not seen': 'not-seen', 'not-seen': 'not-seen', 'n/a': 'n/a'}


def judgements(path):
    out = {}
    with open(path, encoding='utf-8') as f:
        for r in csv.DictReader(f, delimiter='\t', quoting=csv.QUOTE_NONE):
            out[(r['record'].strip(), r['principle'].strip())] = NORMAL[r['judgement'].strip().lower()]
    return out


def main():
    cofnod = sys.argv[1]
    rows = []
    for lang in ['en', 'cy']:
        r1 = judgements(os.path.join(HERE, 'judgements', f'{lang}.r1.tsv'))
        r2 = judgements(os.path.join(HERE, 'judgements', f'{lang}.r2.tsv'))
        d = json.loads(subprocess.run([cofnod, 'review', '--models', 'off', '--format', 'json', os.path.join(HERE, lang)], capture_output=True, text=True, check=True).stdout)
        for rec in d['records']:
            name = os.path.basename(rec['path'])[:-4]
            for p in rec['principles']:
                key = (name, p['id'])
                rows.append((lang, p['id'], p['status'], r1[key], r2[key]))

    def rate(sel, a, b, lenient=False):
        pairs = [(a(r), b(r)) for r in sel]
        pairs = [(x, y) for x, y in pairs if x is not None and y is not None]
        if lenient:
            pairs = [(x == 'met', y == 'met') for x, y in pairs]
        return sum(x == y for x, y in pairs), len(pairs)

    tool = lambda r: r[2]
    one = lambda r: r[3]
    two = lambda r: r[4]
    consensus = lambda r: r[3] if r[3] == r[4] else None
    print(f"{'':<22} {'reviewers':>12} {'tool-r1':>12} {'tool-r2':>12} {'tool-consensus':>16}")
    for label, sel in [('en', [r for r in rows if r[0] == 'en']), ('cy', [r for r in rows if r[0] == 'cy']), ('all', rows)]:
        for lenient in [False, True]:
            cells = []
            for a, b in [(one, two), (tool, one), (tool, two), (tool, consensus)]:
                k, n = rate(sel, a, b, lenient)
                cells.append(f'{k}/{n} {k / max(1, n):.0%}')
            print(f"{label + (' met/not' if lenient else ' exact'):<22} {cells[0]:>12} {cells[1]:>12} {cells[2]:>12} {cells[3]:>16}")
    print('\nper principle (all records), exact agreement with the consensus; reviewers with each other')
    for p in ['outcomes', 'plain', 'fact-opinion', 'why', 'strengths-risks', 'voice', 'analysis', 'proportionate', 'timely', 'active-offer']:
        sel = [r for r in rows if r[1] == p]
        k, n = rate(sel, tool, consensus)
        k2, n2 = rate(sel, one, two)
        print(f'  {p:<16} tool {k}/{n} {k / max(1, n):.0%}   reviewers {k2}/{n2} {k2 / max(1, n2):.0%}')


if __name__ == '__main__':
    main()
