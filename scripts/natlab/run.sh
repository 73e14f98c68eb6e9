#!/usr/bin/env bash
# Entry point for `npm run natlab`: checks we are root with the tools the lab needs, runs every
# scenario, and removes the lab namespaces on any exit (main.ts does too; this is the backstop).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
if [ "$(id -u)" != 0 ]; then echo "natlab: run as root (it creates network namespaces)" >&2; exit 2; fi
for tool in ip nft; do
  command -v "$tool" >/dev/null || { echo "natlab: '$tool' is missing (apt-get install iproute2 nftables)" >&2; exit 2; }
done
trap 'bash "$here/lab.sh" down' EXIT
# Node 24 from the devDependency: the system node may be older than the type stripping we rely on.
"$root/node_modules/.bin/node" "$here/main.ts" "$@"
