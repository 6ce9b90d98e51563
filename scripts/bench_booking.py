#!/usr/bin/env python3
"""The flash-crowd benchmark's two halves (scripts/bench-booking.sh runs them):

  prepare  writes N people with API tokens straight into the database (no registration, no
           password hashing) and one slot with S seats, as SQL for sqlite3 or psql;
  fire     sends every person's POST /api/v1/appointments at once, one connection each, and
           reports the statuses, the throughput and the latency percentiles.
"""
import argparse
import asyncio
import hashlib
import json
import sys
import time

CLOCK = "2026-12-07T00:00:00Z"  # the bench portal's clock: Monday 08:00 in China
SLOT = "city.social.2026-12-08.0900"


def prepare(args):
    out = sys.stdout
    out.write("BEGIN;\n")
    out.write(
        "INSERT INTO booking_slots (id, hall_id, zone, day, starts_at, ends_at, capacity, booked) "
        f"VALUES ('{SLOT}', 'city', 'social', '2026-12-08', '2026-12-08T01:00:00Z', "
        f"'2026-12-08T01:30:00Z', {args.seats}, 0);\n"
    )
    tokens = []
    for i in range(args.people):
        citizen = f"bench{i:06d}"
        token = f"bench-token-{i:06d}-{hashlib.sha256(str(i).encode()).hexdigest()[:16]}"
        digest = hashlib.sha256(token.encode()).hexdigest()
        out.write(
            "INSERT INTO citizens (id, id_number, name, phone, password_hash, created_at) VALUES "
            f"('{citizen}', '8{i:017d}', '群众', '198{i:08d}', '$argon2id$v=19$bench', '{CLOCK}');\n"
            "INSERT INTO sessions (token_hash, channel, account_kind, account_id, stage, csrf_token, "
            "user_agent, created_at, last_seen_at, expires_at) VALUES "
            f"('{digest}', 'api', 'citizen', '{citizen}', 'active', 'bench', 'bench', "
            f"'{CLOCK}', '{CLOCK}', '2027-12-31T00:00:00Z');\n"
        )
        tokens.append(token)
    out.write("COMMIT;\n")
    with open(args.tokens, "w") as f:
        f.write("\n".join(tokens))


async def book(host, port, token, tries):
    body = json.dumps({"slot_id": SLOT}).encode()
    request = (
        f"POST /api/v1/appointments HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode() + body
    results = []
    for _ in range(tries):
        started = time.perf_counter()
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(request)
        await writer.drain()
        status_line = await reader.readline()
        await reader.read()
        writer.close()
        results.append((int(status_line.split()[1]), time.perf_counter() - started))
    return results


async def fire(args):
    tokens = open(args.tokens).read().split()
    host, port = args.host, args.port
    started = time.perf_counter()
    done = await asyncio.gather(*(book(host, port, t, args.tries) for t in tokens))
    elapsed = time.perf_counter() - started
    results = [r for person in done for r in person]
    statuses = {}
    for status, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    latencies = sorted(latency for _, latency in results)
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000
    print(json.dumps({
        "requests": len(results),
        "statuses": statuses,
        "seconds": round(elapsed, 2),
        "requests_per_second": round(len(results) / elapsed, 1),
        "p50_ms": round(pick(0.50), 1),
        "p99_ms": round(pick(0.99), 1),
        "max_ms": round(latencies[-1] * 1000, 1),
    }))


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--people", type=int, required=True)
    p.add_argument("--seats", type=int, required=True)
    p.add_argument("--tokens", required=True)
    f = sub.add_parser("fire")
    f.add_argument("--host", default="127.0.0.1")
    f.add_argument("--port", type=int, required=True)
    f.add_argument("--tokens", required=True)
    f.add_argument("--tries", type=int, default=2, help="requests per person (a retry, a double tap)")
    args = parser.parse_args()
    if args.command == "prepare":
        prepare(args)
    else:
        asyncio.run(fire(args))


if __name__ == "__main__":
    main()
