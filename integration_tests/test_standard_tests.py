"""airbyte-cdk's standard connector tests, in-process, driven by acceptance-test-config.yml."""

from airbyte_cdk.test.standard_tests import ConnectorTestScenario, SourceTestSuiteBase

from source_halopsa import SourceHalopsa

pytest_plugins = ["airbyte_cdk.test.standard_tests.pytest_hooks"]


class TestHalopsaStandard(SourceTestSuiteBase):
    connector = SourceHalopsa

    @classmethod
    def create_connector(cls, scenario: ConnectorTestScenario | None) -> SourceHalopsa:
        # A declarative source resolves its config in the constructor (airbyte-cdk.md §3.2).
        config = (
            scenario.get_config_dict(connector_root=cls.get_connector_root_dir(), empty_if_missing=True)
            if scenario
            else {}
        )
        return SourceHalopsa(config=config)
