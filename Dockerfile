# One image for every service; each runs as an API process and a worker process:
#   python -m services.<name>.main      (API, port <NAME>_API_PORT)
#   python -m services.<name>.worker    (outbox relay, consumer, scheduler; metrics on <NAME>_WORKER_PORT)
FROM python:3.11-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
RUN useradd --system --uid 10001 --home /app llr

COPY pyproject.toml constraints.txt ./
COPY shared ./shared
COPY services ./services
RUN pip install -c constraints.txt . && rm -rf /root/.cache

USER llr
EXPOSE 8000-8005 8101-8105
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD ["python", "-c", "import os,sys,urllib.request; sys.exit(0 if urllib.request.urlopen(os.environ.get('HEALTH_URL','http://127.0.0.1:8000/health')).status == 200 else 1)"]
CMD ["llr", "run", "--host", "0.0.0.0"]
