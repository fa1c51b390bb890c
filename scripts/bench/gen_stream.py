#!/usr/bin/env python3
"""gen_stream.py - writes the long-stream benchmark recording.

  gen_stream.py N DIR     writes DIR/tests/integration/bench/recordings/<hash>.json

One chat-completions request with stream: true, then N compact
ChatCompletionChunk envelopes (the last one finishing with "stop"), named
by the current recorder's hash (scripts/hash_oracle.py) so that the
request-hash family has nothing to report. Prints the path written.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import hash_oracle  # noqa: E402

TYPE = "openai.types.chat.chat_completion_chunk.ChatCompletionChunk"


def chunk(finish):
    data = {"id": "rec-1",
            "choices": [{"delta": {"content": "x"}, "finish_reason": finish, "index": 0}],
            "created": 0, "model": "m", "object": "chat.completion.chunk"}
    return json.dumps({"__type__": TYPE, "__data__": data}, separators=(",", ":"))


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    test_id = "tests/integration/bench/test_stream.py::test_long_stream"
    request = {"method": "POST", "url": "http://localhost:8000/v1/chat/completions",
               "headers": {}, "endpoint": "/v1/chat/completions", "model": "m",
               "body": {"model": "m", "stream": True,
                        "messages": [{"role": "user", "content": "Say x many times."}]}}
    head = {"test_id": test_id, "request": request}
    name = hash_oracle.inference_hashes(request, test_id)["current"]
    folder = os.path.join(out, "tests/integration/bench/recordings")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, name + ".json")
    plain = chunk(None)
    with open(path, "w") as f:
        f.write(json.dumps(head, separators=(",", ":"))[:-1])
        f.write(',"response":{"body":[')
        f.write(",".join([plain] * (n - 1) + [chunk("stop")]))
        f.write('],"is_streaming":true}}')
    print(path)


if __name__ == "__main__":
    main()
