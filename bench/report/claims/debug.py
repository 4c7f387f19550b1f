"""C13, "a debug container sharing a container's PID and network namespaces inspects it without changing
it", from the debug.json that `bench debug CONTAINER --verify --out RUN_DIR` writes (debug_check.py)."""

from __future__ import annotations

import json

from bench.debug.check import DEBUG_FILE
from bench.report.verdicts import NOT_MEASURED, Claim, ClaimVerdict, Evidence, supported_if


def check_c13(claim: Claim, ev: Evidence) -> ClaimVerdict:
    """Supported when every recorded check saw the target's processes and listening sockets (when the host
    could tell which they are) and left the target's filesystem, process and state as they were."""
    checks = [json.loads((d / DEBUG_FILE).read_text()) for d in ev.run_dirs if (d / DEBUG_FILE).is_file()]
    if not checks:
        return ClaimVerdict(
            claim,
            NOT_MEASURED,
            [f"no debug.json (bench debug CONTAINER --verify --out RUN_DIR); {claim.measured_by}"],
        )
    numbers, ok = [], True
    for check in checks:
        sockets = check["sees_target_sockets"]
        numbers.append(
            f"target {check['target']}: toolbox saw its processes: {check['sees_target_processes']}; its"
            f" listening ports {check['target_listening_ports']}: "
            + ("not checkable (remote engine)" if sockets is None else str(sockets))
            + f" (toolbox saw {check['toolbox_listening_ports']});"
            f" target unchanged: {check['target_unchanged']}"
        )
        ok &= (
            bool(check["sees_target_processes"]) and sockets is not False and bool(check["target_unchanged"])
        )
    return ClaimVerdict(claim, supported_if(ok), numbers)
