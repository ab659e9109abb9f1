"""Settings read from the environment: the embedded default and the production hardening."""

import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
CLEAN_ENV = {
    k: v
    for k, v in os.environ.items()
    if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DEBUG"}
}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env={**CLEAN_ENV, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_with_no_environment_the_app_is_embedded():
    code = (
        "import json; from django.conf import settings; print(json.dumps({"
        "'engine': settings.DATABASES['default']['ENGINE'], 'eager': settings.CELERY_TASK_ALWAYS_EAGER}))"
    )
    result = _manage("shell", "-v", "0", "-c", code)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"engine": "django.db.backends.sqlite3", "eager": True}


def test_broker_url_turns_eager_mode_off():
    result = _manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings; print(settings.CELERY_TASK_ALWAYS_EAGER)",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
    )
    assert result.stdout.strip() == "False"


def test_production_settings_pass_check_deploy_without_warnings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="bpo_portal.settings_production",
        SECRET_KEY="x7!Qp2@Lr9#Vm4$Tz8%Hk3^Wn6&Jd1*Bf5(Gs0)Yc-Ua_Ee+Io=Pl~Kq",
        ALLOWED_HOSTS="portal.example.com",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = _manage("check", DJANGO_SETTINGS_MODULE="bpo_portal.settings_production", ALLOWED_HOSTS="x")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
