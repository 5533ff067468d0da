"""The `matching` command as operators and cron use it."""

import subprocess
import sys
from pathlib import Path

from sqlmodel import Session, func, select

from matching.db import get_engine
from matching.models import Organisation, ReasonCode, TargetGroup, User, YearParameter

ROOT = Path(__file__).resolve().parents[2]


def _counts(url: str) -> tuple[int, ...]:
    with Session(get_engine(url)) as session:
        return tuple(
            session.exec(select(func.count()).select_from(model)).one()
            for model in (Organisation, TargetGroup, ReasonCode, YearParameter)
        )


def test_seed_reference_twice_changes_nothing_the_second_time(cli):
    first = cli("seed", "reference")
    assert "organisations.csv" in first.output
    counts = _counts(cli.url)
    second = cli("seed", "reference")
    assert "already up to date" in second.output
    assert _counts(cli.url) == counts
    assert counts[1] == 11  # the eleven target groups of the API contract


def test_users_create_reads_the_password_from_stdin_and_refuses_a_role_that_does_not_fit(cli):
    cli("seed", "reference")
    cli("users", "create", "staf@portaal.example", "--organisation", "Portaal",
        "--role", "corporation", input="een lang wachtwoord\n")
    refused = cli("users", "create", "x@portaal.example", "--organisation", "Portaal",
                  "--role", "matcher", input="een lang wachtwoord\n", ok=False)
    assert refused.exit_code != 0
    assert "role" in refused.output
    unknown = cli("users", "create", "y@example.org", "--organisation", "Nergens",
                  "--role", "corporation", "--generate-password", ok=False)
    assert "organisation" in unknown.output
    with Session(get_engine(cli.url)) as session:
        emails = [u.email for u in session.exec(select(User))]
    assert emails == ["staf@portaal.example"]


def test_users_token_prints_a_token_that_authenticates_the_user(cli):
    from matching.services.users import user_for_token

    cli("seed", "reference")
    created = cli("users", "create", "hvh@example.org", "--organisation", "Het Vierde Huis",
                  "--role", "matcher", "--generate-password")
    assert "password: " in created.output
    token = cli("users", "token", "hvh@example.org").output.strip()
    with Session(get_engine(cli.url)) as session:
        assert user_for_token(session, token).email == "hvh@example.org"
        assert user_for_token(session, token + "x") is None
    missing = cli("users", "token", "nobody@example.org", ok=False)
    assert missing.exit_code != 0


def test_tick_accepts_a_moment_and_refuses_a_malformed_one(cli):
    cli("seed", "reference")
    result = cli("tick", "--now", "2021-07-01T09:00:00+02:00")
    assert "nothing due" in result.output
    bad = cli("tick", "--now", "gisteren", ok=False)
    assert bad.exit_code == 2
    assert "ISO 8601" in bad.output


def test_the_production_environment_refuses_to_start_without_a_secret_key(cli, monkeypatch):
    monkeypatch.setenv("MATCHING_ENV", "production")
    monkeypatch.delenv("MATCHING_SECRET_KEY", raising=False)
    result = cli("tick", ok=False)
    assert "MATCHING_SECRET_KEY" in result.output


