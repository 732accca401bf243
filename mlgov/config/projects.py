"""Rules across the project catalogue that no single field can check."""

from __future__ import annotations

from collections import Counter
from typing import Any

from mlgov.config.errors import ConfigIssue
from mlgov.constants import Limit

# "<project>-<environment>-automation" must fit AWS's 50-character account name.
_LONGEST_SUFFIX = len("-preprod-automation")


def check_projects(document: Any, prefix: str) -> list[ConfigIssue]:
    projects = document.get("projects") if isinstance(document, dict) else None
    if not isinstance(projects, list):
        return []
    issues: list[ConfigIssue] = []
    names: Counter[str] = Counter()
    for index, project in enumerate(projects):
        if not isinstance(project, dict):
            continue
        path = f"{prefix}projects[{index}]"
        name = project.get("name")
        if isinstance(name, str):
            names[name] += 1
            if names[name] == 2:
                issues.append(ConfigIssue(f"{path}.name", "is the name of another project; project names key accounts and resources", "rename one of the projects", name))
            if len(name) + _LONGEST_SUFFIX > Limit.ACCOUNT_NAME_MAX:
                issues.append(ConfigIssue(f"{path}.name", f"makes account names longer than {Limit.ACCOUNT_NAME_MAX} characters", f"use at most {Limit.ACCOUNT_NAME_MAX - _LONGEST_SUFFIX} characters", name))
        users: Counter[str] = Counter()
        for member_index, member in enumerate(project.get("members") or []):
            user = member.get("user") if isinstance(member, dict) else None
            if isinstance(user, str):
                users[user] += 1
                if users[user] == 2:
                    issues.append(ConfigIssue(f"{path}.members[{member_index}].user", "is listed twice in this project", "list each person once", user))
    return issues
