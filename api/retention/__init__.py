"""Retention: the nightly purge of what has served its purpose (`laborbridge purge`)."""
