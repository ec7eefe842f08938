#!/usr/bin/env python3
"""POTFILES.in is complete, sorted and lists only files that exist.

Every file under app/ and ui/ that holds a translatable string (_(" , N_(" , C_(" , NC_(" or
translatable="yes") must be listed, so no string people see escapes translation.
Usage: check-potfiles.py SOURCE_ROOT
"""
import os
import re
import sys

MARKERS = re.compile(r'\b(?:N?C?_) ?\("|translatable="yes"')
SCANNED = ('app', 'ui')
EXTENSIONS = ('.c', '.h', '.ui')


def main() -> int:
    root = sys.argv[1]
    with open(os.path.join(root, 'po', 'POTFILES.in'), encoding='utf-8') as f:
        lines = [line.strip() for line in f]
    listed = [line for line in lines if line and not line.startswith('#')]
    problems = []

    if listed != sorted(listed):
        problems.append('POTFILES.in is not sorted; expected order:\n  ' + '\n  '.join(sorted(listed)))
    if len(listed) != len(set(listed)):
        problems.append('POTFILES.in lists a file twice')
    for path in listed:
        if not os.path.isfile(os.path.join(root, path)):
            problems.append(f'POTFILES.in lists {path}, which does not exist')

    for top in SCANNED:
        for dirpath, _, files in os.walk(os.path.join(root, top)):
            for name in files:
                if not name.endswith(EXTENSIONS):
                    continue
                full = os.path.join(dirpath, name)
                rel = os.path.relpath(full, root)
                with open(full, encoding='utf-8', errors='replace') as f:
                    if MARKERS.search(f.read()) and rel not in listed:
                        problems.append(f'{rel} has translatable strings but is not in po/POTFILES.in')

    for p in problems:
        print(p)
    print(f'{len(listed)} files listed, {len(problems)} problems')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
