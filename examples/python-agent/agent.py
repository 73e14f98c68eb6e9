#!/usr/bin/env python3
"""An A2A agent in Python with only the standard library, joined to an agentwire network.

agentwire needs no code in the agent: the node forwards inbound calls to the agent's plain A2A
HTTP endpoint (`a2a.upstream`), and the agent calls remote agents through the node's local gateway
(`a2a.gateway.listen`). Both directions are plain A2A v1.0 JSON-RPC over HTTP on 127.0.0.1.

  python3 agent.py serve --port 9000
      Serve A2A on http://127.0.0.1:9000/ (card at /.well-known/agent-card.json). Point a node at it
      with `a2a: { upstream: "http://127.0.0.1:9000/" }`. Every task is answered with its words reversed.

  python3 agent.py call --gateway http://127.0.0.1:8080 --to research-agent "some text"
      Send one task to a remote agent (a name or a PeerId) through this machine's node, print the answer.
"""
import argparse
import json
import sys
import threading
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY_BYTES = 1 << 20  # one JSON-RPC request; anything bigger is refused, not read
TASK_NOT_FOUND = -32001
METHOD_NOT_FOUND = -32601
INVALID_REQUEST = -32600


def now():
    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")


def text_of(message):
    return " ".join(p.get("text", "") for p in message.get("parts", []) if isinstance(p, dict)).strip()


class Agent:
    """The agent itself: tasks kept in memory, answered at once."""

    def __init__(self, url):
        self.url = url
        self.tasks = {}
        self.lock = threading.Lock()

    def card(self):
        return {
            "name": "python reverse agent",
            "description": "Answers every task with its words in reverse order (an agentwire example in Python).",
            "version": "1.0.0",
            "supportedInterfaces": [{"url": self.url, "protocolBinding": "JSONRPC", "protocolVersion": "1.0"}],
            "capabilities": {"streaming": False, "pushNotifications": False},
            "defaultInputModes": ["text/plain"],
            "defaultOutputModes": ["text/plain"],
            "skills": [{"id": "reverse", "name": "Reverse", "description": "Reverses the words of a text", "tags": ["text"]}],
        }

    def send_message(self, params):
        message = params.get("message") or {}
        task_id = str(uuid.uuid4())
        context_id = message.get("contextId") or str(uuid.uuid4())
        answer = " ".join(reversed(text_of(message).split()))
        task = {
            "id": task_id,
            "contextId": context_id,
            "status": {"state": "TASK_STATE_COMPLETED", "timestamp": now()},
            "artifacts": [{"artifactId": str(uuid.uuid4()), "name": "reversed", "parts": [{"text": answer, "mediaType": "text/plain"}]}],
            "history": [message],
        }
        with self.lock:
            self.tasks[task_id] = task
        return {"task": task}

    def handle(self, request):
        method, params = request.get("method"), request.get("params") or {}
        if method == "SendMessage":
            return {"result": self.send_message(params)}
        if method == "GetTask":
            with self.lock:
                task = self.tasks.get(params.get("id"))
            if task is None:
                return {"error": {"code": TASK_NOT_FOUND, "message": "Task not found: %s" % params.get("id")}}
            return {"result": task}
        return {"error": {"code": METHOD_NOT_FOUND, "message": "Method not found: %s" % method}}


def make_handler(agent):
    class Handler(BaseHTTPRequestHandler):
        def reply(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path == "/.well-known/agent-card.json":
                self.reply(200, agent.card())
            else:
                self.reply(404, {"error": "not found: the card is at /.well-known/agent-card.json"})

        def do_POST(self):
            length = int(self.headers.get("content-length") or 0)
            if length <= 0 or length > MAX_BODY_BYTES:
                self.reply(413, {"jsonrpc": "2.0", "id": None, "error": {"code": INVALID_REQUEST, "message": "body must be 1 to %d bytes" % MAX_BODY_BYTES}})
                return
            try:
                request = json.loads(self.rfile.read(length))
            except ValueError:
                self.reply(200, {"jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": "Parse error"}})
                return
            self.reply(200, {"jsonrpc": "2.0", "id": request.get("id"), **agent.handle(request)})

        def log_message(self, *args):
            pass  # quiet: the node in front of us keeps the audit log

    return Handler


def serve(port):
    server = ThreadingHTTPServer(("127.0.0.1", port), None)
    url = "http://127.0.0.1:%d/" % server.server_address[1]
    server.RequestHandlerClass = make_handler(Agent(url))
    print(json.dumps({"event": "ready", "url": url}), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


def call(gateway, to, text):
    url = "%s/peers/%s/" % (gateway.rstrip("/"), to)
    request = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "SendMessage",
        "params": {"message": {"messageId": str(uuid.uuid4()), "role": "ROLE_USER", "parts": [{"text": text}]}},
    }
    req = urllib.request.Request(url, data=json.dumps(request).encode(), method="POST",
                                 headers={"content-type": "application/json", "A2A-Version": "1.0"})
    try:
        with urllib.request.urlopen(req, timeout=60) as res:
            body = json.loads(res.read())
    except urllib.error.HTTPError as err:
        body = json.loads(err.read() or b"{}")
    if "error" in body:
        print(json.dumps({"event": "error", "error": body["error"]}), flush=True)
        return 1
    task = body["result"].get("task") or {}
    answer = "".join(p.get("text", "") for a in task.get("artifacts", []) for p in a.get("parts", []))
    print(json.dumps({"event": "answer", "state": task.get("status", {}).get("state"), "text": answer}), flush=True)
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="serve A2A for a node's a2a.upstream")
    s.add_argument("--port", type=int, default=9000)
    c = sub.add_parser("call", help="send one task through the node's gateway")
    c.add_argument("--gateway", required=True, help="the node's gateway, e.g. http://127.0.0.1:8080")
    c.add_argument("--to", required=True, help="the remote agent: a name or a PeerId")
    c.add_argument("text")
    args = parser.parse_args()
    if args.command == "serve":
        serve(args.port)
        return 0
    return call(args.gateway, args.to, args.text)


if __name__ == "__main__":
    sys.exit(main())
