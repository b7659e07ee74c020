"""gunicorn settings, read from the working directory by every `gunicorn` started here
(Procfile, the e2e tests, production from the repository root).

The access log names the path without the query string (%(U)s), and no referrer: the manage
link carries its token in the query (`/booking/<reference>?token=…`) and must never reach a log
line. Status, size, time and user agent stay for operations.
"""

accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss "%(a)s"'

# Publishing a model answers only once every Rasa server has loaded it (a minute or two on a
# busy machine; RASA_LOAD_TIMEOUT_SECONDS), so a request may take that long.
timeout = 600
