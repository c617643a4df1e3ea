"""Django for a benchmark script: a fresh database of its own, then ``django.setup()``."""

import os
import tempfile


def setup_django(database_url: str = "") -> str:
    """Point Django at ``database_url`` (a PostgreSQL database dropped and created again), or
    at a new SQLite file in a temp dir, and set it up. Returns the temp dir."""
    workdir = tempfile.mkdtemp(prefix="gotc-bench-")
    if database_url.startswith("postgres"):
        import psycopg

        name = database_url.rsplit("/", 1)[1]
        admin = database_url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {name}")
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.setdefault("DEBUG", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "gotc.settings"

    import django

    django.setup()
    return workdir
