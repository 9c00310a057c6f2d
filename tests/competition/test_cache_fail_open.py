"""The cache fails open: with the cache unreachable, every request goes on without it
(throttles, log-in failures), and the server logs a warning."""

import socket

import pytest
from django.core.cache import caches
from django.test import override_settings

from config import cache as fail_open
from tests.factories import upload


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again: nothing listens there


@pytest.fixture
def dead_redis(monkeypatch):
    monkeypatch.setattr(fail_open.FailOpenRedisCache, "_down_until", 0.0)
    monkeypatch.setattr(fail_open.FailOpenRedisCache, "_warned_at", 0.0)
    location = f"redis://127.0.0.1:{closed_port()}/0"
    config = {
        "default": {
            "BACKEND": "config.cache.FailOpenRedisCache",
            "LOCATION": location,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    with override_settings(CACHES=config):  # Django makes the cache handler anew
        yield caches["default"]


def test_every_operation_answers_as_an_empty_cache(dead_redis, monkeypatch):
    warnings = []
    monkeypatch.setattr(fail_open.log, "warning", lambda *args: warnings.append(args))
    assert dead_redis.get("k", "fallback") == "fallback"
    dead_redis.set("k", 1)
    assert dead_redis.add("k", 1) is True
    assert dead_redis.get_many(["a", "b"]) == {}
    assert dead_redis.incr("n", 3) == 3
    assert dead_redis.delete("k") is False
    assert len(warnings) == 1 and "unreachable" in warnings[0][0]  # once, not every call


@pytest.mark.django_db
def test_reads_and_uploads_work_with_the_cache_down(dead_redis, api_alice, validation, monkeypatch):
    warnings = []
    monkeypatch.setattr(fail_open.log, "warning", lambda *args: warnings.append(args))
    assert api_alice.get("/api/competitions/xacle/").status_code == 200
    response = api_alice.post(
        "/api/competitions/xacle/phases/validation/submissions/",
        {"system_name": "Aurora_01", "file": upload(validation)},
        format="multipart",
    )
    assert response.status_code == 201
    assert warnings


def test_a_working_cache_is_left_alone(tmp_path):
    backend = fail_open.FailOpenFileBasedCache(str(tmp_path), {})
    backend.set("k", 41)
    assert backend.incr("k") == 42
    with pytest.raises(ValueError):
        backend.incr("missing")  # the cache works: the caller's error is still raised


def test_the_redis_cache_keeps_one_client_per_pool():
    # Django would build a new redis.Redis (and its callback table) for every operation.
    backend = fail_open.FailOpenRedisCache("redis://127.0.0.1:1/0", {})
    client = backend._cache.get_client("k")
    assert backend._cache.get_client("other", write=True) is client
