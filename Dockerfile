# The DraftForge Stats GitHub Action: `draftforge action` on a slim official Python image.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

# git is the only system package; no recommends, no apt lists left behind.
RUN apt-get update \
    && apt-get install -y --no-install-recommends git \
    && rm -rf /var/lib/apt/lists/*

# Only what the package is built from (see .dockerignore); every dependency is a pure-Python
# or manylinux wheel, so no compiler is needed and none is left behind.
WORKDIR /opt/draftforge
COPY pyproject.toml README.md ./
COPY draftforge_stats ./draftforge_stats
COPY schemas ./schemas
COPY scaffolds ./scaffolds
RUN pip install --no-cache-dir . \
    && rm -rf /opt/draftforge

# The runner mounts the checkout here and sets GITHUB_WORKSPACE to it.
WORKDIR /github/workspace
ENTRYPOINT ["draftforge", "action"]
