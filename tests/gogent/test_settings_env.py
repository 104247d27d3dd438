"""Reading the environment: for most settings an empty value (as in a copied .env.example)
means the default; for those whose empty value turns something off, it means off."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

from gogent.settings import env_str, env_str_or_off

VARIABLE = "GOGENT_TEST_SETTINGS_ENV"
DEFAULT_RESULTS_SUBJECT = "agent.technical.support.analysis"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "the.default"),
        ("", ""),
        ("   ", ""),
        ("plant.results", "plant.results"),
        ("  plant.results\n", "plant.results"),
    ],
    ids=["unset", "empty", "blank", "set", "padded"],
)
def test_env_str_or_off_turns_off_on_an_empty_value(value, expected, monkeypatch):
    if value is None:
        monkeypatch.delenv(VARIABLE, raising=False)
    else:
        monkeypatch.setenv(VARIABLE, value)

    assert env_str_or_off(VARIABLE, "the.default") == expected


def test_env_str_still_reads_an_empty_value_as_the_default(monkeypatch):
    monkeypatch.setenv(VARIABLE, "")
    assert env_str(VARIABLE, "the.default") == "the.default"


def results_subject(tmp_path, **env: str) -> str:
    """settings.ANALYSIS_RESULTS_SUBJECT as gogent/settings.py makes it from this environment."""
    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps(settings.ANALYSIS_RESULTS_SUBJECT))"
    )
    base = {
        name: value
        for name, value in os.environ.items()
        if name not in ("ANALYSIS_RESULTS_SUBJECT", "NATS_SUBJECT")
        and not name.startswith("DJANGO_")
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "gogent.settings",
            "GOGENT_DATA_DIR": str(tmp_path),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_an_empty_results_subject_turns_publishing_off(tmp_path):
    assert results_subject(tmp_path, ANALYSIS_RESULTS_SUBJECT="") == ""


def test_an_unset_results_subject_is_the_default(tmp_path):
    assert results_subject(tmp_path) == DEFAULT_RESULTS_SUBJECT
    # It follows the logs' subject.
    assert results_subject(tmp_path, NATS_SUBJECT="plant.logs") == "plant.logs.analysis"


def test_a_results_subject_that_is_set_is_used(tmp_path):
    assert results_subject(tmp_path, ANALYSIS_RESULTS_SUBJECT="plant.results") == "plant.results"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SWEEP_TIME_LIMIT", "0"),
        ("ANALYSIS_PUBLISH_TIMEOUT_MS", "0"),
        ("ANALYSIS_PUBLISH_PAUSE_MAX", "0"),
    ],
)
def test_time_limits_that_would_stop_all_work_are_refused_at_start(tmp_path, variable, value):
    with pytest.raises(AssertionError, match=f"{variable} must be at least 1"):
        results_subject(tmp_path, **{variable: value})
