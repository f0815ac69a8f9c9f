"""The feed farm as its own process (so that serving costs are not charged to the measured process).

python -m tests.benchmarks.farm_server --port 8999 --entries 20
POST /_grow?feeds=1,2,3   adds one entry to each of those feeds
"""

from __future__ import annotations

import argparse

from aiohttp import web

from tests.feedfarm import FeedFarm


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--entries", type=int, default=20)
    args = parser.parse_args()
    farm = FeedFarm(entries_per_feed=args.entries, base_url=f"http://127.0.0.1:{args.port}")

    async def grow(request: web.Request) -> web.Response:
        feeds = [int(n) for n in request.query.get("feeds", "").split(",") if n]
        for feed in feeds:
            farm.grow(feed)
        return web.Response(text=f"grew {len(feeds)}")

    app = farm.app()
    app.router.add_post("/_grow", grow)
    # The catch-all GET of the farm is registered last: POST /_grow does not collide with it.
    web.run_app(app, host="127.0.0.1", port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
