#!/usr/bin/env bash
# Installs what is missing, builds, and starts wa-composer.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

wa_install_packages
wa_build

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    echo "== no display found (DISPLAY is not set): starting on a virtual X display instead;"
    echo "   run this from a desktop session to see the window."
    exec xvfb-run -a "$WA_BUILD/wa-composer" "$@"
fi
exec "$WA_BUILD/wa-composer" "$@"