def test_the_wheel_ships_migrations_and_reference_data_and_runs_anywhere(tmp_path):
    """`pip install .` builds a wheel whose `matching` command works outside the checkout."""
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist)],
        cwd=ROOT, check=True, capture_output=True,
    )
    wheel = next(dist.glob("matching-*.whl"))
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site),
         str(wheel)],
        check=True, capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(site),
        "MATCHING_DATABASE_URL": f"sqlite:///{elsewhere / 'w.sqlite'}",
        "MATCHING_INSTANCE_DIR": str(elsewhere / "instance"),
    }

    def matching(*args: str) -> str:
        done = subprocess.run([str(site / "bin" / "matching"), *args], cwd=elsewhere, env=env,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout

    where = subprocess.run([sys.executable, "-c", "import matching; print(matching.__file__)"],
                           cwd=elsewhere, env=env, capture_output=True, text=True).stdout
    assert where.startswith(str(site))
    matching("db", "upgrade")
    loaded = matching("seed", "reference")
    assert "organisations.csv:" in loaded and "reason_codes.csv:" in loaded
    # The pages are styled from the wheel alone: the design system and its typeface ship.
    static = site / "matching" / "web" / "static" / "vendor"
    for shipped in ("utrecht/component-library-css/index.css", "utrecht/design-tokens/index.css",
                    "noto-sans/index.css"):
        assert (static / shipped).stat().st_size > 1000, shipped


def _a_round_past_its_deadline(url: str) -> None:
    from datetime import UTC, datetime

    from tests.world import World

    with Session(get_engine(url), expire_on_commit=False) as session:
        world = World(session)
        world.now = datetime(2019, 12, 9, 9, tzinfo=UTC)  # the round opens on 15 December
        world.propose(world.submitted(), [world.waiting()])


def test_tick_records_the_due_notices_and_delivers_them_to_the_smtp_server(cli, monkeypatch):
    from tests.smtp import smtp_server

    cli("seed", "reference")
    _a_round_past_its_deadline(cli.url)
    with smtp_server() as (inbox, url):
        monkeypatch.setenv("MATCHING_SMTP_URL", url)
        monkeypatch.setenv("MATCHING_BASE_URL", "https://matching.example.org/")
        result = cli("tick", "--now", "2020-01-06T09:00:00+01:00")
        again = cli("tick", "--now", "2020-01-06T09:01:00+01:00")
    assert "proposal.escalate 1" in result.output
    assert "round_overdue 1" in result.output
    assert "e-mail: " in result.output and "0 sent" not in result.output
    assert "notifications: none due" in again.output and "e-mail: 0 sent" in again.output
    subjects = [m["Subject"] for m in inbox.messages]
    assert any("Ronde over de beslistermijn" in s or "meldingen" in s for s in subjects)
    assert all("https://matching.example.org/meldingen/" in str(m) for m in inbox.messages)


def test_outbox_send_exits_1_when_the_server_refuses_and_delivers_on_a_later_run(
    cli, monkeypatch,
):
    from tests.smtp import smtp_server

    cli("seed", "reference")
    _a_round_past_its_deadline(cli.url)
    with smtp_server(refuse=True) as (refusing, url):
        monkeypatch.setenv("MATCHING_SMTP_URL", url)
        refused = cli("outbox", "send", "--now", "2019-12-16T09:00:00+01:00", ok=False)
    assert refused.exit_code == 1 and "refused" in refused.output and "451" in refused.output
    assert refusing.messages == []
    with smtp_server() as (inbox, url):
        monkeypatch.setenv("MATCHING_SMTP_URL", url)
        sent = cli("outbox", "send", "--now", "2019-12-16T10:00:00+01:00")
    assert "0 waiting" in sent.output
    [mail] = inbox.messages  # the corporation's new round (no matcher existed at the referral)
    assert "Nieuwe voorstelronde" in str(mail["Subject"])


def test_outbox_send_in_production_without_an_smtp_server_says_so_and_keeps_the_mail(
    cli, monkeypatch,
):
    cli("seed", "reference")
    monkeypatch.setenv("MATCHING_ENV", "production")
    monkeypatch.setenv("MATCHING_SECRET_KEY", "a long production secret for the test")
    monkeypatch.delenv("MATCHING_SMTP_URL", raising=False)
    result = cli("outbox", "send", ok=False)
    assert result.exit_code == 1 and "MATCHING_SMTP_URL" in result.output


def test_quarters_close_acts_as_the_named_agency_user_and_exits_1_when_refused(cli):
    cli("seed", "reference")
    cli("users", "create", "staf@hvh.example", "--organisation", "Het Vierde Huis",
        "--role", "matcher", input="een lang wachtwoord\n")
    cli("users", "create", "staf@portaal.example", "--organisation", "Portaal",
        "--role", "corporation", input="een lang wachtwoord\n")
    closed = cli("quarters", "close", "2019Q3", "--by", "staf@hvh.example")
    assert "closed 2019Q3" in closed.output and "Het Vierde Huis" in closed.output
    again = cli("quarters", "close", "2019Q3", "--by", "staf@hvh.example", ok=False)
    assert again.exit_code == 1 and "closed already" in again.output
    running = cli("quarters", "close", "2019Q4", "--by", "staf@hvh.example",
                  "--now", "2019-12-31T12:00:00+01:00", ok=False)
    assert running.exit_code == 1 and "not ended" in running.output
    corporation = cli("quarters", "close", "2019Q4", "--by", "staf@portaal.example", ok=False)
    assert corporation.exit_code == 1 and "may not" in corporation.output
    malformed = cli("quarters", "close", "2019-4", "--by", "staf@hvh.example", ok=False)
    assert malformed.exit_code == 1 and "quarter" in malformed.output


def test_users_create_refuses_a_short_or_common_password_saying_why(cli):
    cli("seed", "reference")
    short = cli("users", "create", "kort@portaal.example", "--organisation", "Portaal",
                "--role", "corporation", input="elf tekens!\n", ok=False)
    assert short.exit_code != 0
    assert "password: use at least 12 characters" in short.output
    common = cli("users", "create", "bekend@portaal.example", "--organisation", "Portaal",
                 "--role", "corporation", input="qwertyuiopas\n", ok=False)
    assert "password: this password is too common" in common.output
    with Session(get_engine(cli.url)) as session:
        assert session.exec(select(User)).all() == []
