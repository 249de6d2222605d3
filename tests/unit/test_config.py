from pathlib import Path

from hippo.config import Settings


def test_settings_read_the_deployment_guide_variables():
    settings = Settings.from_env(
        {
            "DATABASE_URL": "postgresql://u:p@h/db",
            "HF_MODEL_REPO": "me/mnist",
            "DEFAULT_MODEL": "mnist-relu-100",
            "HUGGINGFACE_TOKEN": "hf_x",
            "ALLOWED_ORIGINS": "https://a.example, https://b.example,",
            "HF_CACHE_DIR": "/data/hf",
            "PORT": "9000",
        }
    )
    assert settings.database_url == "postgresql://u:p@h/db"
    assert settings.hf_model_repo == "me/mnist"
    assert settings.default_model == "mnist-relu-100"
    assert settings.hf_token == "hf_x"
    assert settings.allowed_origins == ("https://a.example", "https://b.example")
    assert settings.hf_cache_dir == Path("/data/hf")
    assert settings.port == 9000


def test_empty_environment_means_embedded_defaults():
    settings = Settings.from_env({})
    assert settings.database_url is None
    assert settings.hf_model_repo is None
    assert settings.hf_cache_dir == Path(".hf_cache")
    assert not settings.is_production


def test_hf_token_is_accepted_under_either_name_and_railway_means_production():
    settings = Settings.from_env({"HF_TOKEN": "t", "RAILWAY_ENVIRONMENT": "production"})
    assert settings.hf_token == "t"
    assert settings.is_production


def test_mnist_cache_follows_xdg_and_can_be_set():
    assert Settings.from_env({"XDG_CACHE_HOME": "/c"}).mnist_cache_dir == Path("/c/hippo/mnist")
    assert Settings.from_env({"HIPPO_MNIST_CACHE": "/m"}).mnist_cache_dir == Path("/m")
    assert Settings.from_env({"HIPPO_MNIST_DIR": "/d"}).mnist_dir == Path("/d")
