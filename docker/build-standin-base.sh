#!/usr/bin/env bash
# Builds a stand-in for the Airbyte Python connector base image from Debian packages, for machines
# that cannot reach Docker Hub (shared/reference/containers.md §3): mmdebstrap a minimal bookworm with
# Debian's Python 3.11 and pip, copy in the host's extra CA certificates (so `pip install` in a RUN
# step trusts a TLS-intercepting proxy), remove EXTERNALLY-MANAGED (so pip installs into the system
# Python like in python:* images), and `docker import` the result.
# Skips the build when the tag already exists. Prints the tag on stdout.
#
#   docker build --build-arg BASE_IMAGE="$(docker/build-standin-base.sh)" -t source-halopsa:dev .
#
# Env: STANDIN_BASE_IMAGE (tag, default source-halopsa-standin-base:bookworm), FORCE_REBUILD=1.
# It differs from the real base: python in /usr/bin (not /usr/local), no `airbyte` user, no poetry.
set -euo pipefail

tag="${STANDIN_BASE_IMAGE:-source-halopsa-standin-base:bookworm}"

die() {
  echo "build-standin-base: $*" >&2
  exit 1
}

docker info >/dev/null 2>&1 || die "no Docker engine answers; run docker/ensure-engine.sh first."

if [ "${FORCE_REBUILD:-0}" != 1 ] && docker image inspect "$tag" >/dev/null 2>&1; then
  echo "build-standin-base: $tag exists; not rebuilding (FORCE_REBUILD=1 to rebuild)." >&2
  echo "$tag"
  exit 0
fi

if ! command -v mmdebstrap >/dev/null 2>&1; then
  echo "build-standin-base: installing mmdebstrap..." >&2
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends mmdebstrap >/dev/null; } ||
    die "cannot install mmdebstrap."
fi

# The host's own apt sources (its Debian mirror, with -updates and -security), so no host name is
# written here. Fall back to the plain Debian mirror.
sources=()
for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list; do
  if [ -s "$f" ]; then
    sources=("$f")
    break
  fi
done
[ "${#sources[@]}" -gt 0 ] || sources=("http://deb.debian.org/debian")

echo "build-standin-base: building $tag from Debian bookworm packages (about 40 s)..." >&2
start=$(date +%s)
# The hooks are single-quoted on purpose: mmdebstrap runs them with $1 = the new root.
# shellcheck disable=SC2016
mmdebstrap --quiet --variant=minbase \
  --include=python3,python3-venv,python3-pip,python-is-python3,ca-certificates \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --customize-hook='rm -f "$1"/usr/lib/python3*/EXTERNALLY-MANAGED' \
  --customize-hook='for c in /usr/local/share/ca-certificates/*.crt; do [ -e "$c" ] && cp "$c" "$1/usr/local/share/ca-certificates/"; done; chroot "$1" update-ca-certificates >/dev/null 2>&1' \
  --customize-hook='chroot "$1" apt-get clean; rm -rf "$1"/var/lib/apt/lists/*' \
  bookworm - "${sources[@]}" </dev/null |
  docker import \
    --change 'ENV LANG=C.UTF-8' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["python3"]' \
    - "$tag" >/dev/null || die "mmdebstrap | docker import failed."

docker run --rm "$tag" python -c "import ssl, sys; assert sys.version_info[:2] == (3, 11), sys.version" ||
  die "$tag has no working python 3.11."
echo "build-standin-base: built $tag in $(($(date +%s) - start)) s ($(docker image inspect -f '{{.Size}}' "$tag" | awk '{printf "%d MB", $1/1e6}'))." >&2
echo "$tag"
