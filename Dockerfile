# One image for every service; each runs as an API process and a worker process:
#   python -m services.<name>.main      (API, port <NAME>_API_PORT)
#   python -m services.<name>.worker    (outbox relay, consumer, scheduler; metrics on <NAME>_WORKER_PORT)
FROM python:3.11-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
# User and group 10001: above the host's accounts (kube-score, restricted Pod Security Standard).
RUN groupadd --system --gid 10001 llr && useradd --system --uid 10001 --gid 10001 --home /app llr

COPY pyproject.toml constraints.txt ./
COPY shared ./shared
COPY services ./services
RUN pip install -c constraints.txt . && rm -rf /root/.cache

# The commit this image was built from: llr_build_info{revision} on /metrics.
ARG LLR_REVISION=unknown
ENV LLR_REVISION=$LLR_REVISION
# Numeric, so that Kubernetes can tell without the image's passwd that it is not root.
USER 10001:10001
EXPOSE 8000-8005 8101-8105
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD ["python", "-c", "import os,sys,urllib.request; sys.exit(0 if urllib.request.urlopen(os.environ.get('HEALTH_URL','http://127.0.0.1:8000/health')).status == 200 else 1)"]
CMD ["llr", "run", "--host", "0.0.0.0"]
