"""IAM Identity Center: permission sets (org stack) and per-stage account assignments (environment stacks)."""
