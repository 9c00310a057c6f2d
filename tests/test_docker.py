"""No Docker engine runs here: check the compose file by reading it."""

import re
from pathlib import Path

import yaml

from tests.integration import cluster as hosts

ROOT = Path(__file__).resolve().parents[1]
APP_SERVICES = ["web1", "web2", "worker", "beat", "migrate"]


def compose():
    return yaml.safe_load((ROOT / "docker" / "compose.yaml").read_text())


def readme_production_commands() -> set[str]:
    text = (ROOT / "README.md").read_text()
    block = re.search(r"<!-- production-commands -->(.*?)<!-- /production-commands -->", text, re.S)
    return {line.strip() for line in block.group(1).splitlines() if line.strip()}


def test_the_compose_file_has_every_service_with_health_checks():
    services = compose()["services"]
    assert {"lb", "web1", "web2", "worker", "beat", "redis", "postgres", "trainer"} <= set(services)
    for name in ["web1", "web2", "worker", "redis", "postgres"]:
        assert "healthcheck" in services[name], name


def test_the_services_run_the_commands_the_readme_gives_for_production():
    services = compose()["services"]
    assert {services[name]["command"] for name in ["web1", "web2", "worker", "beat"]} == (
        readme_production_commands()
    )


def test_the_app_services_are_configured_through_the_same_environment_variables():
    services = compose()["services"]
    for name in APP_SERVICES:
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["CELERY_BROKER_URL"].startswith("redis://")
        assert {"SECRET_KEY", "ALLOWED_HOSTS"} <= set(env)


# The compose file and tests/integration/test_hosts.py describe one topology.
def resolved(value: str) -> str:
    """A compose value with ${VAR:-default} read as its default."""
    return re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", str(value))


def test_compose_runs_the_processes_the_cluster_test_runs_on_its_hosts():
    services = compose()["services"]
    commands = {name: " ".join(argv) for name, argv in hosts.production_commands().items()}
    web = {
        name for name, service in services.items() if service.get("command") == commands["gunicorn"]
    }
    assert web == set(hosts.WEB_HOSTS)
    assert services["worker"]["command"] == commands["worker"]
    assert services["worker"]["deploy"]["replicas"] == len(hosts.WORKER_HOSTS)
    assert services["beat"]["command"] == commands["beat"]
    assert services["beat"]["deploy"]["replicas"] == 1
    roles = hosts.host_roles()
    assert sum(role == ["web"] for role in roles.values()) == len(web)
    assert sum("beat" in role for role in roles.values()) == 1


def _runs(service: dict, command: str) -> bool:
    return service.get("command") == command


def test_compose_puts_the_cluster_tests_nginx_configuration_in_front():
    lb = compose()["services"]["lb"]
    config = next(v.split(":")[1] for v in lb["volumes"] if v.startswith("./nginx.conf:"))
    assert f"nginx -p /srv/lb/ -c {config} -g 'daemon off;'" in " ".join(lb["command"])
    assert "static:/srv/lb/static:ro" in lb["volumes"]  # docker/nginx.conf: alias static/
    nginx = (ROOT / "docker" / "nginx.conf").read_text()
    upstreams = set(re.findall(r"^\s*server (\S+?)(?: |;)", nginx, re.M))
    assert upstreams == {f"{host}:8000" for host in hosts.WEB_HOSTS}
    assert "alias static/;" in nginx and "X-Forwarded-For $proxy_add_x_forwarded_for" in nginx
    assert "proxy_request_buffering on;" in nginx


def test_compose_gives_the_app_services_the_settings_the_cluster_gives_its_hosts():
    services = compose()["services"]
    wanted = set(hosts.PRODUCTION_ENV) | set(hosts.PATH_SETTINGS) | set(hosts.DEPLOYMENT_SETTINGS)
    for name in APP_SERVICES:
        env = {key: resolved(value) for key, value in services[name]["environment"].items()}
        assert {key: env.get(key) for key in hosts.PRODUCTION_ENV} == hosts.PRODUCTION_ENV, name
        # Besides those: only documented settings the cluster test tunes or leaves as they are.
        assert set(env) - wanted <= set(hosts.TEST_TUNING) | set(hosts.DEFAULTED_SETTINGS), name
        assert wanted <= set(env), name
        # The host names in the URLs are the compose services; in the cluster, the db host.
        for service in ("postgres", "redis"):
            assert service in services and service in hosts.ALIASES["db"]


def test_compose_shares_uploads_static_files_and_the_data_set_between_services():
    services = compose()["services"]
    for name in APP_SERVICES:
        env = services[name]["environment"]
        volumes = services[name]["volumes"]
        assert f"media:{env['MEDIA_ROOT']}" in volumes, name
        assert f"static:{env['STATIC_ROOT']}" in volumes, name
        assert any(volume.endswith(":/data:ro") for volume in volumes), name


def test_compose_runs_postgresql_with_the_settings_the_cluster_test_gives_it():
    command = compose()["services"]["postgres"]["command"]
    assert {f"-c {key}={value}" in command for key, value in hosts.POSTGRES_SETTINGS.items()} == {
        True
    }


def test_every_setting_the_cluster_test_gives_its_hosts_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    names = [*hosts.PRODUCTION_ENV, *hosts.PATH_SETTINGS, *hosts.DEPLOYMENT_SETTINGS,
             *hosts.TEST_TUNING]  # fmt: skip
    assert [name for name in names if not re.search(rf"`{name}[`=]", readme)] == []
