#!/usr/bin/env bash
# Install the Debian packages the build and the tests need, when they are missing:
# Chromium (browser tests), a Java runtime (the W3C Nu HTML checker), Node.js/npm, and curl and
# openssl (the newsletter workflow's steps and a DKIM test key in the site service's tests).
# Usage: system-deps.sh [npm]   (with "npm": only Node.js and npm)
set -euo pipefail
need=()
command -v npm >/dev/null || need+=(nodejs npm)
if [ "${1:-}" != npm ]; then
  [ -x "${SWK_CHROMIUM:-/usr/bin/chromium}" ] || need+=(chromium)
  command -v java >/dev/null || need+=(default-jre-headless)
  command -v curl >/dev/null || need+=(curl)
  command -v openssl >/dev/null || need+=(openssl)
fi
[ ${#need[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${need[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
