"""gunicorn's settings for `make serve` (gunicorn reads ./gunicorn.conf.py by itself).
Everything from the environment; README "Production settings" lists it.

Workers are processes and threads serve several requests in each: pages spend much of
their time waiting on the database, so a few threads per worker keep the cores busy
without the memory of more processes. The defaults suit a small machine: two workers per
core, four threads each."""

import multiprocessing
import os

bind = os.environ.get("GT_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GT_WORKERS") or 2 * multiprocessing.cpu_count())
threads = int(os.environ.get("GT_THREADS", "4"))
worker_class = "gthread"
# A request still running after this is stopped and logged (the long-text documents
# benchmark keeps the largest PDFs under it; publishing runs as a task, not here).
timeout = int(os.environ.get("GT_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (± jitter), so a slow leak cannot grow.
max_requests = int(os.environ.get("GT_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# The application is loaded once, before the workers fork: faster start, shared memory.
preload_app = True
# The proxy in front sets X-Forwarded-For and -Proto; trust it only from these addresses.
forwarded_allow_ips = os.environ.get("GT_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Access lines go to Django's request log (goldenthread.request, JSON with the request
# id), so gunicorn's own access log is off; its error log goes to stderr.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GT_GUNICORN_LOG_LEVEL", "info")


def post_fork(server, worker):  # gunicorn's hook: both arguments unused
    """Connections are never shared across a fork: each worker opens its own."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.close()
