"""Background jobs: long work (imports, handbooks) queued by a page, run by a worker."""
