"""A laborer's timeline across the registry, referrals, fairs, trainings, placements,
subsidies and casework."""
