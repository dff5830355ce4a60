#!/usr/bin/env python3
"""Writes N varied deal files for the portfolio benchmark (benches/portfolio.sh).

Each deal starts from one of the examples and changes its facts at random (seeded, so the
portfolio is the same on every run): categories, purposes, sectors, jurisdictions, form,
granularity, transfer, consent, decisions, customers' answers, mitigations, scenarios kept.
Usage: portfolio.py N OUT_DIR [SEED]
"""
import json, random, sys, tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATEGORIES = ["pharmacy", "sexual-health", "health", "pregnancy", "mental-health", "criminal",
              "religion", "ethnicity", "children", "alcohol", "financial-distress", "tobacco",
              "diet-weight", "precise-location", "direct-identifiers", "public-posts",
              "demographics", "purchase-history"]
PURPOSES = ["service-delivery", "fraud-prevention", "loyalty-rewards", "own-marketing",
            "personalisation", "analytics", "product-development", "research", "public-health",
            "third-party-marketing", "ad-targeting", "partner-product-design", "data-resale",
            "credit-decisions", "insurance-underwriting", "insurance-pricing",
            "employment-screening", "unknown"]
SECTORS = ["grocery-retail", "pharmacy-retail", "general-retail", "hospitality", "consumer-app",
           "social-media", "consumer-goods", "advertising", "data-broker", "life-health-insurance",
           "banking-credit", "employer", "research-academic", "marketing-services", "unknown"]
JURISDICTIONS = ["US-CA", "US-WA", "US-CO", "US-NY", "US-TX", "US", "EU", "EU-DE", "EU-FR", "UK", "CA"]
MITIGATIONS = ["MT-OPTIN", "MT-NOTICE", "MT-VALUE", "MT-CONTRACT", "MT-RETAIN", "MT-ENC",
               "MT-ACCESS", "MT-DP", "MT-KANON", "MT-NODECIDE", "MT-HUMAN", "MT-BIAS", "MT-DPIA"]
CHOICES = {
    ("datasets", "form"): ["identified", "pseudonymised", "aggregated", "anonymised", "unknown"],
    ("datasets", "granularity"): ["line-item", "basket", "profile", "aggregate", "unknown"],
    ("datasets", "subjects"): ["customers", "patients", "employees", "public", "unknown"],
    ("datasets", "minors"): ["yes", "no", "unknown"],
    ("collection", "consent"): ["none", "opt-out", "opt-in", "explicit", "unknown"],
    ("collection", "legal_basis"): ["consent", "contract", "legitimate-interests", "unknown"],
    ("collection", "notice_mentions_sharing"): ["yes", "no", "unknown"],
    ("use", "automated"): ["none", "assisted", "solely", "unknown"],
    ("use", "onward_transfer"): ["none", "processors", "third-parties", "unknown"],
    ("transfer", "mode"): ["full-copy", "sample", "query-access", "clean-room", "provider-mediated"],
    ("transfer", "frequency"): ["one-off", "recurring", "continuous"],
    ("customers", "told"): ["yes", "no", "unknown"],
    ("customers", "can_opt_out"): ["yes", "no", "unknown"],
    ("customers", "value"): ["none", "discounts", "service", "payment", "unknown"],
    ("customers", "retroactive"): ["yes", "no", "unknown"],
    ("customers", "would_expect"): ["yes", "no", "unknown"],
}


def toml_value(v):
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(v)


def write(deal):
    out = []
    for key, value in deal.items():
        if isinstance(value, dict):
            out.append(f"[{key}]")
            out.extend(f"{k} = {toml_value(v)}" for k, v in value.items())
            out.append("")
        else:
            for item in value:
                out.append(f"[[{key}]]")
                out.extend(f"{k} = {toml_value(v)}" for k, v in item.items())
                out.append("")
    return "\n".join(out)


def vary(deal, rng, i):
    deal["deal"]["id"] = f"deal-{i:05d}"
    deal["deal"]["title"] = f"Portfolio deal {i}"
    for d in deal["datasets"]:
        d["categories"] = rng.sample(CATEGORIES, rng.randint(0, 4))
        d["excluded"] = [c for c in d["categories"] if rng.random() < 0.15]
        d["people"] = rng.choice([500, 20_000, 250_000, 3_000_000, "unknown"])
        d["history_months"] = rng.choice([3, 12, 36, 120, "unknown"])
    for (table, field), values in CHOICES.items():
        targets = deal[table] if isinstance(deal[table], list) else [deal[table]]
        for t in targets:
            t[field] = rng.choice(values)
    deal["use"]["purposes"] = rng.sample(PURPOSES, rng.randint(1, 3))
    deal["use"]["decisions"] = rng.sample(["marketing", "pricing", "eligibility"], rng.randint(0, 2)) or ["none"]
    deal["use"]["retention_months"] = rng.choice([6, 24, 120, "unknown"])
    deal["recipient"]["sector"] = rng.choice(SECTORS)
    deal["provider"]["jurisdictions"] = rng.sample(JURISDICTIONS, rng.randint(1, 3))
    deal["recipient"]["jurisdictions"] = rng.sample(JURISDICTIONS, rng.randint(1, 2))
    deal["mitigations"] = [{"id": m, "evidence": "benchmark"} for m in rng.sample(MITIGATIONS, rng.randint(0, 4))]
    # Deals copied from an example with a sample keep it: their evidence is scanned too.
    for d in deal["datasets"]:
        if "sample" in d.get("evidence", {}):
            d["evidence"]["sample"] = str(ROOT / "examples" / d["evidence"]["sample"])
    return deal


def main():
    n, out = int(sys.argv[1]), Path(sys.argv[2])
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 2026)
    # `*.toml` matches dotfiles too (an editor's backup, a stray `.x.toml`): examples only.
    examples = [p for p in sorted((ROOT / "examples").glob("*.toml")) if not p.name.startswith(".")]
    templates = [tomllib.loads(p.read_text()) for p in examples]
    out.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        deal = json.loads(json.dumps(rng.choice(templates)))
        (out / f"deal-{i:05d}.toml").write_text(write(vary(deal, rng, i)))


if __name__ == "__main__":
    main()
