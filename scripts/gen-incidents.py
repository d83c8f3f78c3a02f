#!/usr/bin/env python3
"""Writes 1,000 incident records with 5 corrective actions each into DIR,
all naming COMMIT as the faulty commit (used by the benchmarks).

    scripts/gen-incidents.py DIR COMMIT
"""
import sys
out, sha = sys.argv[1], sys.argv[2]
cats = ["immediate-fix", "prompt-improvement", "test-improvement", "scanning-rule", "review-process"]
for n in range(1, 1001):
    sev = f"SEV-{n % 4 + 1}"
    cas = []
    for i in range(1, 6):
        verified = "" if i == 5 else f"    verified_by: reviewer{i}\n    verified_at: 2026-03-0{i}T10:00:00Z\n"
        cas.append(f"""  - id: CA-{i}
    action: Corrective action {i} of incident {n}
    category: {cats[i - 1]}
    owner: owner{i}
    due: 2026-03-1{i}
    status: {'open' if i == 5 else 'done'}
    issue: {n * 10 + i}
{verified}""")
    open(f"{out}/INC-2026-{n:04d}.yaml", "w").write(f"""# yaml-language-server: $schema=../.aeef/incident.schema.json
id: INC-2026-{n:04d}
title: Generated incident {n}
severity: {sev}
status: resolved
team: team{n % 7}
detected_at: 2026-02-01T09:00:00Z
acknowledged_at: 2026-02-01T09:10:00Z
mitigated_at: 2026-02-01T11:00:00Z
resolved_at: 2026-02-01T20:00:00Z
faulty_commits: [{sha[:10]}]
classification:
  origin: ai-generated
  failure_mode: logic-error
  validation_gap: test-gap
  ai_tool: {{name: claude-code, model_version: claude-opus-4}}
rca:
  defect: d
  generation_context: g
  validation_pipeline: v
  human_review: h
  process_environment: p
root_cause: r
corrective_actions:
{''.join(cas)}lessons_learned: [one, two]
""")
