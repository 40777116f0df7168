"""The Redis client: replies parsed and commands packed by hiredis, the same bytes as redis-py's own."""

import pytest
import redis.asyncio as redis
from redis.exceptions import DataError

from bot.store.connection import HiredisPackingConnection, connect_store

COMMANDS = [
    ("SET", "blm:incident:NOG-0001", '{"id":"NOG-0001","note":"Aduana señaló el carril 3"}', "EX", 7776000),
    ("ZADD", "blm:q:ready", "NX", 1796126699.6579726, "in:slack:C0NOGALES"),
    ("ZADD", "blm:timers", 0.1 + 0.2, "t1", 1e20, "t2", -3, "t3"),
    ("XADD", "blm:q:out:telegram:-1001000000003:lo", "*", "p", "x" * 70_000),  # past redis-py's chunking cutoff
    ("HSET", b"raw-bytes-key", b"\x00\xff", memoryview(b"view")),
    ("CONFIG GET", "maxmemory"),  # a two-word command name is split, as redis-py does
    ("EVALSHA", "a5bc7b826c2644c3eb4bf218270c73905a1e3eb2", 4, "k1", "k2", "k3", "k4", "tok", 6000, "g", "acquire"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: str(c[0]))
def test_commands_are_packed_to_the_same_bytes_as_redis_py_packs_them(command):
    python_packed = b"".join(bytes(part) for part in redis.Connection().pack_command(*command))
    hiredis_packed = b"".join(HiredisPackingConnection().pack_command(*command))
    assert hiredis_packed == python_packed


def test_what_redis_py_refuses_to_send_is_still_refused():
    for bad in (True, None, 1j):
        with pytest.raises(DataError):
            HiredisPackingConnection().pack_command("SET", "k", bad)
        with pytest.raises(DataError):
            redis.Connection().pack_command("SET", "k", bad)


def test_the_store_client_uses_it_and_never_retries():
    client = connect_store("redis://127.0.0.1:6379/0")
    pool = client.connection_pool
    assert pool.connection_class is HiredisPackingConnection
    assert pool.connection_kwargs["retry"].get_retries() == 0
