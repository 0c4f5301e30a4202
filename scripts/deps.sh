#!/usr/bin/env bash
# Installs what libcvc needs to build and test on Debian 12, if missing.
# Sourced by scripts/test.sh and scripts/demo.sh; safe to run twice.
set -euo pipefail

CVC_PACKAGES=(
	gcc clang libclang-rt-14-dev pkg-config meson ninja-build
	libssl-dev openssl check python3 xxd groff-base
	pcscd libpcsclite-dev vsmartcard-vpcd pcsc-tools opensc
	softhsm2 libengine-pkcs11-openssl
	libnfc-dev libnfc-bin openpace
)

cvc_missing_packages() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	echo "${missing[@]:-}"
}

cvc_install_deps() {
	local missing sudo=""
	missing=$(cvc_missing_packages "${CVC_PACKAGES[@]}" "$@")
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null || {
			echo "need root (or sudo) to install: $missing" >&2
			return 1
		}
		sudo="sudo"
	fi
	echo "installing: $missing"
	$sudo apt-get update -qq
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
		--no-install-recommends $missing >/dev/null
}
