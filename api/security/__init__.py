"""Password hashing, token secrets and personal-data masking."""
