"""What the profiles showed and what changed: prose for BENCHMARKS.md, kept beside the code
that measures it. Figures belong in the generated tables, not here."""

FINDINGS = """\
(findings pending)
"""
