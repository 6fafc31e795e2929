#!/usr/bin/env bash
# Smoke test of a compiled binary (run by the release workflow):
#   scripts/smoke.sh dist/kyrage
set -euo pipefail
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$root/examples/basic/kyrage.config.ts" "$root/examples/basic/schema.ts" "$work/"
cd "$work"
expected="$(sed -n 's/.*"version": "\(.*\)".*/\1/p' "$root/deno.json")"
[ "$("$bin" --version)" = "$expected" ] || { echo "smoke: --version is not $expected"; exit 1; }
"$bin" plan --dev | tee plan.sql
grep -q 'CREATE TABLE "public"."users"' plan.sql
"$bin" generate --dev
"$bin" check
echo "smoke: ok"
