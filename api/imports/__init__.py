"""Spreadsheet imports shared by every domain: stored uploads, batches, previews."""
