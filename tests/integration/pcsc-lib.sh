#!/usr/bin/env bash
# libcvc's PC/SC back end against a real pcscd + vpcd + the test card
# (test_pcsc.c), in a private pcscd (stack/pcscd-env.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=stack/pcscd-env.sh
. "$here/stack/pcscd-env.sh"
pcsc_isolate "$0" "$@"
test_pcsc=${1:?usage: pcsc-lib.sh PATH-OF-test_pcsc}

# Inside the namespace, before pcscd starts, there is no pcscd at all.
"$test_pcsc" nopcscd

pcsc_start_pcscd
CVC_PCSC_READER=$PCSC_READER "$test_pcsc" stack
