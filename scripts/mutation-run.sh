#!/usr/bin/env bash
# The full mutation run (issue 14): damaged copies of every bundled sample, each imported by the real
# CLI into a fresh ledger, one at a time, and checked (test/mutation/). Prints a summary; exits 1 if any
# import broke an invariant. The vitest file test/mutation/mutation.test.ts runs a small subset in CI.
#   scripts/mutation-run.sh [--only REGEX] [--rerun OLD/results.json]
#   (npm run mutation -- --only 'openai-'; --rerun runs only the cases that failed a check in an earlier
#   run, into another folder)
# RECOUNT_MUTATION_DIR keeps the cases, ledgers and results.json there (default: a temp folder,
# whose cases and ledgers are removed at the end; summary.txt and results.json stay). A run that is
# stopped leaves results.json.partial, one result per line: node <build>/run.js --summary-of it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=node_modules/.cache/recount-mutation
out=${RECOUNT_MUTATION_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/recount-mutation.XXXXXX")}
mkdir -p "$out"
if [ -z "${RECOUNT_MUTATION_DIR:-}" ]; then
  trap 'rm -rf "$out/cases" "$out/pairs" "$out/ledgers" "$out/recount"' EXIT
fi

# The CLI under test, built into a copy of its own: the run takes an hour, and edits to src/ or
# queries/ meanwhile (or another build of dist/) must not change it half-way.
cli="$out/recount"
rm -rf "$cli" && mkdir -p "$cli"
cp -r bin queries rules src package.json "$cli/"
ln -s "$root/node_modules" "$cli/node_modules"
npx tsc -p tsconfig.json --outDir "$cli/dist"
rm -rf "$build"
npx tsc --outDir "$build" --rootDir test/mutation --module NodeNext --moduleResolution NodeNext \
  --target ES2022 --strict --skipLibCheck --types node test/mutation/mutate.ts test/mutation/run.ts

node "$build/mutate.js" "$out" "$root/samples" >&2
# one import at a time, at a lower priority: the machine is shared
status=0
RECOUNT_ROOT=$cli nice -n 10 node "$build/run.js" "$out" --json "$out/results.json" "$@" | tee "$out/summary.txt" || status=$?
echo "summary and results.json: $out" >&2
exit "$status"
