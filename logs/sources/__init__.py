"""Where `manage.py publish_logs` gets its messages: JSON lines, Loghub samples, generated logs.

Each source is an iterator of payloads, one NATS message each, in Gogent's input
format (logs/validation.py): `jsonl` passes a stream's lines on, `loghub` reads
the Loghub samples, `generated` makes plant-floor and IT logs from a seed.
"""

from logs.sources.generated import (
    CONTEXT_FIELDS,
    FIELD_MAKERS,
    GENERATED_CUM_WEIGHTS,
    GENERATED_TEMPLATES,
    INTERNAL_DOMAINS,
    PLC_FAULTS,
    SENSOR_KINDS,
    URL_PATHS,
    FieldMaker,
    LogTemplate,
    Rng,
    TemplateFields,
    generated_logs,
)
from logs.sources.jsonl import json_lines
from logs.sources.loghub import (
    DIGITS,
    LOGHUB_MADE_UP,
    LOGHUB_ROW_READERS,
    LOGHUB_SAMPLES,
    LOGHUB_SEVERITIES,
    LOGHUB_YEAR,
    MADE_UP_HOSTS_PER_DATASET,
    MADE_UP_SEVERITIES,
    MADE_UP_SEVERITY_WEIGHTS,
    RAW_LEVEL,
    LoghubFields,
    MadeUpFields,
    loghub_datasets,
    loghub_logs,
    loghub_severity,
)

__all__ = [
    "CONTEXT_FIELDS",
    "DIGITS",
    "FIELD_MAKERS",
    "GENERATED_CUM_WEIGHTS",
    "GENERATED_TEMPLATES",
    "INTERNAL_DOMAINS",
    "LOGHUB_MADE_UP",
    "LOGHUB_ROW_READERS",
    "LOGHUB_SAMPLES",
    "LOGHUB_SEVERITIES",
    "LOGHUB_YEAR",
    "MADE_UP_HOSTS_PER_DATASET",
    "MADE_UP_SEVERITIES",
    "MADE_UP_SEVERITY_WEIGHTS",
    "PLC_FAULTS",
    "RAW_LEVEL",
    "SENSOR_KINDS",
    "URL_PATHS",
    "FieldMaker",
    "LogTemplate",
    "LoghubFields",
    "MadeUpFields",
    "Rng",
    "TemplateFields",
    "generated_logs",
    "json_lines",
    "loghub_datasets",
    "loghub_logs",
    "loghub_severity",
]
