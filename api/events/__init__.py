"""Domain events: what happened, raised by the domain where it happened and handled by
the subscribers other domains register (`bus`, `catalog`, `wiring`)."""
