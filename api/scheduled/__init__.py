"""The last run of each scheduled command: written by the commands, read by /metrics."""
