# Sourced by bench/filters.sh and bench/pipeline.sh (from the repository root): a venv with pinned packages, and
# the release build of saring.

# pinned_venv VENV PACKAGES: makes the venv VENV with PACKAGES (pip from PyPI), unless it has them already.
pinned_venv() {
    local venv=$1 packages=$2
    if [ ! -x "$venv/bin/python" ] || [ "$(cat "$venv/.pinned" 2>/dev/null)" != "$packages" ]; then
        echo "== installing $packages into $venv" >&2
        python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet --disable-pip-version-check -U pip
        # shellcheck disable=SC2086
        "$venv/bin/pip" install --quiet --disable-pip-version-check $packages
        echo "$packages" > "$venv/.pinned"
    fi
}

# release_saring: builds saring in release (CARGO_TARGET_DIR is honoured) and sets SARING to the binary's path.
release_saring() {
    local target
    target=$(cargo metadata --format-version 1 --no-deps |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
    echo "== cargo build --release --bin saring" >&2
    cargo build --release --bin saring
    SARING=$target/release/saring
}
