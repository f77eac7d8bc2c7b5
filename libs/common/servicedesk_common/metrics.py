"""Prometheus metrics shared by every process (web and worker)."""
from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Counter("servicedesk_http_requests_total", "HTTP requests handled",
                        ["service", "method", "status"])
HTTP_LATENCY = Histogram("servicedesk_http_request_seconds", "HTTP request latency",
                         ["service"], buckets=(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5))
EVENTS_HANDLED = Counter("servicedesk_events_handled_total", "Events taken from the queue",
                         ["service", "type", "outcome"])
OUTBOX_PUBLISHED = Counter("servicedesk_outbox_published_total", "Outbox rows published",
                           ["service"])
OUTBOX_BACKLOG = Gauge("servicedesk_outbox_backlog", "Outbox rows not yet published",
                       ["service"])
QUEUE_DEPTH = Gauge("servicedesk_queue_messages", "Messages ready in the service's queue",
                    ["service"])
DLQ_DEPTH = Gauge("servicedesk_dlq_messages", "Messages waiting in the dead-letter queue",
                  ["service"])
