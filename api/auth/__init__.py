"""Sign-in, web sessions, API tokens, OpenID Connect and membership management."""
