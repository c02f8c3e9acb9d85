#!/usr/bin/env python3
"""CDK entry point (cdk.json: ``python3 cdk/app.py``). ``-c env=dev|staging|prod`` picks sizes and
retention; ``-c account=... -c region=...`` the target (default: the offline placeholder account
whose availability zones are pinned in cdk.json)."""

import os
import sys
from pathlib import Path

# The built-in CloudFormation validator of aws-cdk-lib (a cfn-lint port) takes ~20 s of a ~25 s
# synth on a 2-core machine; cdk-nag still runs. FLEXTIME_CFN_VALIDATE=1 turns it back on.
# Must be set before aws_cdk starts its node process.
if os.environ.get("FLEXTIME_CFN_VALIDATE") != "1":
    os.environ.setdefault("CDK_VALIDATION", "false")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from flextime_cdk.stack import create_app

if __name__ == "__main__":
    app, _ = create_app()
    app.synth()
