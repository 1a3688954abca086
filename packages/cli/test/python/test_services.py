"""Run by `infra run pg redis -- python -m pytest packages/cli/test/python`: reads the env infra exports."""
import os
import uuid

import psycopg
import redis


def test_postgres_from_database_url():
    with psycopg.connect(os.environ["DATABASE_URL"], connect_timeout=10) as conn:
        with conn.cursor() as cur:
            cur.execute("CREATE TEMP TABLE t (id int primary key, name text)")
            cur.execute("INSERT INTO t VALUES (%s, %s)", (1, "python"))
            cur.execute("SELECT name, current_setting('server_version_num')::int FROM t WHERE id = 1")
            name, version = cur.fetchone()
    assert name == "python"
    assert version >= 140000


def test_pg_variables_match_the_url():
    assert os.environ["PGHOST"] == "127.0.0.1"
    assert f":{os.environ['PGPORT']}/" in os.environ["DATABASE_URL"]


def test_redis_from_redis_url():
    r = redis.Redis.from_url(os.environ["REDIS_URL"], socket_timeout=10)
    key = f"pytest:{uuid.uuid4()}"
    try:
        assert r.ping() is True
        r.set(key, "hello", ex=60)
        assert r.get(key) == b"hello"
    finally:
        r.delete(key)
        r.close()
