"""Human-readable renderings of plans."""
