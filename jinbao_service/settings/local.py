"""Development on one machine: `make run`. SQLite and the filesystem broker unless told otherwise."""

from .base import *  # noqa: F403
from .env import env_bool

DEBUG = env_bool("DEBUG", True)
