# The DraftForge Stats GitHub Action: `draftforge action` on a slim official Python image.
#
# The base names one Python and one Debian release, so a rebuild gets the same interpreter
# (README: "The image" says how to bump it). Dependencies come from docker/requirements.lock
# (exact versions and hashes, made by scripts/lock), so the same commit always counts the
# same.
FROM python:3.11.14-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

# git is the only system package; no recommends, no apt lists left behind.
RUN apt-get update \
    && apt-get install -y --no-install-recommends git \
    && rm -rf /var/lib/apt/lists/*

# The locked dependencies (and the build backend) before any source: an edit of the source
# or the README does not reinstall them. Every one is a pure-Python or manylinux wheel, so
# no compiler is needed.
COPY docker/requirements.lock /tmp/requirements.lock
RUN pip install --require-hashes --no-deps -r /tmp/requirements.lock \
    && rm /tmp/requirements.lock

# Only what the package is built from (see .dockerignore), built with the locked backend.
WORKDIR /opt/draftforge
COPY pyproject.toml README.md ./
COPY draftforge_stats ./draftforge_stats
COPY schemas ./schemas
COPY scaffolds ./scaffolds
RUN pip install --no-deps --no-build-isolation . \
    && rm -rf /opt/draftforge

# The runner mounts the checkout here and sets GITHUB_WORKSPACE to it.
WORKDIR /github/workspace
ENTRYPOINT ["draftforge", "action"]
