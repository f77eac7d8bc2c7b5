"""gunicorn settings for every web process; each value can be set from the environment."""
import os

from servicedesk_common.gunicorn_errors import install as json_errors

json_errors()  # a URL too long (over limit_request_line) is a JSON 414, not gunicorn's HTML

bind = os.environ.get("SERVICEDESK_BIND", "127.0.0.1:8080")
workers = int(os.environ.get("SERVICEDESK_WEB_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("SERVICEDESK_WEB_THREADS", "4"))
keepalive = 30
timeout = 60
graceful_timeout = 20
accesslog = None
errorlog = "-"
loglevel = os.environ.get("SERVICEDESK_LOG_LEVEL", "info").lower()
control_socket_disable = True  # gunicorn 27: no control socket shared between our servers
limit_request_line = int(os.environ.get("SERVICEDESK_MAX_REQUEST_LINE", "4094"))


def post_fork(server, worker):
    """A web worker dies with its gunicorn master, even one killed with -9 (no orphans holding
    database connections)."""
    from servicedesk_common.lifetime import die_with_parent

    die_with_parent(server.pid)
