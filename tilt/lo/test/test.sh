#!/usr/bin/env bash
# Runs the extension for real: tilt ci against the current cluster, then
# tilt down. Needs a cluster Tilt may deploy to: `kubectl lo up` in this
# folder makes the lok8s.dev one (Docker and kind), or point KUBECONFIG at
# another dev cluster. tests/e2e/tilt.bats evaluates the same Tiltfile with
# `tilt alpha tiltfile-result`, which needs no cluster.
set -euo pipefail
cd "$(dirname "$0")"
export DOMAIN_NAME=lok8s.dev
tilt ci --file Tiltfile --timeout 5m
tilt down --file Tiltfile
