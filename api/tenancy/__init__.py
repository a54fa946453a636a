"""Tenants (organizations), pairings and their annual targets."""
