"""ComponentResources of mlgov, one concept per module ."""
