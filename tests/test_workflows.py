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

from swk.testing import ROOT, write

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


def test_newsletter_workflow_test_sends_first_and_keeps_the_journal():
    wf = load("newsletter-send.yml")
    assert set(wf["on"]) == {"workflow_dispatch"}
    assert wf["on"]["workflow_dispatch"]["inputs"]["slug"]["required"] == "true"
    assert wf["concurrency"]["group"] == "newsletter-send-${{ inputs.slug }}"
    job = wf["jobs"]["send"]
    runs = [" ".join(s.get("run", "").split()) for s in steps(job)]
    build = runs.index("make publish")
    test_send = next(i for i, r in enumerate(runs) if "--test-to" in r)
    real_send = next(i for i, r in enumerate(runs) if "newsletter send" in r and "--test-to" not in r)
    assert build < test_send < real_send
    assert all('"$RUNNER_TEMP/subscribers.csv"' in runs[i] for i in (test_send, real_send))
    send_source = (ROOT / "plugins/newsletter/send.py").read_text()
    for i in (test_send, real_send):  # secrets only in the steps that send
        env = steps(job)[i]["env"]
        assert env["SMTP_PASSWORD"] == "${{ secrets.SMTP_PASSWORD }}"
        assert env["NEWSLETTER_SECRET"] == "${{ secrets.NEWSLETTER_SECRET }}"
        for name in env:  # every variable handed over is one the send command reads
            assert name == "TEST_TO" or f'"{name}"' in send_source, name
        assert '--journal "$JOURNAL"' in runs[i]
    assert "secrets" not in str(job.get("env", {}))
    restore = uses(job, "actions/cache/restore")[0]
    save = uses(job, "actions/cache/save")[0]
    assert steps(job).index(restore) < test_send < real_send < steps(job).index(save)
    assert save["if"] == "always()"
    assert restore["with"]["restore-keys"] == "newsletter-journal-${{ inputs.slug }}-"
    assert save["with"]["key"].startswith("newsletter-journal-${{ inputs.slug }}-")
    assert save["with"]["path"] == restore["with"]["path"] == "newsletter-journal"
    assert job["env"]["JOURNAL"].startswith("${{ github.workspace }}/newsletter-journal/")


def test_site_workflow_previews_web_editor_changes_only_and_links_them():
    wf = load("site.yml")
    preview, status = wf["jobs"]["preview"], wf["jobs"]["preview-status"]
    assert preview["needs"] == "build"  # only a change that passed the tests
    for part in ("github.event_name == 'pull_request'", "startsWith(github.head_ref, 'cms/')",
                 "github.event.pull_request.head.repo.full_name == github.repository"):
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
