"""In-process Lambda functions for the local cloud.

THE SEAM: :func:`bind` replaces ``moto.awslambda_simple.models.LambdaSimpleBackend.invoke`` (with
``lambda.use_docker = False`` moto would only echo the payload) by a call of the real
``functions/<agent>/handler.py`` in this process. Nothing else in the local cloud differs from
AWS: the state machine, its retries, catches and timeouts are moto's ASL interpreter running the
deployed ASL. A handler's exception becomes a Lambda function error ("Unhandled", errorType =
the exception's class name), as the Python runtime reports it.

Faults can be injected per function for tests: raise before the handler, raise after it ran
(a retried step that had already written), or sleep (a task that times out)."""

from __future__ import annotations

import importlib.util
import json
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from flextime.paths import REPO_ROOT

Handler = Callable[[dict[str, Any], Any], Any]


@dataclass
class LambdaContextStub:
    """What Powertools reads from the Lambda context."""

    function_name: str
    memory_limit_in_mb: int = 3008
    function_version: str = "$LATEST"
    invoked_function_arn: str = ""
    aws_request_id: str = ""
    log_group_name: str = ""
    log_stream_name: str = ""
    deadline_ms: int = 0

    def get_remaining_time_in_millis(self) -> int:
        return max(0, self.deadline_ms - int(time.time() * 1000))


@dataclass
class Fault:
    """``raise``: fail before the handler runs; ``raise_after``: run it, then fail (its writes
    are committed); ``sleep``: hang for ``seconds`` (beyond the state's TimeoutSeconds), then
    end as Lambda ends a function that ran out of time: killed, the handler never completing."""

    kind: Literal["raise", "raise_after", "sleep"]
    error: type[Exception] = RuntimeError
    message: str = "injected fault"
    seconds: float = 0.0
    times: int = 1


def load_handler(folder: str) -> Handler:
    path = REPO_ROOT / "functions" / folder / "handler.py"
    spec = importlib.util.spec_from_file_location(f"flextime_functions.{folder}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"no handler at {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.handler


class LocalLambdas:
    """Function name -> handler, plus injected faults and a record of invocations."""

    def __init__(self) -> None:
        self.handlers: dict[str, Handler] = {}
        self.faults: dict[str, Fault] = {}
        self.invocations: list[tuple[str, float]] = []
        self._lock = threading.Lock()

    def register(self, name: str, handler: Handler) -> None:
        self.handlers[name] = handler

    def inject(self, name: str, fault: Fault) -> None:
        self.faults[name] = fault

    def _take_fault(self, name: str) -> Fault | None:
        with self._lock:
            fault = self.faults.get(name)
            if fault is None or fault.times <= 0:
                return None
            fault.times -= 1
            return fault

    def invoke(self, name: str, event: dict[str, Any]) -> tuple[Any, bool]:
        """(payload, failed): run the handler as the Lambda runtime would."""
        with self._lock:
            self.invocations.append((name, time.monotonic()))
        context = LambdaContextStub(
            function_name=name,
            aws_request_id=str(uuid.uuid4()),
            deadline_ms=int(time.time() * 1000) + 900_000,
        )
        fault = self._take_fault(name)
        try:
            if fault and fault.kind == "sleep":
                time.sleep(fault.seconds)
                raise TimeoutError(f"Task timed out after {fault.seconds:.2f} seconds")
            if fault and fault.kind == "raise":
                raise fault.error(fault.message)
            result = self.handlers[name](event, context)
            if fault and fault.kind == "raise_after":
                raise fault.error(fault.message)
            return result, False
        except Exception as exc:  # the runtime turns any exception into a function error
            return {
                "errorType": type(exc).__name__,
                "errorMessage": str(exc),
                "stackTrace": traceback.format_exception(exc)[-3:],
            }, True


_original_invoke: Any = None


def bind(lambdas: LocalLambdas) -> None:
    """# ===== THE SEAM: moto's Lambda invoke -> the in-process handler ===== #"""
    from moto.awslambda_simple.models import LambdaSimpleBackend

    global _original_invoke
    if _original_invoke is None:
        _original_invoke = LambdaSimpleBackend.invoke

    def invoke(
        self: Any,
        function_name: str,
        qualifier: Any,
        body: Any,
        headers: Any,
        response_headers: dict[str, str],
    ) -> bytes | None:
        name = function_name.rsplit(":function:", 1)[-1].split(":")[0]
        if name not in lambdas.handlers:
            return _original_invoke(self, function_name, qualifier, body, headers, response_headers)
        payload, failed = lambdas.invoke(name, json.loads(body or "{}"))
        if failed:
            response_headers["x-amz-function-error"] = "Unhandled"
        return json.dumps(payload, default=str).encode()

    LambdaSimpleBackend.invoke = invoke  # type: ignore[method-assign]


def unbind() -> None:
    global _original_invoke
    if _original_invoke is not None:
        from moto.awslambda_simple.models import LambdaSimpleBackend

        LambdaSimpleBackend.invoke = _original_invoke  # type: ignore[method-assign]
        _original_invoke = None
