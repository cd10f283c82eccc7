"""gunicorn's settings for the bot in production: ``gunicorn -c deploy/gunicorn.conf.py`` from the checkout.

It listens on loopback only, behind the reverse proxy (deploy/Caddyfile) that holds TLS. Two settings
come from the environment (deploy/helpline.service reads them from its EnvironmentFile):
HELPLINE_BIND (default 127.0.0.1:8000) and WEB_CONCURRENCY (the number of workers).
"""
import os

wsgi_app = "bot:create_app()"

# Loopback only: the proxy is the one way in. A unix socket works too ("unix:/run/helpline/gunicorn.sock").
bind = [os.environ.get("HELPLINE_BIND", "127.0.0.1:8000")]

# Sync workers, each a process holding the table, the senders and the models in memory. A text is
# answered from memory (see docs/bench.md), so 2 to 4 workers carry a county's traffic.
workers = int(os.environ.get("WEB_CONCURRENCY") or min(4, 2 * (os.cpu_count() or 1)))
worker_class = "sync"
# Each worker builds its own app (threads, database pool): nothing is shared across a fork.
preload_app = False

# Every database call on a webhook's path gives up within seconds and Twilio waits 15 s for an answer,
# so a worker silent for 30 s is stuck: it is killed and replaced. A stop lets requests finish first.
timeout = 30
graceful_timeout = 30
keepalive = 5
worker_tmp_dir = "/dev/shm"  # the workers' heartbeat files: in memory, never blocked by a slow disk
# No control socket (gunicorn 25.1+ makes one in $HOME/.gunicorn): systemd starts, reloads and stops it.
control_socket_disable = True

# The proxy on this machine sets X-Forwarded-Proto; the app's PROXY_FIX=1 reads the public host and scheme.
forwarded_allow_ips = "127.0.0.1,::1"

# Logs go to standard output and error (the journal under systemd). The access log names the method,
# the path without its query string, the status, the size and the time taken: never a query string,
# a body, a header, a referrer or an address (Twilio's requests carry the texter's number in the body).
accesslog = "-"
errorlog = "-"
loglevel = "info"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'


def child_exit(server, worker):
    """A worker that ended (killed too): its live gauges leave /metrics (prometheus_client multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess
        multiprocess.mark_process_dead(worker.pid)
