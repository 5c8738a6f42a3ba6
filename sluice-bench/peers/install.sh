#!/usr/bin/env bash
# Installs the peers of `./sluice bench peers` that are missing, from Debian's package registry:
#   iceoryx (RouDi) + C binding headers, Cyclone DDS's ddsperf, pyzmq and numpy for /usr/bin/python3, gcc.
# Java peers (Aeron, JeroMQ) come from Maven Central with the build. Prints one line per peer it cannot provide
# and why; never fails the run for a missing peer (the run then skips it and says so).
set -uo pipefail

packages=()
have_pkg() { dpkg-query -W -f '${Status}' "$1" 2> /dev/null | grep -q "install ok installed"; }
for pkg in iceoryx libiceoryx-binding-c-dev libiceoryx-posh-dev libiceoryx-hoofs-dev cyclonedds-tools \
    python3-zmq python3-numpy gcc libc6-dev; do
    have_pkg "$pkg" || packages+=("$pkg")
done
if [[ ${#packages[@]} -eq 0 ]]; then
    echo "install: every peer package is installed"
    exit 0
fi
if ! command -v apt-get > /dev/null 2>&1; then
    echo "install: no apt-get here; missing: ${packages[*]} - those peers will be skipped"
    exit 0
fi
sudo=
if [[ $(id -u) != 0 ]]; then
    if command -v sudo > /dev/null 2>&1 && sudo -n true 2> /dev/null; then
        sudo="sudo -n"
    else
        echo "install: not root and no password-less sudo; missing: ${packages[*]} - those peers will be skipped"
        exit 0
    fi
fi
echo "install: apt-get install ${packages[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! $sudo apt-get update -qq > /dev/null 2>&1; then
    echo "install: apt-get update failed; trying the install with the package lists there are"
fi
if ! $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" > /dev/null 2>&1; then
    # one by one, so one missing package does not cost the others
    for pkg in "${packages[@]}"; do
        $sudo apt-get install -y -qq --no-install-recommends "$pkg" > /dev/null 2>&1 \
            || echo "install: cannot install $pkg - the peers that need it will be skipped"
    done
fi
exit 0
