"""Context rules in a config file: the [[context_rules]] section (`manage.py apply_config`).

Each table is validated by the admin's form and matched to a rule by name, e.g.

    [[context_rules]]
    name = "line and cell from PLC host names"
    position = 10
    source = "hostname"
    pattern = 'plc-line(?P<line>\\d+)-(?P<cell>\\d+)'
    site = "plant-a"
"""

from __future__ import annotations

from gogent.config import ConfigReport, ConfigSection, config_section_apply
from logs.forms import ContextRuleForm

CONTEXT_RULES = ConfigSection(label="context_rules", form=ContextRuleForm)


def config_apply_context_rules(*, tables: object, prune: bool) -> ConfigReport:
    """Make the context rules match [[context_rules]] tables; raises ConfigError, applying
    nothing. With prune, rules not in the file are disabled."""
    return config_section_apply(section=CONTEXT_RULES, tables=tables, prune=prune)
