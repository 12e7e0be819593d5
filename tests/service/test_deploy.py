"""`manage.py check --deploy` with the production settings the README gives: clean. And
without them it is not, so the check is seen to look."""

import json
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


# The production settings the README documents (Production settings; Second factor,
# limits and sessions).
PRODUCTION = dict(
    GT_HTTPS="1",
    GT_ALLOWED_HOSTS="goldenthread.example.gov.uk",
    GT_SITE_URL="https://goldenthread.example.gov.uk",
    GT_TASKS="database",
    GT_COLLECTED_STATIC="1",
    GT_LOG_FORMAT="json",
)


def test_production_settings_pass_check_deploy():
    done = check_deploy(GT_SECRET_KEY=secrets.token_urlsafe(50), **PRODUCTION)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_production_settings_are_the_safe_ones():
    env = live_env("sqlite:///:memory:", GT_SECRET_KEY=secrets.token_urlsafe(50), **PRODUCTION)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    names = [
        "SESSION_COOKIE_NAME",
        "CSRF_COOKIE_NAME",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_AGE",
        "CSRF_TRUSTED_ORIGINS",
        "SECURE_PROXY_SSL_HEADER",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "GT_REQUIRE_MFA",
        "GT_SESSION_IDLE_MINUTES",
        "ALLAUTH_TRUSTED_PROXY_COUNT",
        "ACCOUNT_RATE_LIMITS",
        "CONTENT_SECURITY_POLICY",
    ]
    done = subprocess.run(
        [
            PYTHON,
            "-c",
            "import json, django; django.setup(); from django.conf import settings as s; "
            f"print(json.dumps({{n: getattr(s, n) for n in {names!r}}}))",
        ],
        cwd=PROJECT,
        env={**env, "DJANGO_SETTINGS_MODULE": "goldenthread.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    s = json.loads(done.stdout.strip().splitlines()[-1])
    assert s["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert s["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"] and s["SESSION_COOKIE_HTTPONLY"]
    assert s["SESSION_COOKIE_AGE"] == 12 * 3600 and s["GT_SESSION_IDLE_MINUTES"] == 30
    assert s["CSRF_TRUSTED_ORIGINS"] == ["https://goldenthread.example.gov.uk"]
    assert s["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert s["SECURE_SSL_REDIRECT"] and s["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert s["GT_REQUIRE_MFA"] is True and s["ALLAUTH_TRUSTED_PROXY_COUNT"] == 1
    assert s["ACCOUNT_RATE_LIMITS"]["login_failed"] == "30/15m/ip,10/15m/key"
    directives = s["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert directives["base-uri"] == ["'none'"] and directives["object-src"] == ["'none'"]


def test_without_https_check_deploy_complains():
    done = check_deploy(GT_SECRET_KEY=secrets.token_urlsafe(50))
    assert done.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in done.stderr + done.stdout
