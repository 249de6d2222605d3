import subprocess
import sys

from hippo import __version__


def test_hippo_command_reports_its_version():
    out = subprocess.run(
        [sys.executable, "-m", "hippo", "--version"], check=True, capture_output=True, text=True
    ).stdout
    assert out.strip() == f"hippo {__version__}"
