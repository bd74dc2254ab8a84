# source-halopsa connector image, in the shape of Airbyte's Python connector Dockerfile
# (docker-images/Dockerfile.python-connector): the base image's Python, the connector installed into
# it, `source-halopsa` as the entrypoint, run as the non-root `airbyte` user.
#
#   docker build -t airbyte/source-halopsa:dev .
#   docker run --rm airbyte/source-halopsa:dev spec
#
# Without Docker Hub, build on a local stand-in base (docker/build-standin-base.sh):
#   docker build --build-arg BASE_IMAGE=source-halopsa-standin-base:bookworm -t source-halopsa:dev .
#
# Plain Dockerfile syntax only: Debian's docker.io has no BuildKit (no heredocs, no --mount).

# Keep in step with metadata.yaml connectorBuildOptions.baseImage.
ARG BASE_IMAGE=docker.io/airbyte/python-connector-base:4.0.2@sha256:9fdb1888c4264cf6fee473649ecb593f56f58e5d0096a87ee0b231777e2e3e73
FROM ${BASE_IMAGE}

# The base image may set another user; installing into the system Python needs root.
USER root
WORKDIR /airbyte/integration_code

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_ROOT_USER_ACTION=ignore \
    PYTHONUNBUFFERED=1

# Runtime dependencies first, pinned with hashes: this layer is rebuilt only when the lock changes.
COPY requirements.lock ./
RUN python -m pip install --no-cache-dir --require-hashes -r requirements.lock

# Then the connector itself (manifest and schemas are package data), without dependencies.
COPY pyproject.toml README.md ./
COPY source_halopsa ./source_halopsa
RUN python -m pip install --no-cache-dir --no-deps . \
    && command -v source-halopsa

# The real base image has user airbyte (uid 1000, from adduser --system --group); a stand-in base may
# not, so create it when it is missing.
RUN if ! id -u airbyte >/dev/null 2>&1; then \
        { getent group airbyte >/dev/null || groupadd airbyte; } \
        && useradd --uid 1000 --gid airbyte --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin airbyte; \
    fi

ENV AIRBYTE_ENTRYPOINT="source-halopsa"
ENTRYPOINT ["source-halopsa"]
USER airbyte
