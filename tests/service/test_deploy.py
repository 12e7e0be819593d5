"""`manage.py check --deploy` with the production settings the README gives: clean. And
without them it is not, so the check is seen to look."""

import secrets
import subprocess

from tests.live import PROJECT, PYTHON, live_env


def check_deploy(**settings: str) -> subprocess.CompletedProcess:
    env = live_env("sqlite:///:memory:", **settings)
    # make test sets DJANGO_ALLOW_ASYNC_UNSAFE for the browser tests; no service has it.
    for name in ("GT_HTTPS", "GT_SECURE_COOKIES", "GT_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        if name not in settings:
            env.pop(name, None)
    return subprocess.run(
        [PYTHON, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy():
    done = check_deploy(
        GT_HTTPS="1",
        GT_SECRET_KEY=secrets.token_urlsafe(50),
        GT_ALLOWED_HOSTS="goldenthread.example.gov.uk",
        GT_TASKS="database",
        GT_COLLECTED_STATIC="1",
        GT_LOG_FORMAT="json",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_without_https_check_deploy_complains():
    done = check_deploy(GT_SECRET_KEY=secrets.token_urlsafe(50))
    assert done.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in done.stderr + done.stdout
