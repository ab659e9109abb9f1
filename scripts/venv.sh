# Sourced by start.sh and test.sh: `venv_install REQUIREMENTS [PIP OPTIONS…]` makes .venv (once)
# and installs the pinned requirements into it.
#
# Where the system's pip can install into another environment (pip ≥ 22.3, `--python`), a new
# venv is made without ensurepip and that pip installs pip itself beside the requirements in
# one run: ensurepip alone costs about 3 s of a fresh clone's start (it unpacks and installs
# its bundled pip in a second interpreter). Elsewhere the usual venv with its own pip. A venv
# left without a working pip (an install that failed half way) is made again, so a second run
# recovers; .venv/bin/pip works as usual.
PY=$(command -v python3.11 || command -v python3)

venv_install() {
  local requirements=$1
  shift
  if [ -x .venv/bin/python ]; then
    if .venv/bin/python -m pip --version >/dev/null 2>&1; then
      .venv/bin/python -m pip install --disable-pip-version-check -q "$@" -r "$requirements"
      return
    fi
    echo ".venv has no working pip (an earlier install stopped half way?): making it again" >&2
    rm -rf .venv
  fi
  if "$PY" -m pip --python "$PY" --version >/dev/null 2>&1; then
    "$PY" -m venv --without-pip .venv
    "$PY" -m pip --python .venv/bin/python install --disable-pip-version-check -q "$@" pip -r "$requirements"
  else
    "$PY" -m venv .venv
    .venv/bin/python -m pip install --disable-pip-version-check -q "$@" -r "$requirements"
  fi
}
