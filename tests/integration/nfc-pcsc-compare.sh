#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One APDU script through both transports to the same test card: PC/SC
# (private pcscd + vpcd + vicc, from stack/pcscd-env.sh) and NFC (libnfc's
# pn532_uart driver + pn532emu, started by test_nfc itself). test_nfc
# compares every command and response octet for octet, and with the
# in-process card.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=stack/pcscd-env.sh
. "$here/stack/pcscd-env.sh"
pcsc_isolate "$0" "$@"
: "${CVC_PN532EMU:?run via meson test}"
test_nfc=${1:?usage: nfc-pcsc-compare.sh TEST_NFC}
export LIBNFC_AUTO_SCAN=false

pcsc_start_pcscd
pcsc_start_vicc
CVC_PCSC_READER=$PCSC_READER "$test_nfc" compare
