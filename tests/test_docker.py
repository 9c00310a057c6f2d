"""No Docker engine runs here: check the compose file by reading it."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def compose():
    return yaml.safe_load((ROOT / "docker" / "compose.yaml").read_text())


def readme_production_commands() -> set[str]:
    text = (ROOT / "README.md").read_text()
    block = re.search(r"<!-- production-commands -->(.*?)<!-- /production-commands -->", text, re.S)
    return {line.strip() for line in block.group(1).splitlines() if line.strip()}


def test_the_compose_file_has_every_service_with_health_checks():
    services = compose()["services"]
    assert {"web", "worker", "beat", "redis", "postgres", "trainer"} <= set(services)
    for name in ["web", "worker", "redis", "postgres"]:
        assert "healthcheck" in services[name], name


def test_the_services_run_the_commands_the_readme_gives_for_production():
    services = compose()["services"]
    assert {services[name]["command"] for name in ["web", "worker", "beat"]} == (
        readme_production_commands()
    )


def test_the_app_services_are_configured_through_the_same_environment_variables():
    services = compose()["services"]
    for name in ["web", "worker", "beat"]:
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["CELERY_BROKER_URL"].startswith("redis://")
        assert {"SECRET_KEY", "ALLOWED_HOSTS"} <= set(env)
