"""Command line: `python -m addon serve | scheduler | worker | migrate | rotate-keys |
generate-key | schedules`."""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys

from addon import schedule_cli
from addon.errors import ConfigurationError
from addon.logs import configure_logging
from addon.settings import Settings

log = logging.getLogger("addon.worker")


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    gunicorn = shutil.which("gunicorn") or os.path.join(os.path.dirname(sys.executable), "gunicorn")
    argv = [gunicorn, "--config", "python:addon.gunicorn_conf", "addon:create_app()"]
    if args.bind:
        argv[1:1] = ["--bind", args.bind]
    if not settings.encryption_keys:
        # Development only (production refuses to start without keys): one ephemeral key for
        # all workers, or each worker could not read what another stored.
        from addon.store.crypto import TokenCipher

        os.environ["ADDON_ENCRYPTION_KEYS"] = TokenCipher.generate_key()
        print("ADDON_ENCRYPTION_KEYS is not set: using an ephemeral key (development only)")
    os.execv(gunicorn, argv)  # noqa: S606  # replaces this process with gunicorn; argv is ours


def _scheduler(settings: Settings, args: argparse.Namespace) -> int:
    """Tick deliveries until stopped; the process builds its runtime, not a web app."""
    from addon.delivery.scheduler import run_forever
    from addon.mail.smtp import SmtpSender
    from addon.runtime import Runtime

    configure_logging(settings)
    runtime = Runtime.from_settings(settings)
    try:
        run_forever(runtime, SmtpSender.from_settings(settings))
    finally:
        runtime.close()
    return 0


def _worker(settings: Settings, args: argparse.Namespace) -> int:
    """Run report jobs until SIGTERM or SIGINT, then finish or hand back the running ones."""
    import signal
    import threading

    from addon.observe.server import serve_metrics_if_configured
    from addon.runtime import Runtime
    from addon.services.backlog import count_backlog

    configure_logging(settings)
    runtime = Runtime.from_settings(settings)
    stopping = threading.Event()

    def stop(signum: int, _frame: object) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    metrics = None
    try:
        metrics = serve_metrics_if_configured(settings, backlog=lambda: count_backlog(runtime))
        runtime.jobs.wake()
        log.info(
            "worker started",
            extra={"owner": runtime.jobs.owner, "threads": settings.report_workers},
        )
        stopping.wait()
        running = len(runtime.jobs.running)
        log.info("worker stopping", extra={"running": running, "grace": args.grace})
    finally:
        runtime.close(grace=args.grace)
        if metrics is not None:
            metrics.stop()
    log.info("worker stopped")
    return 0


def _migrate(settings: Settings, args: argparse.Namespace) -> int:
    from addon.store.migrate import upgrade

    upgrade(settings.database_url, args.revision)
    print(f"database upgraded to {args.revision}")
    return 0


def _rotate_keys(settings: Settings, args: argparse.Namespace) -> int:
    from addon.runtime import Runtime
    from addon.services.installations import rotate_tokens

    if not settings.encryption_keys:
        raise ConfigurationError("ADDON_ENCRYPTION_KEYS must be set to rotate keys")
    runtime = Runtime.from_settings(settings)
    try:
        count = rotate_tokens(runtime)
    finally:
        runtime.close()
    print(f"re-encrypted {count} installation token(s) under the newest key")
    return 0


def _generate_key(settings: Settings, args: argparse.Namespace) -> int:
    from addon.store.crypto import TokenCipher

    print(TokenCipher.generate_key())
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m addon")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the web app under gunicorn")
    serve.add_argument("--bind", help="host:port (default from gunicorn config)")
    serve.set_defaults(run=_serve)
    commands.add_parser(
        "scheduler", help="tick scheduled deliveries (run one or more anywhere)"
    ).set_defaults(run=_scheduler)
    worker = commands.add_parser("worker", help="run report jobs (run one or more anywhere)")
    worker.add_argument(
        "--grace",
        type=float,
        default=20.0,
        help="seconds running jobs get to finish on SIGTERM before going back to the queue",
    )
    worker.set_defaults(run=_worker)
    migrate = commands.add_parser("migrate", help="upgrade the database schema")
    migrate.add_argument("revision", nargs="?", default="head")
    migrate.set_defaults(run=_migrate)
    commands.add_parser("rotate-keys", help="re-encrypt tokens under the newest key").set_defaults(
        run=_rotate_keys
    )
    commands.add_parser("generate-key", help="print a new encryption key").set_defaults(
        run=_generate_key
    )
    schedule_cli.register(commands)
    args = parser.parse_args(argv)
    try:
        settings = Settings() if args.command == "generate-key" else Settings.from_process_env()
        result: int = args.run(settings, args)
    except ConfigurationError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    return result


if __name__ == "__main__":
    sys.exit(main())
