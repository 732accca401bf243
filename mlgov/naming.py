"""String rules that turn configured names into AWS and Pulumi names.

Below both the config model and the components, so each spells a derived name
the same way without importing the other.
"""

from __future__ import annotations

import re


def kebab(text: str) -> str:
    """'Workloads_PreProd' -> 'workloads-preprod'; 'log-archive' stays."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def email_from_template(template: str, account: str) -> str:
    """The account email the organization's template gives an account key ('{account}' replaced)."""
    return template.replace("{account}", account)
