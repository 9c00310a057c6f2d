"""Cache backends that fail open: the cache holds throttle counters and log-in failures,
nothing a request cannot do without, so an unreachable cache must never fail a request.
A failing call logs a warning (at most one every few seconds) and answers as an empty
cache would; after a failure the cache is left alone for a moment, so a cache that hangs
costs its short timeout once, not on every call."""

import logging
import time
from functools import wraps

from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

log = logging.getLogger(__name__)

RETRY_AFTER = 5.0  # seconds without trying a cache that just failed

# What each operation answers while the cache is out: what an empty cache would.
FALLBACKS = {
    "add": lambda *a, **k: True,
    "get": lambda key, default=None, version=None: default,
    "set": lambda *a, **k: None,
    "touch": lambda *a, **k: False,
    "delete": lambda *a, **k: False,
    "get_many": lambda *a, **k: {},
    "has_key": lambda *a, **k: False,
    "incr": lambda key, delta=1, version=None: delta,
    "decr": lambda key, delta=1, version=None: -delta,
    "set_many": lambda data, *a, **k: list(data),
    "delete_many": lambda *a, **k: None,
    "clear": lambda *a, **k: None,
}


class FailOpen:
    """Mixed in before a cache backend class."""

    _down_until = 0.0
    _warned_at = 0.0

    def _fail_open(self, name, exc):
        now = time.monotonic()
        type(self)._down_until = now + RETRY_AFTER
        if now - type(self)._warned_at > RETRY_AFTER:
            type(self)._warned_at = now
            log.warning("the cache is unreachable; going on without it (%s: %s)", name, exc)


def _guard(name):
    def method(self, *args, **kwargs):
        fallback = FALLBACKS[name]
        if time.monotonic() < type(self)._down_until:
            return fallback(*args, **kwargs)
        try:
            return getattr(super(FailOpen, self), name)(*args, **kwargs)
        except ValueError:
            raise  # incr of a missing key: the cache works, the caller handles it
        except Exception as exc:
            self._fail_open(name, exc)
            return fallback(*args, **kwargs)

    return wraps(getattr(RedisCache, name))(method)


for _name in FALLBACKS:
    setattr(FailOpen, _name, _guard(_name))


class KeptClientRedisCacheClient(RedisCacheClient):
    """Django builds a new redis.Redis around the pool for every operation, which copies
    its table of about 170 response callbacks: half a millisecond of CPU per cache call,
    four calls per upload. A client only wraps its pool and is thread-safe: keep one per
    pool."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = super().get_client(key, write=write)
        return client


class FailOpenRedisCache(FailOpen, RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = KeptClientRedisCacheClient


class FailOpenFileBasedCache(FailOpen, FileBasedCache):
    pass
