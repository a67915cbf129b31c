"""A loopback TCP relay in front of the live server: the tablet's signal, under the
test's control. Chromium's own offline switch does not reach a service worker's
requests; cutting the wire does, for the page and the worker alike.

- `down()` refuses new connections and drops the open ones (no signal);
- `up()` lets them through again;
- `cut_when(marker, after)` drops the connection carrying `marker` (bytes of a request
  line) once `after` further bytes of it went through, and then the signal (as `down()`):
  a connection lost in the middle of an upload. Without the second part Chromium would
  resend the request at once on a new connection. Each plan cuts once; `cuts` counts."""

import contextlib
import socket
import threading


class Relay:
    def __init__(self, target_port: int):
        self.target_port = target_port
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.open = True
        self.cuts = 0
        self._plan = None  # (marker, after)
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        threading.Thread(target=self._accept, daemon=True).start()

    def down(self) -> None:
        with self._lock:
            self.open = False
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            _close(sock)

    def up(self) -> None:
        self.open = True

    def cut_when(self, marker: bytes, after: int) -> None:
        self._plan = (marker, after)

    def close(self) -> None:
        self.down()
        _close(self.server)

    def _accept(self) -> None:
        while True:
            try:
                client, _address = self.server.accept()
            except OSError:
                return
            if not self.open:
                _close(client)
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port))
            except OSError:
                _close(client)
                continue
            with self._lock:
                self._sockets |= {client, upstream}
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _pump(self, source, target, outgoing: bool) -> None:
        left = None  # bytes still allowed through once the marker was seen
        tail = b""
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                plan = self._plan if outgoing else None
                if plan and left is None and plan[0] in tail + data:
                    start = (tail + data).index(plan[0]) - len(tail)
                    left = max(start, 0) + plan[1]
                    self._plan = None
                if left is not None:
                    if len(data) >= left:
                        target.sendall(data[:left])
                        self.cuts += 1
                        self.down()
                        break
                    left -= len(data)
                tail = data[-200:]
                target.sendall(data)
        except OSError:
            pass
        finally:
            _close(source)
            _close(target)


def _close(sock) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
