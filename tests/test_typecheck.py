"""The type check that scripts/test.sh and pre-commit run is strict where pyproject.toml says.

scripts/test.sh runs ``mypy`` over the project before the tests; this checks the
configuration itself: an unannotated function fails in a pure computation module (strict)
and passes in an ordinary one (default level). The modules are checked with the probe
appended through ``--shadow-file``, so no file of the project is touched.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = "\n\ndef probe(value):\n    return value\n"
STRICT_MODULE = "core/months.py"
DEFAULT_MODULE = "core/spreadsheets.py"


def test_mypy_is_strict_on_pure_modules_only(tmp_path):
    command = [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "cache"), STRICT_MODULE, DEFAULT_MODULE]
    for module in (STRICT_MODULE, DEFAULT_MODULE):
        shadow = tmp_path / module.replace("/", "_")
        shadow.write_text((ROOT / module).read_text() + PROBE)
        command += ["--shadow-file", module, str(shadow)]
    checked = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    errors = [line for line in checked.stdout.splitlines() if ": error:" in line]
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert len(errors) == 1, checked.stdout
    assert errors[0].startswith(f"{STRICT_MODULE}:") and "[no-untyped-def]" in errors[0]
