"""mlgov: a governed machine-learning landing zone on AWS, as a Pulumi program.

Everything here is plain Python (no Pulumi resources): the typed config model,
the guardrail catalogue, the offline engine, reports and the CLI.
"""

__version__ = "0.1.0"
