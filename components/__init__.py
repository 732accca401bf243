"""ComponentResources of mlgov, one concept per module (ARCHITECTURE.md, house style 1)."""
