"""The test live server, one request at a time at the database when the test database
is SQLite in memory.

With an in-memory SQLite test database every thread of Django's live server shares the
test's one connection (`connections_override`). Two requests at once, say the tablet's
service worker caching pages while the inspector posts, then interleave their
transactions on that connection ("cannot start a transaction within a transaction", a
500 no user would ever see, since production has a connection per thread). The server
below reads each request's body first (so a slow upload does not hold the others up),
then lets one request at a time into Django. On PostgreSQL each thread has its own
connection, and nothing changes."""

import io
import threading

from django.core.servers.basehttp import ThreadedWSGIServer
from django.test import testcases


class OneAtATimeServer(ThreadedWSGIServer):
    _lock = threading.Lock()

    def set_app(self, application):
        if not self.connections_override:
            return super().set_app(application)

        def app(environ, start_response):
            length = int(environ.get("CONTENT_LENGTH") or 0)
            if length:
                environ["wsgi.input"] = io.BytesIO(environ["wsgi.input"].read(length))
            with self._lock:
                return application(environ, start_response)

        return super().set_app(app)


def install() -> None:
    testcases.LiveServerThread.server_class = OneAtATimeServer
