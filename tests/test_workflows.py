"""The GitHub workflows: linted offline (zizmor, the workflow JSON schema) and checked for what
publishing needs (pinned actions, minimal permissions, deploy only from main, the send journal
kept between runs)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support.testing import ROOT, write

WORKFLOWS = ROOT / ".github" / "workflows"
BIN = Path(sys.executable).parent
SHA_PIN = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def load(name: str) -> dict:
    data = yaml.load((WORKFLOWS / name).read_text(), Loader=yaml.BaseLoader)  # "on" stays a key
    return data


def steps(job: dict) -> list[dict]:
    return job.get("steps", [])


def uses(job: dict, action: str) -> list[dict]:
    return [s for s in steps(job) if s.get("uses", "").startswith(action + "@")]


def run(*args) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, cwd=ROOT)


def test_zizmor_finds_nothing():
    result = run(BIN / "zizmor", "--offline", "--persona=auditor", "--no-progress", WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_would_catch_an_unsafe_workflow(tmp_path):
    bad = write(
        tmp_path / ".github" / "workflows" / "bad.yml",
        """
        on:
          issues:
        jobs:
          x:
            runs-on: ubuntu-24.04
            steps:
              - uses: actions/checkout@v6
              - run: echo "${{ github.event.issue.title }}"
        """,
    )
    result = run(BIN / "zizmor", "--offline", "--no-progress", bad)
    assert result.returncode != 0
    assert "template-injection" in result.stdout and "unpinned-uses" in result.stdout


def test_workflows_match_the_github_schema():
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert [f.name for f in files] == ["newsletter-send.yml", "site.yml"]
    result = run(BIN / "check-jsonschema", "--builtin-schema", "vendor.github-workflows", *files)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", ["site.yml", "newsletter-send.yml"])
def test_actions_pinned_and_permissions_minimal(name):
    wf = load(name)
    assert wf["permissions"] == {}  # nothing by default; each job asks for what it needs
    for job in wf["jobs"].values():
        assert "permissions" in job
        assert "write" not in job["permissions"].get("contents", "")
        for step in steps(job):
            if "uses" in step:
                assert SHA_PIN.match(step["uses"]), step["uses"]
        for step in uses(job, "actions/checkout"):
            assert step["with"]["persist-credentials"] == "false"


def test_site_workflow_tests_builds_and_deploys_from_main_only():
    wf = load("site.yml")
    assert set(wf["on"]) == {"push", "pull_request", "schedule", "workflow_dispatch"}
    assert wf["on"]["push"]["branches"] == ["main"]
    assert wf["on"]["schedule"][0]["cron"]
    build, deploy = wf["jobs"]["build"], wf["jobs"]["deploy"]
    runs = [s.get("run", "") for s in steps(build)]
    assert runs.index("make test") < runs.index("make publish")
    assert uses(build, "actions/setup-python")[0]["with"]["cache"] == "pip"
    assert uses(build, "actions/setup-node")[0]["with"]["cache"] == "npm"
    publish = next(s for s in steps(build) if s.get("run") == "make publish")
    assert "steps.pages.outputs.base_url" in publish["env"]["SWK_SITEURL"]
    assert (
        publish["env"]["SWK_SERVICE_URL"] == "${{ vars.SWK_SERVICE_URL }}"
    )  # the form and unsubscribe links
    upload = uses(build, "actions/upload-artifact")[0]
    for part in ("email.html", "email.txt", "email.eml"):
        assert f"output/nieuwsbrief/*/{part}" in upload["with"]["path"]
    for step in uses(build, "actions/upload-pages-artifact") + [upload]:
        assert step["if"] == "env.PUBLISH == 'true'"
    assert wf["env"]["PUBLISH"] == (
        "${{ github.event_name != 'pull_request' && github.ref == 'refs/heads/main' }}"
    )
    assert deploy["if"] == "github.event_name != 'pull_request' && github.ref == 'refs/heads/main'"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert uses(deploy, "actions/deploy-pages")


def test_newsletter_workflow_tests_first_and_a_person_approves_the_send():
    wf = load("newsletter-send.yml")
    assert set(wf["on"]) == {"workflow_dispatch"}
    assert wf["on"]["workflow_dispatch"]["inputs"]["slug"]["required"] == "true"
    assert wf["concurrency"]["group"] == "newsletter-send-${{ inputs.slug }}"
    test, send = wf["jobs"]["test"], wf["jobs"]["send"]
    assert send["needs"] == "test" and send["environment"] == "nieuwsbrief"  # required reviewers
    assert test["outputs"]["content_hash"] == "${{ steps.test.outputs.content_hash }}"
    assert (
        send["env"]["CONTENT_HASH"] == "${{ needs.test.outputs.content_hash }}"
    )  # exactly what was tested
    for job in (test, send):
        assert job["permissions"] == {}  # no checkout, no build: the service sends
        assert "secrets" not in str(job.get("env", {}))
        for step in steps(job):
            for name, value in step.get("env", {}).items():
                if "secrets." in value:  # the API token only; no SMTP secret, no subscriber list
                    assert (name, value) == ("SWK_API_TOKEN", "${{ secrets.SWK_API_TOKEN }}")
    text = (WORKFLOWS / "newsletter-send.yml").read_text()
    assert "SMTP_" not in text and "subscribers.csv" not in text


def _step_scripts(job: str) -> list[str]:
    return [s["run"] for s in steps(load("newsletter-send.yml")["jobs"][job]) if "run" in s]


def _run_job(job: str, env: dict, cwd: Path) -> subprocess.CompletedProcess:
    result = None
    for script in _step_scripts(job):  # as GitHub runs a step: bash -eo pipefail
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
            env=env,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode:
            break
    return result


def test_newsletter_workflow_scripts_against_the_real_service(tmp_path):
    """The workflow's shell steps, run as GitHub runs them, against the running service."""
    import os

    from service.tests.conftest import newsletter_files
    from tests.support.testing import (
        RunningService,
        build_project,
        make_project,
        serve,
        smtp_server,
    )

    token = "workflow-token-" + "w" * 30
    with smtp_server() as inbox:
        (tmp_path / "data").mkdir()
        running = RunningService(
            {
                "SWK_SERVICE_MODE": "local",
                "SWK_API_TOKEN": token,
                "SWK_SEND_RATE": "0",
                "SWK_NEWSLETTER_TEST_TO": "redactie@example.org",
                **inbox.env,
            },
            tmp_path / "data",
        )
        out = build_project(
            make_project(tmp_path / "p", newsletter_files()), SERVICE_URL=running.url
        )
        with serve(out) as site:
            running.env["SWK_SITE_URL"] = site
            running.start()
            try:
                env = {
                    "PATH": os.environ["PATH"],
                    "SWK_SERVICE_URL": running.url,
                    "SWK_API_TOKEN": token,
                    "GITHUB_OUTPUT": str(tmp_path / "output"),
                    "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"),
                    "POLL_SECONDS": "0.2",
                }
                bad = _run_job("test", {**env, "SLUG": "Geen Slug"}, tmp_path)
                assert bad.returncode == 1 and "geen bestandsnaam van een nieuwsbrief" in bad.stdout
                draft = _run_job("test", {**env, "SLUG": "concept"}, tmp_path)
                assert (
                    draft.returncode == 1
                    and "::error::Testversie niet verstuurd (HTTP 409)" in draft.stdout
                )
                unapproved = _run_job(
                    "send", {**env, "SLUG": "januari", "CONTENT_HASH": "0" * 64}, tmp_path
                )
                assert (
                    unapproved.returncode == 1
                    and "nog geen testversie verstuurd" in unapproved.stdout
                )

                assert _run_job("test", {**env, "SLUG": "januari"}, tmp_path).returncode == 0
                digest = (tmp_path / "output").read_text().strip().removeprefix("content_hash=")
                assert len(digest) == 64 and len(inbox.messages) == 1
                assert "Controlecode: `" + digest in (tmp_path / "summary").read_text()
                sent = _run_job(
                    "send", {**env, "SLUG": "januari", "CONTENT_HASH": digest}, tmp_path
                )
                assert sent.returncode == 0, sent.stdout + sent.stderr
                assert (
                    "Verstuurd: 0. Nog te gaan: 0." in sent.stdout
                )  # no subscribers in this store
                wrong = _run_job(
                    "test", {**env, "SLUG": "januari", "SWK_API_TOKEN": "fout"}, tmp_path
                )
                assert wrong.returncode == 1 and "HTTP 401" in wrong.stdout
            finally:
                running.stop()


