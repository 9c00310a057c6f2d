"""The XACLE package through the upload form and the submissions endpoint: one submission
per system with its description, the report kept, refused whole with each problem named by
its file; quotas count every system."""

from django.core.files.uploadedfile import SimpleUploadedFile

from competition.models import Report, Submission, SystemDescription
from tests.factories import csv_bytes, description_yaml, pdf_bytes, xacle_package

URL = "/api/competitions/xacle/phases/{}/submissions/"
NAMES = ["Sun_NPU_01", "Sun_NPU_02", "Sun_NPU_03"]


def post(client, data: bytes, phase="validation", name="package.zip", **fields):
    file = SimpleUploadedFile(name, data, content_type="application/zip")
    return client.post(URL.format(phase), {"file": file, **fields}, format="multipart")


def test_a_package_of_three_systems_gives_three_submissions_with_descriptions(
    api_alice, validation, aurora, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(api_alice, xacle_package(validation, NAMES), system_name="ignored")
    assert response.status_code == 201
    body = response.json()
    assert [s["system_name"] for s in body["submissions"]] == NAMES
    assert all(s["status"] == "queued" and s["team"] == "Aurora" for s in body["submissions"])
    assert "quota" in body
    assert sorted(Submission.objects.values_list("system_name", flat=True)) == NAMES
    stored = SystemDescription.objects.filter(phase=validation, team=aurora)
    assert sorted(stored.values_list("system_name", flat=True)) == NAMES
    assert stored.get(system_name="Sun_NPU_02").content["predictor"] == "Transformer + MLP"
    assert sorted(enqueued) == sorted(s["id"] for s in body["submissions"])


def test_the_report_in_a_package_is_kept(api_alice, validation, aurora):
    response = post(api_alice, xacle_package(validation, NAMES[:1], report=pdf_bytes(3)))
    assert response.status_code == 201
    report = Report.objects.get(team=aurora)
    assert report.pages == 3 and report.original_filename == "report.pdf"


def test_problems_are_named_by_file_and_line_and_nothing_is_stored(api_alice, validation):
    lines = csv_bytes(validation).decode().splitlines()
    lines[1] = lines[1].split(",")[0] + ",abc"
    bad_csv = "\n".join(lines).encode()
    data = xacle_package(
        validation,
        NAMES,
        **{
            "Sun_NPU_02.csv": bad_csv,
            "Sun_NPU_03.yaml": description_yaml("Sun_NPU_03", parameters="many"),
        },
    )
    response = post(api_alice, data)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert any(e.startswith("Sun_NPU_02.csv, line 2: ") for e in errors), errors
    assert any(e.startswith("Sun_NPU_03.yaml, line ") and "parameters" in e for e in errors)
    assert Submission.objects.count() == 0 and SystemDescription.objects.count() == 0


def test_a_package_with_a_missing_yaml_is_refused(api_alice, validation):
    data = xacle_package(validation, NAMES[:1], **{"Sun_NPU_09.csv": csv_bytes(validation)})
    response = post(api_alice, data)
    assert response.json()["errors"] == ["Sun_NPU_09.csv: has no description: add Sun_NPU_09.yaml."]
    assert Submission.objects.count() == 0


def test_a_path_outside_the_archive_is_refused(api_alice, validation):
    data = xacle_package(validation, NAMES[:1], **{"../evil.csv": b"x"})
    response = post(api_alice, data)
    assert response.status_code == 400
    assert "climbs out of the archive" in response.json()["errors"][0]
    assert Submission.objects.count() == 0


def test_a_description_naming_an_unapproved_resource_refuses_the_package(api_alice, validation):
    data = xacle_package(
        validation, NAMES[:1],
        **{"Sun_NPU_01.yaml": description_yaml("Sun_NPU_01", external_data=["SecretSet"])},
    )  # fmt: skip
    (error,) = post(api_alice, data).json()["errors"]
    assert error.startswith("Sun_NPU_01.yaml: names resources that are not approved")
    assert "SecretSet" in error


def test_a_bad_report_refuses_the_package(api_alice, validation):
    data = xacle_package(validation, NAMES[:1], report=b"%PDF-1.4 not really")
    (error,) = post(api_alice, data).json()["errors"]
    assert error.startswith("report.pdf: The report is not a readable PDF")
    assert Submission.objects.count() == 0


def test_a_package_over_the_quota_is_refused_whole(api_alice, validation, aurora):
    validation.max_submissions_per_day = 2
    validation.save()
    response = post(api_alice, xacle_package(validation, NAMES))
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "quota_exceeded"
    assert "holds 3 systems" in body["errors"][0] and "2 more" in body["errors"][0]
    assert Submission.objects.count() == 0
    # Two fit: each system counts.
    assert post(api_alice, xacle_package(validation, NAMES[:2])).status_code == 201
    assert post(api_alice, xacle_package(validation, NAMES[2:])).status_code == 429


def test_a_package_over_its_limit_is_refused(api_alice, validation, settings):
    settings.PACKAGE_MAX_BYTES = 500
    response = post(api_alice, xacle_package(validation, NAMES))
    assert response.status_code == 400
    assert "larger than the limit of 500 bytes" in response.json()["errors"][0]


def test_the_upload_form_takes_a_package(as_alice, validation, aurora):
    file = SimpleUploadedFile("package.zip", xacle_package(validation, NAMES[:2]))
    response = as_alice.post(
        "/c/xacle/submit/", {"phase": "validation", "system_name": "", "file": file}, follow=True
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "(Sun_NPU_01) is queued" in page and "(Sun_NPU_02) is queued" in page
    assert SystemDescription.objects.filter(team=aurora).count() == 2


def test_the_upload_form_names_a_package_problem(as_alice, validation):
    data = xacle_package(validation, NAMES[:1], **{"/abs.csv": b"x"})
    file = SimpleUploadedFile("package.zip", data)
    response = as_alice.post("/c/xacle/submit/", {"phase": "validation", "file": file})
    assert response.status_code == 400
    assert "/abs.csv: has an absolute path" in response.content.decode()


def test_a_package_has_its_own_upload_limit(api_alice, validation, settings):
    # Larger than the submission limit as a whole; each CSV inside within it.
    data = xacle_package(validation, NAMES)
    settings.SUBMISSION_MAX_BYTES = len(csv_bytes(validation)) + 10
    assert len(data) > settings.SUBMISSION_MAX_BYTES
    assert post(api_alice, data).status_code == 201
