#!/usr/bin/env bash
# Fails when po/POTFILES.in misses a file with translatable strings, or a
# message of the current sources is untranslated or fuzzy in a language of
# po/LINGUAS. Changes nothing in the tree: tools/update-po --check works in a
# temporary directory.
#
#   tests/check-po-complete.sh [SOURCE-ROOT]

set -euo pipefail
root="${1:-${BEACON_SOURCE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}}"
exec "$root/tools/update-po" --check
