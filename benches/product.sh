#!/bin/sh
# Delivered-product bench (issue 11, goal 8): a Debian 12 root of about
# 200 MB — `debootstrap --variant=minbase bookworm`, a Python application
# installed by pip and a Node web UI installed by npm — scanned with its
# files verified (DEL-09, OPQ-07) as a directory, as a tarball, as an OCI
# image archive made by umoci and as a docker archive made by skopeo from
# that image. Reports the best of three warm runs (wall time, peak memory)
# and checks that the four give the same inventory.
#
# Needs root, debootstrap, umoci, skopeo, tar, python3 with pip, npm, and
# the mirrors apt, pip and npm are configured for (no address is written
# here: debootstrap uses the first `URIs:` of apt's debian.sources, or the
# first `deb` line of sources.list). The root is built once into WORKDIR.
#
#   sh benches/product.sh [WORKDIR]        (default /srv/chainrisk-bench)
set -eu
WORK="${1:-/srv/chainrisk-bench}"
TOP="$(cd "$(dirname "$0")/.." && pwd)"
ROOT="$WORK/root"
mkdir -p "$WORK"

if [ ! -e "$ROOT/var/lib/dpkg/status" ]; then
    mirror="$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1 | cut -d' ' -f1)"
    [ -n "$mirror" ] || mirror="$(sed -n 's/^deb[[:space:]]\{1,\}\([^[:space:]]*\).*/\1/p' /etc/apt/sources.list | head -n 1)"
    echo "== debootstrap --variant=minbase bookworm (from apt's configured mirror)"
    debootstrap --variant=minbase bookworm "$ROOT" "$mirror" >/dev/null
    echo "== a Python application (pip) and a Node web UI (npm)"
    python3 -m pip install --quiet --ignore-installed --root "$ROOT" --prefix /usr/local --no-compile \
        flask==3.0.3 requests==2.32.3 cryptography==43.0.1 2>/dev/null
    mkdir -p "$ROOT/srv/ui"
    (cd "$ROOT/srv/ui" && printf '{"name":"ui","version":"1.0.0","private":true}\n' > package.json \
        && npm install --silent --no-audit --no-fund --ignore-scripts express@4.19.2 socket.io@4.7.5 >/dev/null)
fi
echo "root: $(du -sh "$ROOT" | cut -f1), $(find "$ROOT" -xdev -type f | wc -l) files"

if [ ! -e "$WORK/root.tar" ]; then
    tar --sort=name -C "$ROOT" -cf "$WORK/root.tar" .
fi
if [ ! -e "$WORK/oci.tar" ]; then
    rm -rf "$WORK/oci" "$WORK/bundle"
    umoci init --layout "$WORK/oci"
    umoci new --image "$WORK/oci:bench"
    umoci unpack --rootless --image "$WORK/oci:bench" "$WORK/bundle" >/dev/null
    cp -a "$ROOT/." "$WORK/bundle/rootfs/"
    umoci repack --image "$WORK/oci:bench" "$WORK/bundle" >/dev/null
    tar -C "$WORK/oci" -cf "$WORK/oci.tar" .
    skopeo copy --quiet "oci:$WORK/oci:bench" "docker-archive:$WORK/docker.tar:bench:latest"
    rm -rf "$WORK/bundle"
fi

(cd "$TOP" && cargo build --release --quiet)
BIN="$TOP/target/release/chainrisk"
measure() {
    name="$1"; input="$2"
    best=""; mem=""
    for _ in 1 2 3; do
        /usr/bin/time -o "$WORK/time" -f '%e %M' "$BIN" scan "$input" --offline --no-cache \
            --format json -o "$WORK/$name.json" >/dev/null 2>&1 || true
        out="$(tail -n 1 "$WORK/time")"
        t="${out% *}"; m="${out#* }"
        if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then
            best="$t"; mem="$m"
        fi
    done
    python3 - "$WORK/$name.json" "$name" "$best" "$mem" <<'PY'
import json, sys
path, name, best, mem = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
r = json.load(open(path))
e = r["inputs"][0]["document"].get("executables") or {}
del09 = sum(1 for f in r["findings"] if f["rule"] == "DEL-09")
print(f"{name:<8} {best:>6.2f} s {mem / 1024:>7.0f} MB  {len(r['components']):>5} components, "
      f"{del09} DEL-09, {e.get('binaries', 0)} binaries ({len(e.get('unaccounted', []))} unaccounted)")
PY
}
echo "input    wall (best of 3), peak RSS, inventory"
measure dir "$ROOT"
measure tar "$WORK/root.tar"
measure oci "$WORK/oci.tar"
measure docker "$WORK/docker.tar"

python3 - "$WORK" <<'PY'
import json, sys
work = sys.argv[1]
def inventory(name):
    r = json.load(open(f"{work}/{name}.json"))
    return sorted((c.get("purl") or c["name"], c.get("version") or "") for c in r["components"][1:])
base = inventory("dir")
for other in ("tar", "oci", "docker"):
    got = inventory(other)
    same = "same inventory" if got == base else f"DIFFERS: {len(set(base) ^ set(got))} components"
    print(f"{other:<7} vs dir: {same}")
PY
