#!/usr/bin/env bash
# Runs a command on the repo's pinned Node (.node-version): its directory goes first on PATH, so `pnpm`,
# `npm`, turbo's tasks, vitest and every `#!/usr/bin/env node` script run on it. Installs it first if
# missing (tooling/node/install.sh; tooling/bootstrap.sh normally did already).
#
#   bash tooling/node/run.sh pnpm run test:all
#   eval "$(bash tooling/node/run.sh)"           # no command: prints the PATH export for your shell
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="$(bash "$here/install.sh" | tail -n 1)"
dir="$(dirname "$bin")"
if (($# == 0)); then
  printf 'export PATH=%q:"$PATH"\n' "$dir"
  exit 0
fi
echo "node-run: Node $("$bin" --version) ($bin) for: $*" >&2
export PATH="$dir:$PATH"
exec "$@"
