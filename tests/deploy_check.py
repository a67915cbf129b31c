"""`manage.py check --deploy --fail-level WARNING` in the production profile, with
throwaway secrets of the shape a deployment sets: once with media on the disk, once on
S3 (`make static`; tests/test_settings.py runs the first as a test too)."""

import sys
import tempfile
from pathlib import Path

from tests.test_settings import manage, production_env

S3 = {
    "MEDIA_STORAGE": "s3",
    "S3_ENDPOINT_URL": "https://s3.giamsat.example.vn",
    "S3_BUCKET": "media",
    "S3_ACCESS_KEY_ID": "deploy-check",
    "S3_SECRET_ACCESS_KEY": "deploy-check-secret",
    "MEDIA_SIGNED_URL_SECONDS": "60",
}


def main() -> int:
    failed = 0
    for name, extra in (("media on the disk", {}), ("media on S3", S3)):
        with tempfile.TemporaryDirectory() as tmp:
            result = manage(
                *("check", "--deploy", "--fail-level", "WARNING"),
                env_vars=production_env(**extra),
                tmp_path=Path(tmp),
            )
        print(f"check --deploy, production profile, {name}: exit {result.returncode}")
        sys.stdout.write(result.stdout)
        sys.stderr.write(result.stderr)
        failed |= result.returncode
    return failed


if __name__ == "__main__":
    sys.exit(main())
