"""Joins JMH's results (hessian-lite) and criterion's (libdubbo) into one table."""
import json
import pathlib
import sys

jmh_path, criterion_dir = sys.argv[1], pathlib.Path(sys.argv[2])
java = {r["benchmark"].rsplit(".", 1)[1]: r["primaryMetric"] for r in json.load(open(jmh_path))}
print("| benchmark | hessian-lite ops/s (±99.9%) | libdubbo ops/s (95% CI) | ratio |")
print("|---|---:|---:|---:|")
for name in sorted(java):
    mean = json.load(open(criterion_dir / name / "new" / "estimates.json"))["mean"]
    ours = 1e9 / mean["point_estimate"]
    low, high = 1e9 / mean["confidence_interval"]["upper_bound"], 1e9 / mean["confidence_interval"]["lower_bound"]
    j = java[name]
    print(f"| {name} | {j['score']:,.0f} ± {j['scoreError']:,.0f} | {ours:,.0f} ({low:,.0f}–{high:,.0f}) | {ours / j['score']:.1f}x |")
    uncached = criterion_dir / (name + "Uncached") / "new" / "estimates.json"
    if uncached.exists():
        mean = json.load(open(uncached))["mean"]
        alone = 1e9 / mean["point_estimate"]
        print(f"| {name} (no class cache) | | {alone:,.0f} | {alone / j['score']:.1f}x |")
