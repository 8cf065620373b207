# faqbot's image. Its install steps are the Makefile's (`make run` → $(VENV)/.installed) with
# VENV=.venv in /app; tests/test_deploy.py checks that the two agree.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    KNOWLEDGE_DIR=/app/knowledge \
    DATABASE_PATH=/data/faqbot.sqlite3 \
    HEALTH_PORT=8080

RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin faqbot \
    && mkdir -p /data \
    && chown faqbot /data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY knowledge ./knowledge

RUN python3 -m venv .venv \
    && .venv/bin/python -m pip install --quiet --upgrade pip \
    && .venv/bin/python -m pip install --quiet -e . \
    && chown -R faqbot /app/knowledge

USER faqbot
# The knowledge files (edited by admins; "Add as a question of…" writes to them) and the
# question log with its salt.
VOLUME ["/app/knowledge", "/data"]

# SIGTERM: no new questions, answers in progress finish (10 s at most), exit 0.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD [".venv/bin/python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ['HEALTH_PORT'] + '/healthz', timeout=4)"]

CMD [".venv/bin/python", "-m", "bot", "run"]
