from ml_guardrails import tokens

from mlgov.constants import TypeToken


def test_pack_tokens_equal_program_tokens():
    for member in tokens.TypeToken:
        assert TypeToken[member.name].value == member.value, member.name


def test_policy_names_are_module_names():
    from ml_guardrails.policies import MODULES

    for module in MODULES:
        assert module.POLICY.name == module.__name__.rsplit(".", 1)[-1].replace("_", "-")
        assert module.POLICY.remediation_steps
        assert module.POLICY.description


def test_vendored_iam_validation_is_identical():
    """The pack vendors mlgov/guardrails/iam_validation.py (it uploads only its own folder)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    vendored = root / "policypacks" / "ml-guardrails" / "ml_guardrails" / "iam_validation.py"
    assert vendored.read_bytes() == (root / "mlgov" / "guardrails" / "iam_validation.py").read_bytes()


def test_every_type_token_is_named_once():
    """Two names for one token (an enum alias) let code and tests drift onto different spellings."""
    from mlgov.constants import InvokeToken

    for enum in (TypeToken, InvokeToken):
        assert len(enum.__members__) == len({member.value for member in enum}), sorted(
            name for name, member in enum.__members__.items() if member.name != name
        )
