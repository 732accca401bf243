"""Components of the `shared` stack: services the platform runs inside the core accounts."""
