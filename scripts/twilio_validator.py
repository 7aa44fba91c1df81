#!/usr/bin/env python3
"""Twilio's own RequestValidator as an independent signer/checker for callwarden's tests.

Reads one JSON object on stdin and writes one JSON object on stdout:
  {"op": "sign", "token": ..., "url": ..., "params": [[name, value], ...]}
      -> {"signature": "..."}   (RequestValidator.compute_signature over a MultiDict-like
                                 object, so repeated names are signed the library's way)
  {"op": "validate", "token": ..., "url": ..., "params": [[name, value], ...] | "<json body>",
   "signature": ...}
      -> {"valid": true|false}
  {"op": "probe"} -> {"version": "<twilio package version>"}
  {"op": "batch", "requests": [<sign or validate request>, ...]} -> {"results": [...]}

Exit code 3 when the `twilio` package is not installed (the Rust test then skips).
Used by shared/tests/twilio_python_validator.rs; needs `twilio` from
scripts/tools-requirements.txt in the project venv.
"""

import json
import sys

try:
    import twilio
    from twilio.request_validator import RequestValidator
except ImportError:  # pragma: no cover - reported to the caller
    print(json.dumps({"error": "python package 'twilio' is not installed"}))
    sys.exit(3)


class MultiParams(dict):
    """A dict that also answers getall(), like the MultiDicts the validator supports."""

    def __init__(self, pairs):
        super().__init__()
        self._all = {}
        for name, value in pairs:
            self._all.setdefault(name, []).append(value)
            self[name] = value

    def getall(self, name):
        return self._all[name]


def answer(request):
    """Answer one sign/validate request."""
    validator = RequestValidator(request["token"])
    params = request.get("params")
    if isinstance(params, list):
        params = MultiParams(params)
    if request["op"] == "sign":
        return {"signature": validator.compute_signature(request["url"], params)}
    if request["op"] == "validate":
        return {"valid": bool(validator.validate(request["url"], params, request["signature"]))}
    raise ValueError("unknown op")


def main():
    request = json.load(sys.stdin)
    op = request.get("op")
    if op == "probe":
        print(json.dumps({"version": twilio.__version__}))
    elif op == "batch":
        print(json.dumps({"results": [answer(r) for r in request["requests"]]}))
    elif op in ("sign", "validate"):
        print(json.dumps(answer(request)))
    else:
        print(json.dumps({"error": "unknown op"}))
        sys.exit(2)


if __name__ == "__main__":
    main()
