#!/usr/bin/env bash
# Fails when a message of the sources has no French translation in po/fr.po, or when
# po/fr.po has fuzzy or untranslated entries. Usage: check-complete.sh SOURCE_DIR WORK_DIR
set -euo pipefail
source_dir=$1
work_dir=$2
mkdir -p "$work_dir"

cd "$source_dir"
find src include -name '*.cpp' -o -name '*.hpp' | LC_ALL=C sort > "$work_dir/sources.txt"
xgettext --language=C++ --from-code=UTF-8 --keyword=tr --keyword=trn:1,2 --keyword=N_ \
  --no-location --omit-header -o "$work_dir/dossier.pot" --files-from="$work_dir/sources.txt"

status=0
for po in po/*.po; do
  msgmerge --quiet --no-fuzzy-matching --no-wrap -o "$work_dir/merged.po" "$po" "$work_dir/dossier.pot"
  missing=$(msgattrib --untranslated --no-obsolete --no-wrap "$work_dir/merged.po" | grep '^msgid ' | grep -v '^msgid ""$' || true)
  if [ -n "$missing" ]; then
    echo "$po has no translation for $(printf '%s\n' "$missing" | wc -l) messages:"
    printf '%s\n' "$missing"
    status=1
  fi
  fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$po" | grep -c '^msgid ' || true)
  if [ "$fuzzy" -gt 0 ]; then
    echo "$po has fuzzy entries: review them and remove the fuzzy flag"
    status=1
  fi
done
[ $status -eq 0 ] && echo "every message has a translation"
exit $status
