#!/usr/bin/env bash
# Rebuilds vendor/aws-local-stepfunctions-3.0.0-node20.tgz from the registry's aws-local-stepfunctions 3.0.0
# (checked against its published integrity). Two changes, nothing else:
# - build/main.node.cjs and build/main.node.esm.js start with a Promise.withResolvers polyfill, the one
#   Node 22 API the package calls (it runs the local state machines of the deploy-time tests);
# - package.json's engines.node is ">=20.0.0" (upstream: ">=22.0.0"), which is then true, so that
#   `npm ci` on Node 20 (the minimum this library supports) prints no EBADENGINE warning.
# The registry serves no older release that declares Node 20 (2.x). Drop this copy when the project's
# minimum Node.js is 22: depend on the registry's package again.
set -euo pipefail
VERSION=3.0.0
INTEGRITY='sha512-Ey6alNmQOk+v1TcRItZakz+MgWTNyw11NOjOpyvohV9zt6s+C0THFHfnqR+PSaK62m1gRLYv4ZrFfEVlnBM0Sw=='
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack "aws-local-stepfunctions@$VERSION" --silent >/dev/null
actual="sha512-$(openssl dgst -sha512 -binary "aws-local-stepfunctions-$VERSION.tgz" | base64 -w0)"
[ "$actual" = "$INTEGRITY" ] || { echo "integrity mismatch: $actual" >&2; exit 1; }
tar xzf "aws-local-stepfunctions-$VERSION.tgz"
polyfill='/* cdk-eventdatastore-import: Promise.withResolvers (Node 22) for Node 20 */ if (typeof Promise.withResolvers !== "function") { Promise.withResolvers = function () { let resolve, reject; const promise = new Promise((res, rej) => { resolve = res; reject = rej; }); return { promise, resolve, reject }; }; }'
for f in package/build/main.node.cjs package/build/main.node.esm.js; do
  { printf '%s\n' "$polyfill"; cat "$f"; } > "$f.new" && mv "$f.new" "$f"
done
node -e '
  const fs = require("fs");
  const file = "package/package.json";
  const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
  if (pkg.engines.node !== ">=22.0.0") throw new Error("unexpected engines " + JSON.stringify(pkg.engines));
  pkg.engines.node = ">=20.0.0";
  fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");
'
# Fixed timestamps and order: the same input gives the same bytes (and lock integrity).
tar --sort=name --mtime='1985-10-26 08:15Z' --owner=0 --group=0 --numeric-owner -cf - package | gzip -n -9 > "$here/aws-local-stepfunctions-$VERSION-node20.tgz"
echo "wrote $here/aws-local-stepfunctions-$VERSION-node20.tgz"
