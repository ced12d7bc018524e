#!/usr/bin/env python3
"""Streaming time to first event, for bench/run.

Sends COUNT streaming POSTs, one after another on one kept-alive connection, and for each measures the time from
the last byte of the request to the first byte of the first SSE event ("data:") of the response body. Each response
is read to its end before the next request. Prints one JSON line: samples in microseconds and their summary.

usage: ttfe.py PORT PATH BODY_FILE COUNT WARMUP [Header: value ...]
"""
import json
import socket
import sys
import time


def read_response(sock, buf):
    """Reads one HTTP/1.1 response; returns (status, seconds at the first 'data:', leftover bytes)."""
    first_event = None
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed before the response headers")
        buf += chunk
    head, _, body = buf.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (l.partition(b":") for l in lines[1:])}
    chunked = headers.get(b"transfer-encoding", b"").lower() == b"chunked"
    length = int(headers.get(b"content-length", b"-1"))
    if length < 0 and not chunked:
        raise ValueError("response has neither Content-Length nor chunked encoding")

    def done(data):
        return data.endswith(b"0\r\n\r\n") if chunked else len(data) >= length

    while True:
        if first_event is None and b"data:" in body:
            first_event = time.perf_counter()
        if done(body):
            break
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed inside a response body")
        body += chunk
    leftover = b"" if chunked else body[length:]
    return status, first_event, leftover


def main():
    port, path, body_file, count, warmup = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    extra = sys.argv[6:]
    with open(body_file, "rb") as f:
        body = f.read().strip()
    head = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Content-Type: application/json",
            "Accept: text/event-stream", f"Content-Length: {len(body)}"] + extra
    request = ("\r\n".join(head) + "\r\n\r\n").encode() + body

    sock = socket.create_connection(("127.0.0.1", int(port)), timeout=10)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    samples, buf = [], b""
    for i in range(warmup + count):
        sock.sendall(request)
        start = time.perf_counter()
        status, first_event, buf = read_response(sock, buf)
        if status != 200 or first_event is None:
            raise SystemExit(f"ttfe: request {i} to :{port}{path} answered {status} without an SSE event")
        if i >= warmup:
            samples.append(round((first_event - start) * 1e6, 1))
    sock.close()
    ordered = sorted(samples)

    def pct(p):
        return ordered[min(len(ordered) - 1, max(0, int(round(p / 100 * len(ordered))) - 1))]

    print(json.dumps({"count": len(samples), "p50_us": pct(50), "p90_us": pct(90), "p99_us": pct(99),
                      "min_us": ordered[0], "samples_us": samples}))


if __name__ == "__main__":
    main()
