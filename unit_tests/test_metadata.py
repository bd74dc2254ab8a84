"""metadata.yaml agrees with pyproject.toml, the Dockerfile and the connector it describes."""

import re
import uuid
from pathlib import Path

import tomllib
import yaml
from airbyte_cdk.models.connector_metadata import MetadataFile

from source_halopsa import SourceHalopsa

ROOT = Path(__file__).resolve().parent.parent
METADATA = yaml.safe_load((ROOT / "metadata.yaml").read_text())
DATA = METADATA["data"]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_metadata_validates_with_the_cdks_model():
    MetadataFile.from_file(ROOT / "metadata.yaml")
    assert METADATA["metadataSpecVersion"] == "1.0"


def test_image_tag_and_package_agree_with_pyproject():
    assert DATA["dockerImageTag"] == PYPROJECT["project"]["version"]
    assert DATA["remoteRegistries"]["pypi"]["packageName"] == PYPROJECT["project"]["name"] == "source-halopsa"
    assert "source-halopsa" in PYPROJECT["project"]["scripts"]
    assert DATA["dockerRepository"] == "airbyte/source-halopsa"


def test_base_image_is_the_dockerfiles_default_and_digest_pinned():
    default = re.search(r"^ARG BASE_IMAGE=(\S+)$", (ROOT / "Dockerfile").read_text(), re.MULTILINE).group(1)
    assert DATA["connectorBuildOptions"]["baseImage"] == default
    assert re.fullmatch(
        r"docker\.io/airbyte/python-connector-base:\d+\.\d+\.\d+@sha256:[0-9a-f]{64}", default
    )


def test_registry_fields_are_complete():
    assert uuid.UUID(DATA["definitionId"])
    assert (DATA["connectorType"], DATA["connectorSubtype"]) == ("source", "api")
    assert set(DATA["tags"]) >= {"language:python", "cdk:low-code"}
    assert DATA["releaseStage"] in {"alpha", "beta", "generally_available"}
    assert DATA["supportLevel"] in {"community", "certified"}
    assert DATA["license"] == "MIT"
    assert (ROOT / DATA["icon"]).is_file()
    assert DATA["documentationUrl"].endswith("docs/integrations/sources/halopsa.md")
    assert (ROOT / "docs/integrations/sources/halopsa.md").is_file()
    assert DATA["maxSecondsBetweenMessages"] >= 600  # a 429 wait is 60 s, and budget waits can be longer
    assert DATA["allowedHosts"]["hosts"] == ["${instance_url}"]


def test_suggested_streams_exist():
    config = {"instance_url": "https://acme.halopsa.com", "client_id": "cid-1", "client_secret": "secret-1"}
    names = {stream.name for stream in SourceHalopsa(config=config).discover(None, config).streams}
    assert set(DATA["suggestedStreams"]["streams"]) <= names
