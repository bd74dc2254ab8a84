import pytest

from source_halopsa import auth


@pytest.fixture(autouse=True)
def fresh_token_sources():
    """Token sources are process-wide by design; each test starts without any."""
    auth._SOURCES.clear()
    yield
    auth._SOURCES.clear()
