"""Django's Redis cache, keeping one client object per connection pool.

Django 5.2's RedisCacheClient builds a new ``redis.Redis`` object for every cache call (about
0.35 ms of Python each: it rebuilds the command-callback table). A cached page, a rate-limit
check and a session read each make such calls, so on a cache hit that was the largest single
cost. ``redis.Redis`` objects are thread-safe and share the pool: one per pool is enough.
"""

# Imported here, not on the first cache call as Django does: gotc/wsgi.py loads this module
# before gunicorn forks, so the workers share redis-py (and the asyncio it pulls in, about
# 170 ms of imports) instead of each importing it on its first request after every start.
import redis  # noqa: F401
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._client(connection_pool=self._get_connection_pool(write))
            self._clients[index] = client
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
