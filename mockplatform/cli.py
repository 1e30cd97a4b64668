"""``mockplatform`` command line: ``mockplatform serve``."""

from __future__ import annotations

import ipaddress

import click

from mockplatform import __version__
from mockplatform.settings import DEFAULT_DATA_DIR, Settings


@click.group()
@click.version_option(__version__, prog_name="mockplatform")
def main() -> None:
    """A marketplace sandbox with a controllable clock per sandbox."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, envvar="MOCKPLATFORM_HOST")
@click.option("--port", default=8000, show_default=True, type=int, envvar="MOCKPLATFORM_PORT",
              help="0 picks a free port.")
@click.option("--workers", default=1, show_default=True, type=int,
              envvar="MOCKPLATFORM_WORKERS", help="Worker processes.")
@click.option("--threads", default=8, show_default=True, type=int,
              envvar="MOCKPLATFORM_THREADS", help="Threads per worker.")
@click.option("--database-url", default=None, envvar="MOCKPLATFORM_DATABASE_URL",
              help="SQLAlchemy URL; default: a SQLite file in the data dir.")
@click.option("--data-dir", default=DEFAULT_DATA_DIR, show_default=True,
              envvar="MOCKPLATFORM_DATA_DIR")
@click.option("--admin-token", default=None, envvar="MOCKPLATFORM_ADMIN_TOKEN",
              help="When set, creating, listing and deleting sandboxes need it.")
def serve(host: str, port: int, workers: int, threads: int, database_url: str | None,
          data_dir: str, admin_token: str | None) -> None:
    """Serve the API with gunicorn (threaded workers)."""
    from gunicorn.app.base import BaseApplication

    from mockplatform.app import create_app
    from mockplatform.store.session import Store

    settings = Settings.from_env(database_url=database_url, data_dir=data_dir,
                                 admin_token=admin_token)
    # The schema is made once here, before the workers fork, so they never race to create it.
    store = Store(settings.resolved_database_url)
    store.create_schema()
    store.dispose()
    database = settings.resolved_database_url.split("@")[-1]
    warning = exposure_warning(host, admin_token)
    if warning:
        click.secho(warning, fg="red", bold=True, err=True)

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("accesslog", None)
            self.cfg.set("when_ready", _announce)
            if "control_socket_disable" in self.cfg.settings:
                # One shared control socket path per user would collide between servers.
                self.cfg.set("control_socket_disable", True)

        def load(self):
            return create_app(settings)

    def _announce(server) -> None:
        for listener in server.LISTENERS:
            bound_host, bound_port = listener.sock.getsockname()[:2]
            click.echo(f"mockplatform {__version__} listening on http://{bound_host}:{bound_port}"
                       f" (database: {database})", err=False)

    Server().run()


def exposure_warning(host: str, admin_token: str | None) -> str | None:
    """What to say loudly when the server listens beyond this machine with no admin token:
    then anyone who can reach it may create, reset and delete sandboxes."""
    if admin_token or _is_loopback(host):
        return None
    return (f"WARNING: listening on {host} without an admin token: anyone who can reach this "
            f"server can create, list, reset and delete sandboxes. Set MOCKPLATFORM_ADMIN_TOKEN "
            f"(or --admin-token), or listen on 127.0.0.1.")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


if __name__ == "__main__":
    main()
