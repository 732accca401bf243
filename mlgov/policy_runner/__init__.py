"""Run a CrossGuard policy pack over a planned resource list, as the Pulumi engine does.

Three jobs, one module each: ``config`` reconciles policy config, ``requests``
builds the analyzer requests, ``process`` starts the pack and speaks gRPC to it;
``session`` runs one analysis with the three.

What the engine does (pulumi/pulumi pkg/resource/plugin, pkg/resource/deploy/step_generator.go,
pkg/resource/analyzer/config.go) and what this module reproduces:

- start ``python -u -m pulumi.policy <engine-address> .`` in the pack directory with
  PULUMI_CONFIG (JSON object of ``<project>:<key>`` -> string), PULUMI_PROJECT,
  PULUMI_STACK, PULUMI_DRY_RUN and PULUMI_ORGANIZATION; the pack prints its port;
- GetAnalyzerInfo; reconcile policy config: schema defaults, then the pack's initial
  config, then an ``all`` enforcement level, then the user's config; validate every
  policy's properties against its JSON schema; Configure; ConfigureStack;
- for every registered resource (the engine does not skip the Stack, components or
  provider resources during preview/up; only ``pulumi policy check`` skips providers):
  Remediate, then Analyze with the (remediated) inputs, the options and the provider;
- AnalyzeStack once with every resource's outputs, parent, dependencies and
  property dependencies;
- a ``remediate`` diagnostic is reported as ``mandatory``; a stack diagnostic without
  a URN of the stack is attributed to the root Stack resource.

Not reproduced: the engine's provider ``Check`` (inputs here are as the program
registered them, without provider defaults), secrets (the plan carries "[secret]"),
and Remediate's property rewrites are only fed to Analyze, never back to the plan.
Values unknown at preview must appear in the resource dicts as the engine's unknown
sentinel (``pulumi.runtime.rpc.UNKNOWN``); they travel as in the real protocol.
"""

from mlgov.policy_runner.config import LEVELS, PolicyConfigError, reconcile_config
from mlgov.policy_runner.process import PolicyPackError, started_pack
from mlgov.policy_runner.protocol import AnalyzerStub
from mlgov.policy_runner.requests import analyze_request, analyze_stack_request
from mlgov.policy_runner.session import Analysis, Violation, analyze, analyze_full, run_policy_pack

__all__ = [
    "LEVELS", "Analysis", "AnalyzerStub", "PolicyConfigError", "PolicyPackError", "Violation",
    "analyze", "analyze_full", "analyze_request", "analyze_stack_request", "reconcile_config",
    "run_policy_pack", "started_pack",
]
