#!/usr/bin/env python3
"""CDK entry point (cdk.json: ``python3 cdk/app.py``). ``-c env=dev|staging|prod`` picks sizes and
retention; ``-c account=... -c region=...`` the target (default: the offline placeholder account
whose availability zones are pinned in cdk.json)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from flextime_cdk.stack import create_app

if __name__ == "__main__":
    app, _ = create_app()
    app.synth()
