#!/usr/bin/env bash
# Installs the Debian 12 packages wa-composer needs (only those missing) and builds into build/.
# Sourced by run.sh and test.sh; not meant to be run on its own.
set -euo pipefail

WA_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WA_BUILD="$WA_ROOT/build"

WA_PACKAGES=(
    cmake g++ make
    qt6-base-dev qt6-base-dev-tools libgl-dev
    libqt6sql6-sqlite qtkeychain-qt6-dev libhttp-parser-dev
    fonts-noto-cjk fonts-noto-color-emoji
    xvfb xauth
    clang libclang-rt-14-dev
)

wa_install_packages() {
    local missing=()
    local package
    for package in "${WA_PACKAGES[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q '^install ok installed$'; then
            missing+=("$package")
        fi
    done
    if [ ${#missing[@]} -eq 0 ]; then
        echo "== all ${#WA_PACKAGES[@]} packages are installed"
        return
    fi
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        if ! command -v sudo >/dev/null; then
            echo "error: these packages are missing and you are not root (and there is no sudo): ${missing[*]}" >&2
            exit 1
        fi
        sudo=(sudo)
    fi
    echo "== installing: ${missing[*]}"
    "${sudo[@]}" apt-get update -q
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# wa_build [extra cmake arguments...]
wa_build() {
    echo "== configuring and building into $WA_BUILD"
    cmake -S "$WA_ROOT" -B "$WA_BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
    cmake --build "$WA_BUILD" --parallel "$(nproc)"
}
