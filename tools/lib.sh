# shellcheck shell=bash
# Shared by tools/run and tools/test: install what is missing, configure, build.
# Source it; it changes to the repository root.

set -euo pipefail

BEACON_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BEACON_BUILD_DIR="${BEACON_BUILD_DIR:-_build}"
cd "$BEACON_ROOT"

beacon_log ()
{
  printf '%s: %s\n' "$(basename "$0")" "$*" >&2
}

beacon_die ()
{
  beacon_log "error: $*"
  exit 1
}

# Package names from tools/deps.txt, comments and blanks removed.
beacon_deps ()
{
  sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$BEACON_ROOT/tools/deps.txt"
}

beacon_missing_deps ()
{
  local pkg status
  for pkg in $(beacon_deps); do
    status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
    if [ "$status" != "install ok installed" ]; then
      printf '%s\n' "$pkg"
    fi
  done
}

# Installs the Debian packages of tools/deps.txt that are not installed yet:
# one apt-get update, then one apt-get install of only those.
# BEACON_SKIP_DEPS=1 skips this (for a machine set up by other means).
beacon_install_deps ()
{
  local -a missing sudo_cmd=()

  if [ "${BEACON_SKIP_DEPS:-0}" = 1 ]; then
    return 0
  fi
  if ! command -v dpkg-query >/dev/null 2>&1; then
    beacon_log "not a Debian system: install the packages of tools/deps.txt yourself"
    return 0
  fi

  mapfile -t missing < <(beacon_missing_deps)
  if [ "${#missing[@]}" -eq 0 ]; then
    return 0
  fi

  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo_cmd=(sudo)
    else
      beacon_die "missing packages: ${missing[*]}; run as root or install sudo"
    fi
  fi

  beacon_log "installing: ${missing[*]}"
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
    || beacon_die "apt-get update failed"
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null \
    || beacon_die "apt-get install failed for: ${missing[*]}"
}

# The GUI tests run in these locales; gettext ignores LANGUAGE in a locale
# that does not exist, so they are compiled when missing.
BEACON_LOCALES="en_US.UTF-8 zh_CN.UTF-8"

beacon_install_locales ()
{
  local locale have missing=() sudo_cmd=()

  if [ "${BEACON_SKIP_DEPS:-0}" = 1 ] || ! command -v localedef >/dev/null 2>&1; then
    return 0
  fi
  have="$(locale -a 2>/dev/null | tr '[:upper:]' '[:lower:]')"
  for locale in $BEACON_LOCALES; do
    # locale -a spells zh_CN.UTF-8 as zh_CN.utf8.
    if ! grep -qx "$(printf '%s' "${locale%%.*}.utf8" | tr '[:upper:]' '[:lower:]')" <<<"$have"; then
      missing+=("$locale")
    fi
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo_cmd=(sudo)
    else
      beacon_log "missing locales ${missing[*]}: run as root or install sudo; the GUI tests need them"
      return 0
    fi
  fi
  for locale in "${missing[@]}"; do
    beacon_log "compiling locale $locale"
    "${sudo_cmd[@]}" localedef -i "${locale%%.*}" -c -f UTF-8 "$locale" \
      || beacon_die "localedef failed for $locale"
  done
}

# Configures the build directory once; afterwards ninja re-runs meson by itself
# whenever a meson.build changes.
#
# With clang installed (tools/deps.txt has it) the libFuzzer target of the
# segment parser is built too, and the sync tests run it for a few seconds.
beacon_configure ()
{
  local fuzzing=false

  command -v clang >/dev/null 2>&1 && fuzzing=true
  if [ -f "$BEACON_BUILD_DIR/build.ninja" ] && [ -f "$BEACON_BUILD_DIR/meson-private/coredata.dat" ]; then
    if ! meson introspect --buildoptions "$BEACON_BUILD_DIR" 2>/dev/null \
         | grep -q "\"name\": \"fuzzing\", \"value\": $fuzzing"; then
      meson configure "$BEACON_BUILD_DIR" -Dfuzzing=$fuzzing
    fi
    return 0
  fi
  if [ -f "$BEACON_BUILD_DIR/meson-private/coredata.dat" ]; then
    # Configured once, but an interrupted run left no build.ninja.
    meson setup --reconfigure -Dfuzzing=$fuzzing "$BEACON_BUILD_DIR"
  else
    meson setup -Dfuzzing=$fuzzing "$BEACON_BUILD_DIR"
  fi
}

beacon_build ()
{
  ninja -C "$BEACON_BUILD_DIR"
}

# Everything tools/run and tools/test need before they do their own part.
# Explicit && so that it also stops at the first failure when called in an
# `if` (where set -e does not apply).
beacon_prepare ()
{
  beacon_install_deps && beacon_install_locales && beacon_configure && beacon_build
}

# Lets the uninstalled app and tests find the compiled schema.
beacon_export_env ()
{
  export GSETTINGS_SCHEMA_DIR="$BEACON_ROOT/$BEACON_BUILD_DIR/data"
}
