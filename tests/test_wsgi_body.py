"""config.wsgi.WholeReads reads gunicorn's request body in large pieces and gives the same
bytes, in the same order, as gunicorn's own Body, whatever mix of calls Django makes."""

import random

import pytest
from gunicorn.http.body import Body, ChunkedReader, LengthReader
from gunicorn.http.unreader import IterUnreader

from config.wsgi import WholeReads, _reads_whole

DATA = random.Random(3).randbytes(700_000) + b"\r\nline one\nline two\r\n" * 50


def pieces(data: bytes, size: int):
    return [data[i : i + size] for i in range(0, len(data), size)]


def length_body(data: bytes, piece: int = 8192) -> Body:
    return Body(LengthReader(IterUnreader(pieces(data, piece)), len(data)))


def drain(stream, pattern):
    out = []
    for step in pattern:
        if step == "line":
            out.append(stream.readline())
        elif step == "line10":
            out.append(stream.readline(10))
        else:
            out.append(stream.read(step))
    out.append(stream.read())
    return out


@pytest.mark.parametrize(
    "pattern",
    [
        [],
        [65536] * 12,
        [1, 2, 3, 100_000, 0, 7],
        ["line", 5000, "line", "line10", 300_000, "line"],
        [10**9],
        [None],
        [-1],
    ],
)
@pytest.mark.parametrize("piece", [1, 8192, 100_003])
def test_the_same_bytes_as_gunicorns_body_whatever_the_reads(pattern, piece):
    data = DATA if piece > 1 else DATA[:20_000]
    expected = drain(length_body(data, piece), pattern)
    got = drain(WholeReads(length_body(data, piece)), pattern)
    assert got == expected
    assert b"".join(got) == data


def test_a_chunked_body_reads_the_same():
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces(DATA, 30_000)) + b"0\r\n\r\n"

    def chunked():
        class Request:
            headers = []

        return Body(ChunkedReader(Request(), IterUnreader(pieces(chunks, 4096))))

    assert b"".join(drain(WholeReads(chunked()), [1000, "line", 65536])) == DATA
    assert WholeReads(chunked()).read() == DATA


def test_only_gunicorns_body_is_wrapped():
    seen = {}

    def app(environ, start_response):
        seen["input"] = environ["wsgi.input"]
        return []

    wrapped = _reads_whole(app)
    body = length_body(b"abc")
    wrapped({"wsgi.input": body}, None)
    assert isinstance(seen["input"], WholeReads)
    other = object()
    wrapped({"wsgi.input": other}, None)
    assert seen["input"] is other
