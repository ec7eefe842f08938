#!/bin/sh
# vi.po (and every language in LINGUAS) translates every string of the sources listed in
# POTFILES.in: regenerate the template the way meson's glib preset does, merge each .po into it,
# and fail on any untranslated or fuzzy message.
#   check-translations.sh SOURCE_ROOT
set -eu
root=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kyso-po.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

cd "$root"
xgettext --package-name=kyso --from-code=UTF-8 --add-comments \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
  --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
  --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
  --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
  --files-from=po/POTFILES.in --directory="$root" --output="$tmp/kyso.pot"

status=0
for lang in $(grep -v '^#' po/LINGUAS); do
  msgmerge --quiet --no-fuzzy-matching "po/$lang.po" "$tmp/kyso.pot" -o "$tmp/$lang.po"
  # Fuzzy matching off above: a new string must read "untranslated", not borrow an old one.
  stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$tmp/$lang.po" 2>&1)
  echo "$lang: $stats"
  case "$stats" in
    *untranslated*|*fuzzy*)
      status=1
      echo "Untranslated or fuzzy in $lang (first 40):"
      { msgattrib --only-fuzzy "$tmp/$lang.po"; msgattrib --untranslated "$tmp/$lang.po"; } \
        | grep -E '^msgid ' | grep -v '^msgid ""$' | head -40 || true
      ;;
  esac
done
exit $status
