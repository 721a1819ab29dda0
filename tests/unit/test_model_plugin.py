"""``sentiment.backend = "package.module:factory"``: a model of one's own, imported on use."""

import pytest

from config.settings import load_settings
from reputation.core.errors import ConfigError
from sentiment import build_model
from tests.fakes import FakeSentimentModel


def test_a_factory_named_module_colon_attribute_builds_the_model(clean_env, tmp_path):
    clean_env.setenv("REPUTATION_SENTIMENT__BACKEND", "tests.service_kit:keyword_model")
    said = []
    model = build_model(load_settings(data_dir=tmp_path), said.append)
    assert isinstance(model, FakeSentimentModel)
    assert said == ["loading the keyword test model (tests.service_kit)"]


@pytest.mark.parametrize(
    "spec", ["tests.no_such_module:factory", "tests.service_kit:no_such_factory", "tests.fakes:"]
)
def test_a_factory_that_cannot_be_loaded_is_a_config_error(clean_env, tmp_path, spec):
    clean_env.setenv("REPUTATION_SENTIMENT__BACKEND", spec)
    with pytest.raises(ConfigError, match=r"sentiment\.backend"):
        build_model(load_settings(data_dir=tmp_path), print)
