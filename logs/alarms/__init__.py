"""Alarm health (ISA-18.2 / EEMUA 191): how hard the alarms of a plant, a site or a line
work its operators, from rollups kept at ingest, never from scanning logs.

An alarm is a log at or above settings.ALARM_SEVERITY (ERROR by default). Scopes
(AlarmScope) are every alarm, each site and each line of a site, as the context rules
placed the logs (logs.plant); a log no rule placed counts only in "all".

- rollup: the counting, in the ingest batch's transaction (alarms_count), and keeping it
  right when logs move between patterns, patterns merge, or retention deletes logs.
- health: the KPIs of a scope over a period, for the page, the API and /metrics.
- views, api, metrics: the console page, GET /api/v1/alarm-health, the /metrics series.
"""
