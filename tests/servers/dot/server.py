"""django-oauth-toolkit on loopback for tokenrace's probe tests (tests/probe_dot.rs).

A whole Django project in one file: settings from the environment, the
toolkit's own token view at /o/token/, a protected resource at /me, a user
"probe" (password "pw") and a confidential client "probe" / "probe-secret"
allowed the password grant. Prints "listening PORT" once it accepts
connections (threaded, like runserver).

Environment (the toolkit's own setting names, so a test reads like the docs):
  ROTATE_REFRESH_TOKEN                  "true" | "false" (default true)
  REFRESH_TOKEN_GRACE_PERIOD_SECONDS    integer seconds (default 0)
  REFRESH_TOKEN_REUSE_PROTECTION        "true" | "false" (default false)
  ACCESS_TOKEN_EXPIRE_SECONDS           integer seconds (default 36000)
  DB                                    "sqlite" (default) or "postgres"
  SQLITE_PATH                           the SQLite file (DB=sqlite)
  PGHOST, PGPORT, PGUSER, PGDATABASE    the PostgreSQL server (DB=postgres)
  PORT                                  listen port on 127.0.0.1 (0 = any)
"""
import os
import sys

import django
from django.conf import settings


def flag(name, default):
    return os.environ.get(name, default).lower() in ("1", "true", "yes", "on")


def database():
    if os.environ.get("DB", "sqlite") == "postgres":
        return {
            "ENGINE": "django.db.backends.postgresql",
            "HOST": os.environ["PGHOST"],
            "PORT": os.environ["PGPORT"],
            "USER": os.environ.get("PGUSER", "postgres"),
            "NAME": os.environ.get("PGDATABASE", "postgres"),
        }
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["SQLITE_PATH"]}


settings.configure(
    DEBUG=False,
    SECRET_KEY="tokenrace-probe-test-only",
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    DATABASES={"default": database()},
    INSTALLED_APPS=[
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "oauth2_provider",
    ],
    MIDDLEWARE=[],
    USE_TZ=True,
    DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    OAUTH2_PROVIDER={
        "ROTATE_REFRESH_TOKEN": flag("ROTATE_REFRESH_TOKEN", "true"),
        "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": int(
            os.environ.get("REFRESH_TOKEN_GRACE_PERIOD_SECONDS", "0")
        ),
        "REFRESH_TOKEN_REUSE_PROTECTION": flag("REFRESH_TOKEN_REUSE_PROTECTION", "false"),
        "ACCESS_TOKEN_EXPIRE_SECONDS": int(os.environ.get("ACCESS_TOKEN_EXPIRE_SECONDS", "36000")),
        "PKCE_REQUIRED": False,
    },
)
django.setup()

from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402
from oauth2_provider.views import ProtectedResourceView, TokenView  # noqa: E402


class Me(ProtectedResourceView):
    def get(self, request, *args, **kwargs):
        return HttpResponse("ok")


urlpatterns = [
    path("o/token/", TokenView.as_view()),
    path("me", Me.as_view()),
]


def prepare():
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0, interactive=False)
    user, _ = User.objects.get_or_create(username="probe")
    user.set_password("pw")
    user.save()
    if not Application.objects.filter(client_id="probe").exists():
        Application.objects.create(
            client_id="probe",
            client_secret="probe-secret",
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_PASSWORD,
            user=user,
            name="probe",
        )


def serve():
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadedWSGIServer(("127.0.0.1", int(os.environ.get("PORT", "0"))), Quiet)
    server.set_app(get_wsgi_application())
    print(f"listening {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    prepare()
    serve()
    sys.exit(0)
