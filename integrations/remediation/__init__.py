"""Remediation actions: admin-defined HTTP requests an investigation may propose for a
pattern and only an operator can approve; each run is stored and audited."""
