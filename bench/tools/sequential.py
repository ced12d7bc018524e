#!/usr/bin/env python3
"""Sequential requests on one kept-alive connection, for bench/run: a second load generator beside wrk.

Sends COUNT POSTs (after WARMUP unmeasured ones), one after another, each read to its end before the next, and for
each measures from the last byte of the request to
  first-event: the first byte of the first SSE event ("data:") of the response body (streaming time to first event);
  complete:    the last byte of the response (the whole request's latency, for tails wrk cannot be trusted with).
Prints one JSON line: the samples in microseconds and their summary.

usage: sequential.py first-event|complete PORT PATH BODY_FILE COUNT WARMUP [Header: value ...]
"""
import json
import socket
import sys
import time


def read_response(sock, buf):
    """Reads one HTTP/1.1 response; returns (status, seconds at the first 'data:', seconds at its end, leftover bytes)."""
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
    end = time.perf_counter()
    leftover = b"" if chunked else body[length:]
    return status, first_event, end, leftover


def main():
    mode, port, path, body_file = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
    count, warmup, extra = int(sys.argv[5]), int(sys.argv[6]), sys.argv[7:]
    if mode not in ("first-event", "complete"):
        raise SystemExit(f"sequential: unknown mode {mode!r}")
    with open(body_file, "rb") as f:
        body = f.read().strip()
    head = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Content-Type: application/json",
            f"Content-Length: {len(body)}"] + (["Accept: text/event-stream"] if mode == "first-event" else []) + extra
    request = ("\r\n".join(head) + "\r\n\r\n").encode() + body

    sock = socket.create_connection(("127.0.0.1", int(port)), timeout=10)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    samples, buf = [], b""
    for i in range(warmup + count):
        sock.sendall(request)
        start = time.perf_counter()
        status, first_event, end, buf = read_response(sock, buf)
        if status != 200 or (mode == "first-event" and first_event is None):
            raise SystemExit(f"sequential: request {i} to :{port}{path} answered {status}" + (" without an SSE event" if status == 200 else ""))
        if i >= warmup:
            samples.append(round(((first_event if mode == "first-event" else end) - start) * 1e6, 1))
    sock.close()
    ordered = sorted(samples)

    def pct(p):
        return ordered[min(len(ordered) - 1, max(0, int(round(p / 100 * len(ordered))) - 1))]

    print(json.dumps({"count": len(samples), "p50_us": pct(50), "p90_us": pct(90), "p99_us": pct(99), "p999_us": pct(99.9),
                      "min_us": ordered[0], "max_us": ordered[-1], "mean_us": round(sum(samples) / len(samples), 1),
                      "samples_us": samples}))


if __name__ == "__main__":
    main()
