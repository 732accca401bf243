"""Cross-account delivery: pipeline role in the automation account, deploy role in the workload account."""
