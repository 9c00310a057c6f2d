"""Participants' programs for the cluster tests, run inside the client host's namespace:
one thread per participant uploads a new file through the load balancer as soon as the last
one was answered, retrying a request that failed on the way (no answer, or a 5xx) with the
same Idempotency-Key, as the CLI client does. Every attempt is written, as it ends, as one
JSON line: system, key, attempt, start, end, status, id, error.

    python -m tests.integration.hosts_client --url http://lb --competition xacle \
        --ids ids.txt --tokens T1,T2 --seconds 30 --tag burst --out attempts.jsonl
"""

import argparse
import http.client
import json
import random
import threading
import time
import urllib.parse
import uuid
import zlib

RETRY_FOR_SECONDS = 120


def predictions(system: str, n: int) -> list[float]:
    """The predictions a system uploads: fixed by its name, so the test can recompute them."""
    rng = random.Random(zlib.crc32(system.encode()))
    return [round(rng.uniform(0, 10), 3) for _ in range(n)]


def submission_csv(system: str, ids: list[str]) -> bytes:
    values = predictions(system, len(ids))
    rows = "".join(f"{wav},{value:.3f}\n" for wav, value in zip(ids, values, strict=True))
    return ("wav_file_name,prediction_score\n" + rows).encode()


def multipart(fields: dict, filename: str, data: bytes, boundary: str) -> tuple[bytes, str]:
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: text/csv\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def upload_body(system: str, ids: list[str], key: str) -> tuple[bytes, str]:
    """The request body of a system's upload; the same bytes every time for one key."""
    fields = {"system_name": system}
    return multipart(fields, f"{system}.csv", submission_csv(system, ids), key.replace("-", ""))


class Recorder:
    def __init__(self, path: str):
        self.handle = open(path, "a")
        self.lock = threading.Lock()

    def write(self, record: dict):
        with self.lock:
            self.handle.write(json.dumps(record) + "\n")
            self.handle.flush()


def post(url, path, body, headers, timeout=30.0) -> tuple[int | None, dict | None, str]:
    parsed = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port or 80, timeout=timeout)
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        return response.status, data, "" if data is not None else text[:200]
    except (OSError, http.client.HTTPException) as exc:
        return None, None, f"{type(exc).__name__}: {exc}"
    finally:
        conn.close()


def participant(args, index: int, token: str, ids: list[str], recorder: Recorder, deadline):
    path = f"/api/competitions/{args.competition}/phases/validation/submissions/"
    number = 0
    while time.time() < deadline and not _stopped(args):
        number += 1
        system = f"{args.tag}-c{index}-{number}"
        key = str(uuid.uuid4())
        body, content_type = upload_body(system, ids, key)
        headers = {"Authorization": f"Token {token}", "Idempotency-Key": key,
                   "Content-Type": content_type}  # fmt: skip
        first, attempt = time.time(), 0
        while True:
            attempt += 1
            start = time.time()
            status, data, error = post(args.url, path, body, headers)
            record = {"system": system, "key": key, "client": index, "attempt": attempt,
                      "start": start, "end": time.time(), "status": status,
                      "id": (data or {}).get("id"), "error": error or (data if status and
                      status >= 400 else "")}  # fmt: skip
            recorder.write(record)
            retry = status is None or status >= 500 or status == 429
            if not retry or time.time() - first > RETRY_FOR_SECONDS:
                break
            time.sleep(0.2)


def _stopped(args) -> bool:
    if not args.stop_file:
        return False
    try:
        open(args.stop_file).close()
        return True
    except FileNotFoundError:
        return False


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--competition", required=True)
    parser.add_argument("--ids", required=True)
    parser.add_argument("--tokens", required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--tag", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--stop-file")
    args = parser.parse_args(argv)
    ids = open(args.ids).read().split()
    recorder = Recorder(args.out)
    deadline = time.time() + args.seconds
    threads = [
        threading.Thread(target=participant, args=(args, i, token, ids, recorder, deadline))
        for i, token in enumerate(args.tokens.split(","))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


if __name__ == "__main__":
    main()
