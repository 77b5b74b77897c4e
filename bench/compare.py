"""Joins JMH's results (hessian-lite) and criterion's (libdubbo) into one table."""
import json
import pathlib
import sys

jmh_path, criterion_dir = sys.argv[1], pathlib.Path(sys.argv[2])
java = {r["benchmark"].rsplit(".", 1)[1]: r["primaryMetric"]["score"] for r in json.load(open(jmh_path))}
print("| benchmark | hessian-lite ops/s | libdubbo ops/s | ratio |")
print("|---|---:|---:|---:|")
for name in sorted(java):
    est = json.load(open(criterion_dir / name / "new" / "estimates.json"))
    ours = 1e9 / est["mean"]["point_estimate"]
    print(f"| {name} | {java[name]:,.0f} | {ours:,.0f} | {ours / java[name]:.1f}x |")
