"""A small Hugging Face Hub-compatible HTTP server on 127.0.0.1, run in a thread by the test fixtures.

It implements what the real `huggingface_hub` 2.4 client sends for the flows Hippo uses (see FACTS.md §3):
create repo, validate-yaml, preupload, the LFS batch protocol ("basic" transfer + verify), ndjson commits,
model info, tree, paths-info and resolve (HEAD/GET with `X-Repo-Commit`, `ETag`, `X-Linked-Etag`,
`X-Linked-Size`, `Content-Length`). Files matching `lfs_patterns` are stored as LFS objects (as the real Hub
does with `*.npz` through `.gitattributes`), others as regular git blobs. Private repositories answer like the
Hub (401 + `X-Error-Code: RepoNotFound`) without a valid token.

Test switches: `delay` (seconds to stall every request: a slow Hub), `stop()` (connection refused: Hub
down), `tamper` (a function mangling what a commit stores: a Hub that keeps something else than was sent).
"""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit


def git_blob_sha1(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def lfs_pointer(data: bytes) -> bytes:
    sha = hashlib.sha256(data).hexdigest()
    return f"version https://git-lfs.github.com/spec/v1\noid sha256:{sha}\nsize {len(data)}\n".encode()


@dataclass
class StoredFile:
    data: bytes
    lfs: bool

    def entry(self, path: str) -> dict[str, Any]:
        """The tree / paths-info JSON of this file, as the Hub returns it."""
        if not self.lfs:
            return {"type": "file", "path": path, "size": len(self.data), "oid": git_blob_sha1(self.data)}
        pointer = lfs_pointer(self.data)
        lfs = {
            "oid": hashlib.sha256(self.data).hexdigest(),
            "size": len(self.data),
            "pointerSize": len(pointer),
        }
        return {
            "type": "file",
            "path": path,
            "size": len(self.data),
            "oid": git_blob_sha1(pointer),
            "lfs": lfs,
        }

    @property
    def etag(self) -> str:
        return hashlib.sha256(self.data).hexdigest() if self.lfs else git_blob_sha1(self.data)


@dataclass
class Repo:
    private: bool
    commits: list[tuple[str, dict[str, StoredFile]]] = field(default_factory=list)

    def snapshot(self, revision: str) -> tuple[str, dict[str, StoredFile]] | None:
        if revision == "main":
            return self.commits[-1]
        return next((c for c in self.commits if c[0] == revision), None)


class FakeHub:
    """The server's state plus its thread; `url` is the endpoint to hand to the client."""

    def __init__(self, tokens: tuple[str, ...] = ("hf_test_write_token",), lfs_patterns=("*.npz", "*.png")):
        self.tokens = set(tokens)
        self.lfs_patterns = lfs_patterns
        self.repos: dict[str, Repo] = {}
        self.lfs_objects: dict[str, bytes] = {}
        self.requests: list[str] = []
        self.delay = 0.0
        self.tamper: Callable[[str, bytes], bytes] | None = None
        self.user = "alice"
        self.token_roles: dict[str, str] = {}  # token -> "read" / "write" for /api/whoami-v2 (default write)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.url = ""

    # ------------------------------------------------------------------ lifecycle
    def start(self, port: int = 0) -> FakeHub:
        handler = type("Handler", (_Handler,), {"hub": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-hub", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # ------------------------------------------------------------------ helpers for tests
    def create_repo(self, repo_id: str, private: bool = False) -> None:
        with self._lock:
            self.repos.setdefault(
                repo_id, Repo(private=private, commits=[(hashlib.sha1(uuid.uuid4().bytes).hexdigest(), {})])
            )

    def files(self, repo_id: str) -> dict[str, bytes]:
        return {path: f.data for path, f in self.repos[repo_id].commits[-1][1].items()}

    def put_file(self, repo_id: str, path: str, data: bytes) -> None:
        """Commit one file directly (test setup), bypassing the client."""
        self._commit(repo_id, {path: data}, [])

    def is_lfs(self, path: str) -> bool:
        return any(fnmatch.fnmatch(path.rsplit("/", 1)[-1], pattern) for pattern in self.lfs_patterns)

    def _commit(self, repo_id: str, added: dict[str, bytes], deleted: list[str]) -> str:
        with self._lock:
            repo = self.repos[repo_id]
            files = dict(repo.commits[-1][1])
            for path in deleted:
                files = {
                    p: f for p, f in files.items() if p != path and not p.startswith(path.rstrip("/") + "/")
                }
            for path, data in added.items():
                stored = self.tamper(path, data) if self.tamper else data
                files[path] = StoredFile(stored, lfs=self.is_lfs(path))
            oid = hashlib.sha1(f"{repo_id}{time.time_ns()}{uuid.uuid4()}".encode()).hexdigest()
            repo.commits.append((oid, files))
            return oid


class _Handler(BaseHTTPRequestHandler):
    hub: FakeHub
    protocol_version = "HTTP/1.0"  # one request per connection: stopping the server really stops it

    def log_message(self, format: str, *args: Any) -> None:
        pass

    # ------------------------------------------------------------------ plumbing
    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        self._send(
            status, json.dumps(payload).encode(), {"Content-Type": "application/json", **(headers or {})}
        )

    def _error(
        self, status: int, code: str | None, message: str, headers: dict[str, str] | None = None
    ) -> None:
        extra = {"X-Error-Message": message, **(headers or {})}
        if code:
            extra["X-Error-Code"] = code
        self._json(status, {"error": message}, extra)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _token(self) -> str | None:
        auth = self.headers.get("Authorization") or ""
        return auth[7:] if auth.lower().startswith("bearer ") else None

    def _authorised(self) -> bool | None:
        """True: valid token; False: a token the Hub rejects; None: no token."""
        token = self._token()
        return None if token is None else token in self.hub.tokens

    def _repo(self, repo_id: str, write: bool = False) -> Repo | None:
        """The repo, or None after answering the error the Hub gives (missing or private without access)."""
        auth = self._authorised()
        if auth is False:
            self._error(401, None, "Invalid credentials in Authorization header")
            return None
        repo = self.hub.repos.get(repo_id)
        if repo is None or (repo.private and not auth) or (write and not auth):
            self._error(401 if auth is None else 404, "RepoNotFound", "Repository not found")
            return None
        return repo

    def _dispatch(self) -> None:
        self.hub.requests.append(f"{self.command} {urlsplit(self.path).path}")
        if self.hub.delay:
            time.sleep(self.hub.delay)
        parts = urlsplit(self.path)
        path, query = unquote(parts.path), parse_qs(parts.query)
        seg = path.strip("/").split("/")
        try:
            if self.command == "GET" and path == "/api/whoami-v2":
                return self._whoami()
            if self.command == "POST" and path == "/api/repos/create":
                return self._create_repo()
            if self.command == "POST" and path == "/api/validate-yaml":
                self._body()
                return self._json(200, {})
            if self.command == "POST" and path.endswith(".git/info/lfs/objects/batch"):
                return self._lfs_batch(path[1 : -len(".git/info/lfs/objects/batch")])
            if self.command == "PUT" and seg[0] == "lfs-upload":
                return self._lfs_put(seg[1])
            if self.command == "POST" and seg[0] == "lfs-verify":
                return self._lfs_verify()
            if seg[:2] == ["api", "models"] and len(seg) >= 4:
                return self._api(seg[2] + "/" + seg[3], seg[4:], query)
            if self.command in ("HEAD", "GET") and len(seg) >= 5 and seg[2] == "resolve":
                return self._resolve(seg[0] + "/" + seg[1], seg[3], "/".join(seg[4:]))
            return self._error(404, None, f"no route for {self.command} {path}")
        except (BrokenPipeError, ConnectionResetError):
            return None

    do_GET = do_HEAD = do_POST = do_PUT = _dispatch  # noqa: N815

    # ------------------------------------------------------------------ endpoints
    def _whoami(self) -> None:
        token = self._token()
        if not self._authorised() or token is None:
            return self._error(401, None, "Invalid credentials in Authorization header")
        role = self.hub.token_roles.get(token, "write")
        access = {"displayName": f"{role}-token", "role": role}
        return self._json(200, {"type": "user", "name": self.hub.user, "auth": {"accessToken": access}})

    def _create_repo(self) -> None:
        if not self._authorised():
            return self._error(401, None, "Invalid credentials in Authorization header")
        payload = json.loads(self._body())
        repo_id = (
            f"{payload['organization']}/{payload['name']}" if payload.get("organization") else payload["name"]
        )
        url = {"url": f"{self.hub.url}/{repo_id}"}
        if repo_id in self.hub.repos:
            return self._json(409, {**url, "error": "You already created this model repo"})
        self.hub.create_repo(
            repo_id, private=payload.get("visibility") == "private" or bool(payload.get("private"))
        )
        return self._json(200, url)

    def _api(self, repo_id: str, rest: list[str], query: dict[str, list[str]]) -> None:
        write = self.command == "POST" and bool(rest) and rest[0] in ("preupload", "commit")
        repo = self._repo(repo_id, write=write)
        if repo is None:
            return None
        if not rest or rest[0] == "revision":
            return self._model_info(repo_id, repo, rest[1] if rest else "main", query)
        revision = rest[1] if len(rest) > 1 else "main"
        snap = repo.snapshot(revision)
        if snap is None:
            return self._error(404, "RevisionNotFound", f"revision {revision} not found")
        oid, files = snap
        if rest[0] == "tree" and self.command == "GET":
            prefix = "/".join(rest[2:]).strip("/")
            return self._json(
                200, _tree(files, prefix, query.get("recursive", ["False"])[0].lower() == "true")
            )
        if rest[0] == "paths-info" and self.command == "POST":
            wanted = parse_qs(self._body().decode()).get("paths", [])
            return self._json(200, [files[p].entry(p) for p in wanted if p in files])
        if rest[0] == "preupload" and self.command == "POST":
            out = []
            for item in json.loads(self._body())["files"]:
                lfs = self.hub.is_lfs(item["path"])
                existing = files.get(item["path"])
                out.append(
                    {
                        "path": item["path"],
                        "uploadMode": "lfs" if lfs else "regular",
                        "shouldIgnore": False,
                        "oid": None if existing is None else existing.etag,
                    }
                )
            return self._json(200, {"files": out, "commitOid": oid})
        if rest[0] == "commit" and self.command == "POST":
            return self._commit(repo_id)
        return self._error(404, None, f"no route for {self.command} {self.path}")

    def _model_info(self, repo_id: str, repo: Repo, revision: str, query: dict[str, list[str]]) -> None:
        snap = repo.snapshot(revision)
        if snap is None:
            return self._error(404, "RevisionNotFound", f"revision {revision} not found")
        oid, files = snap
        blobs = query.get("blobs", ["false"])[0].lower() == "true"
        siblings = []
        for path, stored in sorted(files.items()):
            sibling: dict[str, Any] = {"rfilename": path}
            if blobs:
                entry = stored.entry(path)
                sibling.update(size=entry["size"], blobId=entry["oid"])
                if "lfs" in entry:
                    lfs = entry["lfs"]
                    sibling["lfs"] = {
                        "size": lfs["size"],
                        "sha256": lfs["oid"],
                        "pointerSize": lfs["pointerSize"],
                    }
            siblings.append(sibling)
        return self._json(200, {"id": repo_id, "private": repo.private, "sha": oid, "siblings": siblings})

    def _commit(self, repo_id: str) -> None:
        added: dict[str, bytes] = {}
        deleted: list[str] = []
        for line in self._body().splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            key, value = item["key"], item["value"]
            if key == "file":
                added[value["path"]] = base64.b64decode(value["content"])
            elif key == "lfsFile":
                data = self.hub.lfs_objects.get(value["oid"])
                if data is None:
                    return self._error(400, None, f"LFS object {value['oid']} was never uploaded")
                added[value["path"]] = data
            elif key in ("deletedFile", "deletedFolder"):
                deleted.append(value["path"])
        oid = self.hub._commit(repo_id, added, deleted)
        return self._json(200, {"commitUrl": f"{self.hub.url}/{repo_id}/commit/{oid}", "commitOid": oid})

    def _lfs_batch(self, repo_id: str) -> None:
        if self._repo(repo_id, write=True) is None:
            return None
        objects = []
        for obj in json.loads(self._body())["objects"]:
            entry: dict[str, Any] = {"oid": obj["oid"], "size": obj["size"], "authenticated": True}
            if obj["oid"] not in self.hub.lfs_objects:
                entry["actions"] = {
                    "upload": {"href": f"{self.hub.url}/lfs-upload/{obj['oid']}"},
                    "verify": {"href": f"{self.hub.url}/lfs-verify"},
                }
            objects.append(entry)
        return self._json(200, {"transfer": "basic", "objects": objects})

    def _lfs_put(self, oid: str) -> None:
        data = self._body()
        if hashlib.sha256(data).hexdigest() != oid:
            return self._error(400, None, "uploaded content does not match its oid")
        self.hub.lfs_objects[oid] = data
        return self._send(200)

    def _lfs_verify(self) -> None:
        payload = json.loads(self._body())
        data = self.hub.lfs_objects.get(payload["oid"])
        if data is None or len(data) != payload["size"]:
            return self._error(404, None, "LFS object missing or of the wrong size")
        return self._json(200, {})

    def _resolve(self, repo_id: str, revision: str, path: str) -> None:
        repo = self._repo(repo_id)
        if repo is None:
            return None
        snap = repo.snapshot(revision)
        if snap is None:
            return self._error(404, "RevisionNotFound", f"revision {revision} not found")
        oid, files = snap
        stored = files.get(path)
        if stored is None:
            return self._error(404, "EntryNotFound", f"{path} not found", {"X-Repo-Commit": oid})
        headers = {
            "X-Repo-Commit": oid,
            "ETag": f'"{stored.etag}"',
            "Content-Type": "application/octet-stream",
        }
        if stored.lfs:
            headers.update({"X-Linked-Etag": f'"{stored.etag}"', "X-Linked-Size": str(len(stored.data))})
        data = stored.data
        byte_range = self.headers.get("Range")
        if byte_range and byte_range.startswith("bytes="):
            start = int(byte_range[6:].split("-")[0] or 0)
            headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
            return self._send(206, data[start:], headers)
        return self._send(200, data, headers)


def _tree(files: dict[str, StoredFile], prefix: str, recursive: bool) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    folders: set[str] = set()
    base = f"{prefix}/" if prefix else ""
    for path, stored in sorted(files.items()):
        if not path.startswith(base):
            continue
        rest = path[len(base) :]
        parts = rest.split("/")
        for i in range(1, len(parts)):
            if recursive or i == 1:
                folders.add(base + "/".join(parts[:i]))
        if recursive or len(parts) == 1:
            out.append(stored.entry(path))
    for folder in sorted(folders):
        out.append({"type": "directory", "path": folder, "oid": hashlib.sha1(folder.encode()).hexdigest()})
    return out


def main() -> None:
    """Run the server in the foreground: ``python -m tests.hub_server --repo alice/mnist``."""
    import argparse

    parser = argparse.ArgumentParser(description="Hub-compatible test server on 127.0.0.1 (in memory)")
    parser.add_argument("--port", type=int, default=0, help="0 = any free port")
    parser.add_argument("--repo", action="append", default=[], help="repository to create (repeatable)")
    parser.add_argument("--private", action="append", default=[], help="private repository to create")
    parser.add_argument("--token", default="hf_test_write_token", help="the token it accepts")
    args = parser.parse_args()
    hub = FakeHub(tokens=(args.token,)).start(args.port)
    for repo in args.repo:
        hub.create_repo(repo)
    for repo in args.private:
        hub.create_repo(repo, private=True)
    print(f"Hub-compatible test server on {hub.url} (token {args.token}); Ctrl-C stops it", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        hub.stop()


if __name__ == "__main__":
    main()
