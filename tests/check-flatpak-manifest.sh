#!/usr/bin/env bash
# Checks the Flatpak manifest offline: flatpak-builder parses it without a
# warning, and it says what Beacon needs.
#
#   tests/check-flatpak-manifest.sh MANIFEST APP-ID

set -euo pipefail

manifest="${1:?usage: $0 MANIFEST APP-ID}"
app_id="${2:?usage: $0 MANIFEST APP-ID}"

manifest="$(realpath "$manifest")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# flatpak-builder leaves a .flatpak-builder/ state directory where it runs.
cd "$tmp"

if ! flatpak-builder --show-manifest "$manifest" > "$tmp/manifest.json" 2> "$tmp/stderr"; then
  echo "flatpak-builder cannot read $manifest:"
  cat "$tmp/stderr"
  exit 1
fi
if [ -s "$tmp/stderr" ]; then
  echo "flatpak-builder warns about $manifest:"
  cat "$tmp/stderr"
  exit 1
fi

/usr/bin/python3 - "$tmp/manifest.json" "$manifest" "$app_id" <<'PY'
import json, sys

path, name, app_id = sys.argv[1:4]
with open(path, encoding="utf-8") as f:
    manifest = json.load(f)

errors = []

def expect(key, want):
    got = manifest.get(key)
    if got != want:
        errors.append(f"{key} is {got!r}, expected {want!r}")

if manifest.get("id", manifest.get("app-id")) != app_id:
    errors.append(f"id is {manifest.get('id', manifest.get('app-id'))!r}, expected {app_id!r}")
expect("runtime", "org.gnome.Platform")
expect("sdk", "org.gnome.Sdk")
expect("command", "beacon")

# GNOME runtimes are supported for about a year; 49 was the oldest one still
# supported when 0.1.0 was released (2026-11).
version = str(manifest.get("runtime-version", ""))
if not version.isdigit() or int(version) < 49:
    errors.append(f"runtime-version {version!r} is not a supported GNOME runtime (49 or later)")

finish_args = set(manifest.get("finish-args", []))
for arg in ("--share=ipc", "--socket=fallback-x11", "--socket=wayland", "--device=dri",
            "--share=network", "--talk-name=org.freedesktop.Notifications"):
    if arg not in finish_args:
        errors.append(f"finish-args lacks {arg}")
for arg in sorted(finish_args):
    if arg in ("--socket=x11", "--filesystem=host", "--filesystem=home", "--device=all",
               "--talk-name=org.freedesktop.Flatpak") or arg.startswith("--filesystem=/"):
        errors.append(f"finish-args opens the sandbox more than needed: {arg}")

modules = manifest.get("modules", [])
names = [m.get("name") if isinstance(m, dict) else m for m in modules]
if not modules or names[-1] != "beacon":
    errors.append(f"the last module must be beacon, modules are {names}")
else:
    beacon = modules[-1]
    if beacon.get("buildsystem") != "meson":
        errors.append(f"beacon is built with {beacon.get('buildsystem')!r}, expected 'meson'")
    if not any(s.get("type") == "dir" for s in beacon.get("sources", [])):
        errors.append("beacon has no source of type 'dir' (the source tree)")
if "libical" not in names:
    errors.append("no libical module: the GNOME runtime does not ship libical")

for module in modules:
    if not isinstance(module, dict):
        continue
    for source in module.get("sources", []):
        if source.get("type") in ("archive", "file"):
            if not source.get("url", "").startswith("https://"):
                errors.append(f"{module['name']}: source {source.get('url')!r} is not https")
            if len(source.get("sha256", "")) != 64:
                errors.append(f"{module['name']}: source {source.get('url')!r} has no sha256")
        if source.get("type") == "git" and not (source.get("commit") or source.get("tag")):
            errors.append(f"{module['name']}: git source is not pinned to a tag or commit")

for error in errors:
    print(f"{name}: {error}")
if errors:
    sys.exit(1)
print(f"{name}: ok ({', '.join(str(n) for n in names)})")
PY
