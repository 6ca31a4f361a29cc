#!/usr/bin/env python3
"""Seeds fuzz/corpus/<target> from the repository's fixtures and the shared
corpus, so each fuzzer starts past the first bytes of its format.

Documents larger than MAX_SEED are also added shrunk (JSON: every array cut
to a few elements; line formats: cut at an entry boundary), so the fuzzer
has small valid documents to mutate at the -max_len the README runs with.
Reports and a default policy are generated with the chainrisk binary when
one is built (../target/debug/chainrisk).

Usage: python3 seed.py [SHARED_CORPUS_DIR] (default: ../../shared/corpus,
else ../../../shared/corpus, beside the repository or its worktree).
"""

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

FUZZ = Path(__file__).resolve().parent
ROOT = FUZZ.parent
CORPUS = FUZZ / "corpus"
MAX_SEED = 128 * 1024


def shared_dir(name):
    for base in (ROOT / "..", ROOT / "../.."):
        p = (base / "shared" / name).resolve()
        if p.exists():
            return p
    return None


def files(base, *patterns):
    if base is None:
        return []
    out = []
    for pat in patterns:
        out.extend(p for p in Path(base).glob(pat) if p.is_file())
    return sorted(set(out))


def cap_json(value, n=4):
    if isinstance(value, list):
        return [cap_json(v, n) for v in value[:n]]
    if isinstance(value, dict):
        return {k: cap_json(v, n) for k, v in value.items()}
    return value


def cut_lines(data, boundary, limit=MAX_SEED // 2):
    """The head of a line format, cut before the first `boundary` line past `limit`."""
    text = data.decode("utf-8", "replace")
    i = text.find("\n" + boundary, limit)
    return text[: i + 1].encode() if i > 0 else None


def shrunk(data, kind):
    """A small document of the same format: `kind` is "json", or the start
    of the line an entry begins with ("" for any line, "\n" for a blank one)."""
    if kind == "json":
        try:
            return json.dumps(cap_json(json.loads(data)), indent=1).encode()
        except ValueError:
            return None
    return cut_lines(data, kind)


def add(target, data):
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


def seed(target, paths, kind=None):
    n = 0
    for p in paths:
        data = p.read_bytes()
        add(target, data)
        n += 1
        if len(data) > MAX_SEED and kind is not None:
            s = shrunk(data, kind)
            if s:
                add(target, s)
                n += 1
    return n


def named(base, *names):
    return files(base, *[f"**/{n}" for n in names])


def generated(binary):
    """Reports of a few fixtures, and the default policy, from the binary."""
    reports, policies = [], []
    if not binary.exists():
        return reports, policies
    tmp = Path(tempfile.mkdtemp(prefix="chainrisk-seed-"))
    inputs = [
        "fixtures/demo/acme-edge-gateway.cdx.json",
        "fixtures/diff/before.cdx.json",
        "fixtures/diff/after.cdx.json",
        "fixtures/injection/payloads.cdx.json",
        "fixtures/lockfiles/npm/demo/package-lock.json",
    ]
    for i, rel in enumerate(inputs):
        out = tmp / f"report-{i}.json"
        subprocess.run(
            [str(binary), "scan", "--offline", "--format", "json", "-o", str(out), str(ROOT / rel)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=tmp,
        )
        if out.exists():
            reports.append(out)
    subprocess.run(
        [str(binary), "init"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp
    )
    policies.extend(p for p in tmp.glob("*.toml"))
    return reports, policies


def main():
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else shared_dir("corpus")
    rustsec = shared_dir("data/rustsec-advisory-db")
    fx = ROOT / "fixtures"
    reports, policies = generated(ROOT / "target/debug/chainrisk")
    yarn = named(fx, "yarn.lock") + named(shared, "yarn.lock")
    berry = [p for p in yarn if b"\n__metadata:" in p.read_bytes() or p.read_bytes().startswith(b"__metadata:")]
    plan = {
        "cdx_json": (files(fx, "**/*.cdx.json", "policy/app.cdx.json") + files(shared, "cyclonedx/json/*", "malformed/*"), "json"),
        "cdx_xml": (files(shared, "cyclonedx/xml/*"), None),
        "spdx_json": (files(shared, "spdx/json/*", "malformed/*.spdx.json"), "json"),
        "spdx_tag_value": (files(shared, "spdx/tag-value/*"), "PackageName:"),
        "spdx3": (files(shared, "spdx3/*"), "json"),
        "cargo_lock": (named(fx, "Cargo.lock") + named(shared, "Cargo.lock") + [ROOT / "Cargo.lock"], "[[package]]"),
        "npm_lock": (named(fx, "package-lock.json", "npm-shrinkwrap.json") + named(shared, "package-lock.json"), "json"),
        "npm_manifest": (named(fx, "package.json"), "json"),
        "yarn_v1": ([p for p in yarn if p not in berry], "\n"),
        "yarn_berry": (berry, "\n"),
        "pnpm": (named(fx, "pnpm-lock.yaml") + named(shared, "pnpm-lock.yaml"), None),
        "requirements": (named(fx, "requirements*.txt") + files(shared, "lockfiles/python/requirements*.txt"), ""),
        "poetry": (named(fx, "poetry.lock") + named(shared, "poetry.lock"), "[[package]]"),
        "uv": (named(fx, "uv.lock") + named(shared, "uv.lock"), "[[package]]"),
        "pipfile": (named(fx, "Pipfile.lock") + named(shared, "Pipfile.lock"), "json"),
        "go_mod": (named(fx, "go.mod") + named(shared, "go.mod"), ""),
        "go_sum": (named(fx, "go.sum") + named(shared, "go.sum"), ""),
        "policy": (files(fx, "policy/*.toml") + policies, None),
        "snapshot": (files(fx, "**/*.snapshot.json"), "json"),
        "baseline": (reports, "json"),
        "report": (reports, "json"),
        "rustsec": (files(rustsec, "crates/*/*.md", "rust/*/*.md"), None),
        "osv": (files(fx, "advisories/osv/*.json"), "json"),
        "product_squashfs": (files(fx, "images/*.squashfs"), None),
    }
    everything = []
    for target, (paths, kind) in plan.items():
        print(f"{target}: {seed(target, paths, kind)} seed(s)")
        if target not in ("rustsec",):
            everything.extend((p, kind) for p in paths)
    n = sum(seed("ingest", [p], kind) for p, kind in everything)
    print(f"ingest: {n} seed(s)")


if __name__ == "__main__":
    main()
