"""Demo data from the seed documents (`laborbridge demo`, `make run`)."""
