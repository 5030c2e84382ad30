"""A loopback TCP relay that counts the bytes each client connection moves.

    python tcp_byte_counter.py LISTEN_PORT TARGET_PORT OUT.json

Relays every connection on 127.0.0.1:LISTEN_PORT to 127.0.0.1:TARGET_PORT and counts the
application bytes in both directions (what the TCP sockets carry: HTTP/1.1 or HTTP/2 framing
and headers included, TCP/IP headers not). On SIGTERM/SIGINT it writes
{"connections": N, "bytes_up": client->server total, "bytes_down": server->client total} to
OUT.json. Used by federation-vs-flower.sh to measure both federations at the same boundary.
"""

import asyncio
import json
import signal
import sys

totals = {"connections": 0, "bytes_up": 0, "bytes_down": 0}


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, key: str) -> None:
    try:
        while True:
            data = await reader.read(1 << 16)
            if not data:
                break
            totals[key] += len(data)
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        try:
            writer.close()
        except Exception:  # already closed by the peer
            pass


async def main() -> None:
    listen, target, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]

    async def handle(client_reader, client_writer):
        totals["connections"] += 1
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", target)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(pipe(client_reader, server_writer, "bytes_up"), pipe(server_reader, client_writer, "bytes_down"))

    server = await asyncio.start_server(handle, "127.0.0.1", listen)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()
    with open(out, "w", encoding="utf-8") as f:
        json.dump(totals, f)


asyncio.run(main())
