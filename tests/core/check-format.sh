#!/bin/sh
# Every C file git tracks is laid out as .clang-format says (clang-format --dry-run --Werror):
# run `clang-format -i FILE` on what this lists.
#   check-format.sh SOURCE_ROOT
set -eu
cd "$1"
git ls-files -z -- '*.c' '*.h' | xargs -0 clang-format --dry-run --Werror
