#!/usr/bin/env python
"""Check that DATABASE_URL's PostgreSQL and CELERY_BROKER_URL's Redis answer; create the database
if it is missing. Used by .ci/run (and handy before `make run` with PostgreSQL)."""

import os
import sys
import time
from urllib.parse import urlsplit


def ensure_postgres(url: str) -> None:
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    dbname = parts.path.lstrip("/") or "postgres"
    params = {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": parts.username or "postgres",
        "password": parts.password or None,
    }
    for attempt in range(20):
        try:
            conn = psycopg2.connect(dbname="postgres", connect_timeout=3, **params)
            break
        except psycopg2.OperationalError as exc:
            if attempt == 19:
                sys.exit(f"PostgreSQL at {params['host']}:{params['port']} does not answer: {exc}")
            time.sleep(1)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname])
        if cur.fetchone() is None:
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
            print(f"created database {dbname}")
        else:
            print(f"database {dbname} exists")
    conn.close()


def ensure_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=3)
    for attempt in range(20):
        try:
            client.ping()
            print("redis answers")
            return
        except redis.exceptions.ConnectionError as exc:
            if attempt == 19:
                sys.exit(f"Redis at {url} does not answer: {exc}")
            time.sleep(1)


def main() -> None:
    db = os.environ.get("DATABASE_URL", "")
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if db.startswith(("postgres://", "postgresql://")):
        ensure_postgres(db)
    if broker.startswith(("redis://", "rediss://")):
        ensure_redis(broker)


if __name__ == "__main__":
    main()