def test_site_workflow_previews_web_editor_changes_only_and_links_them():
    wf = load("site.yml")
    preview, status = wf["jobs"]["preview"], wf["jobs"]["preview-status"]
    assert preview["needs"] == "build"  # only a change that passed the tests
    for part in (
        "github.event_name == 'pull_request'",
        "startsWith(github.head_ref, 'cms/')",
        "github.event.pull_request.head.repo.full_name == github.repository",
    ):
        assert part in preview["if"]
    assert preview["environment"]["name"] == "voorbeeld"  # the token is an environment secret
    assert preview["permissions"] == {"contents": "read"}
    upload = next(s for s in steps(preview) if s.get("id") == "upload")
    assert upload["env"]["SWK_API_TOKEN"] == "${{ secrets.SWK_API_TOKEN }}"
    assert "secrets" not in str([s for s in steps(preview) if s is not upload])
    run_text = " ".join(upload["run"].split())
    assert 'SWK_SITEURL="${url%/}" SWK_PREVIEW=1 make publish' in run_text
    assert "--exclude=./admin" in run_text and '"$SWK_SERVICE_URL/voorbeelden"' in run_text
    # the status Decap reads (backend.preview_context), set by a job that can do only that
    from web_editor.decap_config import PREVIEW_CONTEXT

    assert status["permissions"] == {"statuses": "write"}
    assert f"context={PREVIEW_CONTEXT}" in steps(status)[0]["run"]
    assert not [s for s in steps(status) if "uses" in s]  # no third-party code next to the token
    publish = next(s for s in steps(wf["jobs"]["build"]) if s.get("run") == "make publish")
    assert publish["env"]["SWK_SERVICE_URL"] == "${{ vars.SWK_SERVICE_URL }}"
