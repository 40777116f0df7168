"""A loopback TCP proxy in front of a real redis-server that can lose one reply.

``cut_next_reply_to(b"EXEC")`` arms it: the next client write containing that command is passed
to the server, and the connection is cut as soon as the server's answer comes back, without
passing it on. The server has done the work (and fsynced it, with an append-only file); the client
only sees a dropped connection. That is what a Redis killed between applying a write and sending
its reply looks like, made deterministic.
"""

from __future__ import annotations

import asyncio
import contextlib


class ReplyCutter:
    def __init__(self, upstream_port: int, host: str = "127.0.0.1") -> None:
        self.host = host
        self.upstream_port = upstream_port
        self._server: asyncio.Server | None = None
        self._marker: bytes | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self.cut = 0  # replies lost so far
        self.port: int | None = None

    @property
    def url(self) -> str:
        return f"redis://{self.host}:{self.port}/0"

    def cut_next_reply_to(self, command: bytes) -> None:
        self._marker = command

    async def start(self) -> ReplyCutter:
        self._server = await asyncio.start_server(self._serve, self.host, 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.close()
        if self._server is not None:
            await self._server.wait_closed()

    async def _serve(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        server_r, server_w = await asyncio.open_connection(self.host, self.upstream_port)
        self._writers.update((client_w, server_w))
        doomed = asyncio.Event()  # set once a marked command went through on this connection

        async def to_server() -> None:
            while data := await client_r.read(65536):
                if self._marker is not None and self._marker in data:
                    self._marker = None
                    doomed.set()
                server_w.write(data)
                await server_w.drain()

        async def to_client() -> None:
            while data := await server_r.read(65536):
                if doomed.is_set():
                    self.cut += 1
                    return  # the server answered: drop the answer and the connection
                client_w.write(data)
                await client_w.drain()

        pumps = [asyncio.create_task(to_server()), asyncio.create_task(to_client())]
        try:
            await asyncio.wait(pumps, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in pumps:
                task.cancel()
            for writer in (client_w, server_w):
                self._writers.discard(writer)
                if writer is client_w and doomed.is_set():
                    writer.transport.abort()
                else:
                    writer.close()
                with contextlib.suppress(Exception):
                    await writer.wait_closed()
