#!/usr/bin/env python3
"""The Flatpak manifest parses, builds Kyso from this tree with its tests, and keeps its
sandbox tight: no home or host file access (files come through the document portal).
Usage: check-flatpak-manifest.py MANIFEST
"""
import json
import sys

FORBIDDEN = ('--filesystem=home', '--filesystem=host', '--filesystem=host-os', '--filesystem=host-etc',
             '--device=all', '--socket=session-bus', '--socket=system-bus')
REQUIRED = ('--share=network', '--socket=wayland', '--socket=fallback-x11', '--share=ipc',
            '--talk-name=org.freedesktop.secrets')


def main() -> int:
    with open(sys.argv[1], encoding='utf-8') as f:
        manifest = json.load(f)
    problems = []
    args = manifest.get('finish-args', [])
    for arg in args:
        if arg.split(':')[0] in FORBIDDEN or arg.startswith('--filesystem=home') or arg.startswith('--filesystem=~'):
            problems.append(f'finish-args has {arg}')
    for arg in REQUIRED:
        if arg not in args:
            problems.append(f'finish-args lacks {arg}')
    if manifest.get('id', manifest.get('app-id')) != 'vn.kyso.Kyso':
        problems.append('the app id is not vn.kyso.Kyso')
    if manifest.get('runtime') != 'org.gnome.Platform':
        problems.append('the runtime is not org.gnome.Platform')
    kyso = [m for m in manifest.get('modules', []) if isinstance(m, dict) and m.get('name') == 'kyso']
    if not kyso:
        problems.append('no module named kyso')
    else:
        module = kyso[0]
        if not module.get('run-tests'):
            problems.append('the kyso module does not run its tests')
        if not any(s.get('type') == 'dir' for s in module.get('sources', [])):
            problems.append('the kyso module is not built from the local tree (type dir)')
    for p in problems:
        print(p)
    print(f'{len(args)} finish-args checked, {len(problems)} problems')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
