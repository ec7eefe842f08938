#!/usr/bin/env python3
"""The .editorconfig rules, checked on every file git tracks: UTF-8 without CR, no trailing white
space, a final newline, and spaces (not tabs) in C, UI and meson files."""
import subprocess
import sys

src = sys.argv[1]
patterns = ["*.c", "*.h", "*.ui", "*.xml", "*.in", "*.build", "*.sh", "*.py", "*.json", "*.css", "*.md",
            "meson_options.txt"]
files = subprocess.run(["git", "-C", src, "ls-files", "--"] + patterns, check=True,
                       capture_output=True, text=True).stdout.split()
problems = []
for name in files:
    if name.endswith("package-lock.json"):
        continue
    try:
        data = open(f"{src}/{name}", "rb").read()
    except FileNotFoundError:
        continue
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        problems.append(f"{name}: not UTF-8")
        continue
    if "\r" in text:
        problems.append(f"{name}: carriage return")
    if text and not text.endswith("\n"):
        problems.append(f"{name}: no final newline")
    no_tabs = name.endswith((".c", ".h", ".ui", ".build"))
    for number, line in enumerate(text.split("\n"), 1):
        if line != line.rstrip():
            problems.append(f"{name}:{number}: trailing white space")
        if no_tabs and "\t" in line:
            problems.append(f"{name}:{number}: tab")
for p in problems[:50]:
    print(p)
print(f"{len(files)} files checked, {len(problems)} problems")
sys.exit(1 if problems else 0)
