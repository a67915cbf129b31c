import io
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# How much a read asks of the socket and of gunicorn's body reader at a time.
READ_CHUNK = 256 * 1024


class WholeReads:
    """gunicorn's request body (gunicorn.http.body.Body) gathers every read() from 1 KB
    pieces, each copying what the socket gave it, and asks the socket for 8 KB at a time
    (gunicorn issue #2596, open). A citizen's 5 MB photo then costs about 20 ms of CPU
    before Django sees a byte. This reads through the Body's own reader in large pieces;
    readline() and what the Body already holds go through the Body as before, so the
    bytes and their order are the same whichever is called."""

    def __init__(self, body):
        self._body = body
        unreader = getattr(body.reader, "unreader", None)
        if unreader is not None and getattr(unreader, "mxchunk", READ_CHUNK) < READ_CHUNK:
            unreader.mxchunk = READ_CHUNK

    def read(self, size=None):
        body = self._body
        size = body.getsize(size)
        if size == 0:
            return b""
        held = body.buf.getvalue()
        if len(held) >= size:
            return body.read(size)
        body.buf = io.BytesIO()
        parts, have = [held], len(held)
        while have < size:
            data = body.reader.read(min(size - have, READ_CHUNK))
            if not data:
                break
            parts.append(data)
            have += len(data)
        return b"".join(parts)

    def readline(self, size=None):
        return self._body.readline(size)

    def readlines(self, size=None):
        return self._body.readlines(size)

    def __iter__(self):
        return iter(self._body)


def _reads_whole(app):
    def wrapped(environ, start_response):
        body = environ.get("wsgi.input")
        if type(body).__module__ == "gunicorn.http.body" and all(
            hasattr(body, name) for name in ("reader", "buf", "getsize")
        ):
            environ["wsgi.input"] = WholeReads(body)
        return app(environ, start_response)

    return wrapped


application = _reads_whole(get_wsgi_application())
