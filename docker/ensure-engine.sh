#!/usr/bin/env bash
# Makes a Docker engine reachable: installs Debian's docker.io (and mmdebstrap, for
# build-standin-base.sh) when dockerd is missing, starts dockerd in the background when none answers,
# and waits until `docker info` works. Idempotent: does nothing when an engine already answers.
# Needs root (or sudo) only for the install and the daemon start.
#
#   docker/ensure-engine.sh            # then: docker info
#
# Env: DOCKERD_LOG (default /tmp/source-halopsa-dockerd.log), DOCKERD_WAIT_SECONDS (default 60).
set -euo pipefail

log="${DOCKERD_LOG:-/tmp/source-halopsa-dockerd.log}"
wait_seconds="${DOCKERD_WAIT_SECONDS:-60}"

die() {
  echo "ensure-engine: $*" >&2
  exit 1
}

engine_up() { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }

if engine_up; then
  echo "ensure-engine: Docker engine already reachable ($(docker info --format '{{.ServerVersion}}' 2>/dev/null))." >&2
  exit 0
fi

as_root=()
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null 2>&1 || die "not root and no sudo: cannot install or start dockerd."
  as_root=(sudo -n)
fi

missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v docker >/dev/null 2>&1 || missing+=(docker.io)
command -v mmdebstrap >/dev/null 2>&1 || missing+=(mmdebstrap)
if [ "${#missing[@]}" -gt 0 ]; then
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install a Docker engine (dockerd) by hand."
  echo "ensure-engine: installing ${missing[*]} with apt-get..." >&2
  export DEBIAN_FRONTEND=noninteractive
  "${as_root[@]}" apt-get update -qq || die "apt-get update failed."
  # Without systemd the postinst cannot start the service ("policy-rc.d denied"); we start it below.
  mapfile -t packages < <(printf '%s\n' "${missing[@]}" | sort -u)
  "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null ||
    die "apt-get install ${packages[*]} failed."
fi
command -v dockerd >/dev/null 2>&1 || die "dockerd still missing after the install."

if [ -n "${DOCKER_HOST:-}" ]; then
  die "DOCKER_HOST=$DOCKER_HOST does not answer; unset it to use a local dockerd on /var/run/docker.sock."
fi

if ! pgrep -x dockerd >/dev/null 2>&1; then
  echo "ensure-engine: starting dockerd (log: $log)..." >&2
  # Default socket /var/run/docker.sock, so later `docker` calls need no DOCKER_HOST. setsid + nohup
  # keep the daemon running after this script (and a CI step) exits.
  "${as_root[@]}" setsid nohup dockerd >>"$log" 2>&1 </dev/null &
fi

for _ in $(seq 1 $((wait_seconds * 2))); do
  if engine_up; then
    echo "ensure-engine: Docker engine ready ($(docker info --format '{{.ServerVersion}}'))." >&2
    exit 0
  fi
  sleep 0.5
done
echo "ensure-engine: last lines of $log:" >&2
tail -n 20 "$log" >&2 2>/dev/null || true
die "dockerd did not answer \`docker info\` within ${wait_seconds}s."
